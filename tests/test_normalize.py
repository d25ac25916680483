"""Normalisation: Cyrillic, Latin-typed and messy input meet on comparable strings."""

from nlu.normalize import MAX_CHARS, clip, fold, normalize, skeleton


def test_latin_typed_kyrgyz_meets_cyrillic_kyrgyz():
    assert skeleton("Россияга кирүүгө тыюу") == skeleton("rossiyaga kiruugo tyiuu")


def test_latin_typed_russian_meets_cyrillic_russian():
    assert skeleton("Как проверить запрет?") == skeleton("kak proverit zapret")


def test_kyrgyz_typed_with_russian_letters_folds_to_the_same_text():
    assert fold("Менин паспортумду кожоюн алып койду") == fold(
        "менин паспортумду кожоюн алып койду"
    )
    assert fold("Көрүшкөнчө, рахмат") == "корушкончо рахмат"
    assert fold("кирүүгө тыюу") == fold("кирууго тыюу")


def test_skeleton_unifies_common_latin_spellings():
    assert skeleton("Жалал-Абадта") == skeleton("Djalal-Abadta") == skeleton("Jalal-Abadta")
    assert skeleton("mening pasportum") == skeleton("менин паспортум")
    assert skeleton("menya b'yut") == skeleton("меня бьют")
    assert skeleton("хорошо") == skeleton("xorosho")


def test_normalize_lowercases_and_strips_invisible_characters():
    assert normalize("  ПРИВЕТ,\u200b  бот!!! ") == "привет бот"
    assert normalize("pass\u00adport\u200d") == "passport"
    assert normalize("won't") == "wont"


def test_normalize_collapses_repeated_letters():
    assert normalize("помогитеееее") == "помогите"
    assert normalize("heeelp meee") == "help me"


def test_normalize_is_nfkc():
    assert normalize("ｈｅｌｌｏ") == "hello"


def test_emoji_survive_normalisation():
    assert normalize("ok 👍") == "ok 👍"


def test_long_input_is_clipped():
    long_text = "а" * (MAX_CHARS * 5)
    assert len(clip(long_text)) == MAX_CHARS
    assert len(normalize("слово " * 2000)) <= MAX_CHARS
