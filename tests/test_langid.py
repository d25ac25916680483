"""Language identification for ky / ru / en in any script."""

import pytest

from nlu.langid import identify


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Россияга кирүүгө тыюу барбы, кантип текшерем?", "ky"),
        ("Менин паспортумду кожоюн алып койду", "ky"),
        ("паспортумду алып коюшту", "ky"),
        ("айлыгымды бербей жатат", "ky"),
        ("Как узнать, есть ли у меня запрет на въезд в Россию?", "ru"),
        ("меня не выпускают из квартиры", "ru"),
        ("работодатель забрал паспорт и не отдаёт", "ru"),
        ("My boss took my passport and won't give it back", "en"),
        ("how do I check the entry ban", "en"),
    ],
)
def test_plain_script_messages(text, language):
    assert identify(text) == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("rossiyaga kiruugo tyiuu barby", "ky"),
        ("menin pasportumdu kojoiun alyp koidu", "ky"),
        ("aylygymdy berbei jatat", "ky"),
        ("kak proverit zapret na vezd", "ru"),
        ("zarplatu ne platyat uzhe dva mesyatsa", "ru"),
    ],
)
def test_latin_typed_kyrgyz_and_russian(text, language):
    assert identify(text) == language


def test_kyrgyz_letters_settle_a_mixed_message():
    assert identify("Байке, за работу акча берүү керекпи?") == "ky"


def test_hint_decides_only_what_text_cannot():
    assert identify("ok", "ky") == "ky"
    assert identify("ok", "ru") == "ru"
    assert identify("112", "en") == "en"
    assert identify("👍", "ru") == "ru"
    assert identify("My employer keeps my passport", "ky") == "en"
    assert identify("меня заперли и бьют", "en") == "ru"


def test_no_letters_and_no_hint_falls_back_to_the_bot_default():
    assert identify("112") == "ky"
    assert identify("") == "ky"
