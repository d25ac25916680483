"""Entity extraction in ky / ru / en: dates, day counts, regions, countries, money."""

from datetime import date

import pytest

from nlu.entities import extract

TODAY = date(2025, 3, 20)


def values(text: str, language: str, name: str, today: date = TODAY) -> list[object]:
    """The values of one entity type found in `text`."""
    return [e.value for e in extract(text, language, today) if e.entity == name]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Мен 3-мартта Россияга кирдим", "2025-03-03"),
        ("12-январда келдим", "2025-01-12"),
        ("15.03.2025 кирдим", "2025-03-15"),
        ("2025-жылдын 3-марты", "2025-03-03"),
        ("кечээ чек арадан өттүм", "2025-03-19"),
        ("бүгүн келдим", "2025-03-20"),
        ("3 күн мурун чыгып кеттим", "2025-03-17"),
        ("бир жума мурун келдим", "2025-03-13"),
        ("kechee keldim", "2025-03-19"),
        ("3-martta kirdim", "2025-03-03"),
    ],
)
def test_kyrgyz_dates(text, expected):
    assert values(text, "ky", "date") == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("я въехал 3 марта 2024 года", "2024-03-03"),
        ("въехал 5 марта", "2025-03-05"),
        ("вчера", "2025-03-19"),
        ("позавчера пересёк границу", "2025-03-18"),
        ("приехал 3 дня назад", "2025-03-17"),
        ("неделю назад", "2025-03-13"),
        ("въезд 28.02.2025", "2025-02-28"),
        ("vyehal 5 marta", "2025-03-05"),
    ],
)
def test_russian_dates(text, expected):
    assert values(text, "ru", "date") == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I entered on March 5", "2025-03-05"),
        ("entered Russia on 5 March 2024", "2024-03-05"),
        ("on the 5th of May 2024", "2024-05-05"),
        ("yesterday", "2025-03-19"),
        ("two weeks ago", "2025-03-06"),
        ("arrived 2025-01-15", "2025-01-15"),
    ],
)
def test_english_dates(text, expected):
    assert values(text, "en", "date") == [expected]


def test_a_date_without_year_is_past_unless_within_a_month():
    assert values("25 декабря", "ru", "date") == ["2024-12-25"]
    assert values("10 апреля уезжаю", "ru", "date") == ["2025-04-10"]
    assert values("3-мартта", "ky", "date", today=date(2026, 11, 23)) == ["2026-03-03"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("call 112 now", "en"),
        ("мне 25 лет", "ru"),
        ("работаем 24/7", "ru"),
        ("may I ask a question", "en"),
        ("I worked 3 months", "en"),
        ("90", "ru"),
        ("3 кызым бар", "ky"),
    ],
)
def test_no_date_from_bare_numbers_or_durations(text, language):
    assert values(text, language, "date") == []


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("how many days is 90 days rule", "en", [90]),
        ("what is the 90 day rule", "en", [90]),
        ("я здесь уже 70 дней", "ru", [70]),
        ("девяносто дней", "ru", [90]),
        ("90 күн бүттү", "ky", [90]),
        ("токсон күн", "ky", [90]),
        ("85 dnei", "ru", [85]),
        ("3 күн мурун келдим", "ky", []),
    ],
)
def test_number_of_days(text, language, expected):
    assert values(text, language, "number_of_days") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("в Оше", "osh"),
        ("Ошто жашайм", "osh"),
        ("Oshto", "osh"),
        ("Бишкекке барам", "bishkek"),
        ("из Бишкека", "bishkek"),
        ("Jalal-Abadta", "jalal_abad"),
        ("Джалал-Абаде", "jalal_abad"),
        ("Жалал-Абадта", "jalal_abad"),
        ("Karakol", "issyk_kul"),
        ("Караколдо", "issyk_kul"),
        ("Ысык-Көлдө", "issyk_kul"),
        ("Иссык-Кульской области", "issyk_kul"),
        ("Tokmok", "chui"),
        ("Чуйской области", "chui"),
        ("Kyzyl-Kiya", "batken"),
        ("Кызыл-Кыяда", "batken"),
        ("Баткенде", "batken"),
        ("Нарында", "naryn"),
        ("Таласе", "talas"),
        ("Узгенде", "osh"),
    ],
)
def test_regions(text, expected):
    assert values(text, "ky", "region") == [expected]


def test_kyrgyz_words_that_look_like_osh_are_not_regions():
    assert values("ошол жерде иштейм", "ky", "region") == []
    assert values("ошондо айлык беришкен жок", "ky", "region") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Россияга барам", "RU"),
        ("в Россию", "RU"),
        ("Rossiyada ishteim", "RU"),
        ("Орусияга кирүүгө тыюу", "RU"),
        ("работа в Москве", "RU"),
        ("a job in Dubai", "AE"),
        ("в Дубае", "AE"),
        ("в ОАЭ", "AE"),
        ("Kazakhstan", "KZ"),
        ("в Казахстане", "KZ"),
        ("Түркияга", "TR"),
        ("в Турции", "TR"),
        ("Кореяга кетет", "KR"),
        ("в Корее", "KR"),
        ("UK farm work", "GB"),
        ("в Англии", "GB"),
        ("Thailand", "TH"),
        ("Германияга", "DE"),
        ("США", "US"),
    ],
)
def test_countries(text, expected):
    assert values(text, "ru", "country") == [expected]


def test_language_names_are_not_countries():
    assert values("можно на английском?", "ru", "country") == []
    assert values("in Russian please", "en", "country") == []


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("агентство просит 800 долларов", 800, "USD"),
        ("the agency wants $800", 800, "USD"),
        ("700$ за визу", 700, "USD"),
        ("1.5k usd", 1500, "USD"),
        ("40 000 рублей", 40000, "RUB"),
        ("45,000 rubles", 45000, "RUB"),
        ("5000 руб", 5000, "RUB"),
        ("50 миң сом", 50000, "KGS"),
        ("80 000 som", 80000, "KGS"),
        ("60 tysyach som", 60000, "KGS"),
        ("3 тыс. долл", 3000, "USD"),
        ("200 бакс", 200, "USD"),
        ("1000 евро", 1000, "EUR"),
        ("50 тысяч", 50000, None),
    ],
)
def test_money(text, amount, currency):
    assert values(text, "ru", "money") == [{"amount": amount, "currency": currency}]


def test_spans_point_into_the_original_text():
    text = "Мен 3-мартта Бишкектен Россияга 800 доллар менен кеттим"
    found = extract(text, "ky", TODAY)
    assert [text[e.start : e.end] for e in found] == [e.text for e in found]
    assert [e.entity for e in found] == ["date", "region", "country", "money"]


def test_several_entities_in_one_message():
    found = extract("I entered Russia on 5 March and stayed 40 days", "en", TODAY)
    assert [(e.entity, e.value) for e in found] == [
        ("country", "RU"),
        ("date", "2025-03-05"),
        ("number_of_days", 40),
    ]


def test_every_place_in_a_long_message_is_found_in_order():
    filler = "жумуш жок, акча жок, эмне кылышты билбейм. " * 6
    text = f"{filler}Жалал-Абаддан чыктым, {filler}азыр Екатеринбургда, {filler}Казакстанга барам"
    assert len(text) < 1000
    assert values(text, "ky", "region") == ["jalal_abad"]
    assert values(text, "ky", "country") == ["RU", "KZ"]
