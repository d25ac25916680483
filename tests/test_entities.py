"""Entity extraction in ky / ru / en: dates, day counts, regions, countries, money."""

from datetime import date

import pytest

from nlu.entities import extract
from nlu.gazetteer import CITIES, city_country, city_name

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


# ---------------------------------------------------------------- cities abroad

TODAY_DEC = date(2026, 12, 1)


def places(text: str, language: str) -> list[tuple[str, str]]:
    """(entity, value) of the cities and countries found, in message order."""
    return [
        (e.entity, e.value)
        for e in extract(text, language, TODAY)
        if e.entity in ("city", "country")
    ]


@pytest.mark.parametrize(
    ("text", "language", "city", "country"),
    [
        ("I am in Kazan", "en", "kazan", "RU"),
        ("мен Казандамын", "ky", "kazan", "RU"),
        ("men Kazandamyn", "ky", "kazan", "RU"),
        ("Kazanda ishteim", "ky", "kazan", "RU"),
        ("я в Казани", "ru", "kazan", "RU"),
        ("в казани на складе", "ru", "kazan", "RU"),
        ("Казань", "ru", "kazan", "RU"),
        ("я в Подольске", "ru", "podolsk", "RU"),
        ("Подольскиде журом", "ky", "podolsk", "RU"),
        ("Москвада иштейм", "ky", "moscow", "RU"),
        ("Moskvadamyn", "ky", "moscow", "RU"),
        ("из Москвы", "ru", "moscow", "RU"),
        ("работа в Москве", "ru", "moscow", "RU"),
        ("в Подмосковье на стройке", "ru", "moscow_oblast", "RU"),
        ("Московская область", "ru", "moscow_oblast", "RU"),
        ("Москва облусунда", "ky", "moscow_oblast", "RU"),
        ("Питерде", "ky", "saint_petersburg", "RU"),
        ("в Санкт-Петербурге", "ru", "saint_petersburg", "RU"),
        ("St Petersburg", "en", "saint_petersburg", "RU"),
        ("Екатеринбургда", "ky", "yekaterinburg", "RU"),
        ("in Yekaterinburg", "en", "yekaterinburg", "RU"),
        ("Новосибирскиде", "ky", "novosibirsk", "RU"),
        ("в Красноярске", "ru", "krasnoyarsk", "RU"),
        ("Irkutskte", "ky", "irkutsk", "RU"),
        ("в Сургуте", "ru", "surgut", "RU"),
        ("в Тюмени", "ru", "tyumen", "RU"),
        ("Самарада", "ky", "samara", "RU"),
        ("в Челябинске", "ru", "chelyabinsk", "RU"),
        ("в Нижнем Новгороде", "ru", "nizhny_novgorod", "RU"),
        ("в Балашихе", "ru", "balashikha", "RU"),
        ("Mytishchi warehouse", "en", "mytishchi", "RU"),
        ("в Люберцах", "ru", "lyubertsy", "RU"),
        ("в Химках", "ru", "khimki", "RU"),
        ("Красногорскиде", "ky", "krasnogorsk", "RU"),
        ("в Якутске", "ru", "yakutsk", "RU"),
        ("Vladivostokto", "ky", "vladivostok", "RU"),
        ("Алматыда", "ky", "almaty", "KZ"),
        ("в Алма-Ате", "ru", "almaty", "KZ"),
        ("Астанада", "ky", "astana", "KZ"),
        ("in Shymkent", "en", "shymkent", "KZ"),
        ("Стамбулда", "ky", "istanbul", "TR"),
        ("она в стамбуле", "ru", "istanbul", "TR"),
        ("İstanbul'da", "en", "istanbul", "TR"),
        ("в Анталье", "ru", "antalya", "TR"),
        ("Ankarada", "ky", "ankara", "TR"),
        ("Сеулда", "ky", "seoul", "KR"),
        ("factory in Ansan", "en", "ansan", "KR"),
        ("в Инчхоне", "ru", "incheon", "KR"),
        ("Лондондо", "ky", "london", "GB"),
        ("a farm in Kent", "en", "kent", "GB"),
        ("Herefordshire", "en", "herefordshire", "GB"),
        ("picking in Worcestershire", "en", "worcestershire", "GB"),
        ("Lincolnshire farm", "en", "lincolnshire", "GB"),
        ("Cambridgeshire", "en", "cambridgeshire", "GB"),
        ("в Норфолке", "ru", "norfolk", "GB"),
        ("Suffolk", "en", "suffolk", "GB"),
        ("в Шотландии", "ru", "scotland", "GB"),
        ("Дубайда", "ky", "dubai", "AE"),
        ("a job in Dubai", "en", "dubai", "AE"),
    ],
)
def test_cities_give_the_city_and_its_country(text, language, city, country):
    assert places(text, language) == [("city", city), ("country", country)]


def test_a_city_country_shares_the_city_span_and_is_marked():
    found = extract("я в Подольске", "ru", TODAY)
    city, country = found
    assert (city.start, city.end) == (country.start, country.end)
    assert city.text == country.text == "Подольске"
    assert country.flags == ("from_city",)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("казан сатып алдым", "ky"),
        ("казанды жуудум", "ky"),
        ("плов в казане", "ru"),
        ("новые казаны", "ru"),
        ("мой кент сказал", "ru"),
        ("тараза бузулду", "ky"),
        ("алма сатам", "ky"),
        ("permission to work", "en"),
    ],
)
def test_common_words_are_not_cities(text, language):
    assert places(text, language) == []


def test_kazakhstan_is_a_country_not_kazan():
    assert places("в Казахстане", "ru") == [("country", "KZ")]
    assert places("Казакстанда иштейм", "ky") == [("country", "KZ")]
    assert places("Kazakhstan", "en") == [("country", "KZ")]


def test_kyrgyz_regions_stay_regions():
    for text in ("ОШ", "Ошто", "Oshto", "в Оше"):
        assert values(text, "ky", "region") == ["osh"]
        assert places(text, "ky") == []


def test_several_cities_in_order():
    assert places("сначала Москва, потом Казань и Стамбул", "ru") == [
        ("city", "moscow"),
        ("country", "RU"),
        ("city", "kazan"),
        ("country", "RU"),
        ("city", "istanbul"),
        ("country", "TR"),
    ]


def test_city_country_and_names():
    assert city_country("kazan") == "RU"
    assert city_country("almaty") == "KZ"
    assert city_country("kent") == "GB"
    assert city_country("no_such_place") == ""
    assert city_name("moscow_oblast", "ru") == "Подмосковье"
    assert city_name("moscow_oblast", "ky") == "Москва облусу"
    assert city_name("moscow_oblast", "en") == "Moscow Oblast"
    assert city_name("kazan", "xx") == "Kazan"
    assert city_name("old_key", "ru") == "Old Key"
    for key, city in CITIES.items():
        assert city.country == city_country(key)
        assert all(city_name(key, lang) for lang in ("ky", "ru", "en"))


# ---------------------------------------------------------------- Kyrgyz month names


def dates(text: str, language: str, today: date = TODAY_DEC) -> list[tuple[str, tuple[str, ...]]]:
    """(ISO value, flags) of every date found."""
    return [(e.value, e.flags) for e in extract(text, language, today) if e.entity == "date"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5-мартта", "2026-03-05"),
        ("25-ноябрда", "2026-11-25"),
        ("ноябрдын 25инде", "2026-11-25"),
        ("ноябрдын 25-инде", "2026-11-25"),
        ("25 ноябрь", "2026-11-25"),
        ("10-oktyabrda", "2026-10-10"),
        ("10-oktiabrda", "2026-10-10"),
        ("martta 5", "2026-03-05"),
        ("мартта 5", "2026-03-05"),
        ("мартын 5-куну", "2026-03-05"),
        ("3-январда", "2026-01-03"),
        ("3-yanvarda", "2026-01-03"),
        ("20-sentabrda", "2026-09-20"),
        ("1-майда", "2026-05-01"),
        ("7-июнда", "2026-06-07"),
        ("2025-жылдын 25-ноябрында", "2025-11-25"),
    ],
)
def test_kyrgyz_standard_month_names(text, expected):
    assert [value for value, _ in dates(text, "ky")] == [expected]


def test_a_date_with_a_year_has_no_no_year_flag():
    assert dates("2025-жылдын 25-ноябрында", "ky") == [("2025-11-25", ())]
    assert dates("25-ноябрда", "ky") == [("2026-11-25", ("no_year",))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("бештин айынын 5инде", "2025-12-05"),
        ("beshtin aiynyn 5inde", "2025-12-05"),
        ("үчтүн айынын 10унда", "2026-01-10"),
        ("учтун айынын 10унда", "2026-01-10"),
        ("бирдин айынын 3ү", "2026-02-03"),
        ("жалган курандын 8и", "2026-03-08"),
        ("чын курандын 8и", "2026-04-08"),
        ("бугу айынын 10унда", "2026-05-10"),
        ("кулжа айынын 1инде", "2026-06-01"),
        ("теке айынын 2синде", "2026-07-02"),
        ("баш оонанын 5и", "2026-08-05"),
        ("аяк оонанын 5и", "2026-09-05"),
        ("тогуздун айынын 5и", "2026-10-05"),
        ("жетинин айынын 5и", "2026-11-05"),
    ],
)
def test_traditional_kyrgyz_months_are_flagged(text, expected):
    assert dates(text, "ky") == [(expected, ("no_year", "traditional_month"))]


def test_a_traditional_month_alone_is_its_first_day_flagged():
    assert dates("бугу айында келдим", "ky") == [
        ("2026-05-01", ("no_year", "traditional_month", "month_only", "entry"))
    ]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("бугу көрдүм", "ky"),
        ("5 теке бар", "ky"),
        ("бештин бири", "ky"),
        ("мартта 5 күн иштедим", "ky"),
        ("may 5 people come", "en"),
        ("5-айда келдим", "ky"),
        ("в этом месяце", "ru"),
    ],
)
def test_no_false_dates(text, language):
    assert dates(text, language) == []


# ---------------------------------------------------------------- year, relative, role


def test_dates_without_a_year_prefer_the_past():
    assert dates("5 декабря", "ru") == [("2025-12-05", ("no_year",))]
    assert dates("5-декабрда", "ky") == [("2025-12-05", ("no_year",))]
    assert dates("December 5", "en") == [("2025-12-05", ("no_year",))]
    assert dates("05.12", "ru") == [("2025-12-05", ("no_year",))]
    assert dates("1 декабря", "ru") == [("2026-12-01", ("no_year",))]


def test_a_future_clause_takes_the_next_such_date():
    assert dates("уезжаю 10 декабря", "ru") == [("2026-12-10", ("no_year", "exit"))]
    assert dates("договор закончится 20 декабря", "ru") == [
        ("2026-12-20", ("no_year", "contract_end"))
    ]
    assert dates("my contract ends on 20 December", "en") == [
        ("2026-12-20", ("no_year", "contract_end"))
    ]


def test_29_february_without_a_year_is_the_latest_that_existed():
    assert dates("29 февраля", "ru") == [("2024-02-29", ("no_year",))]
    assert dates("29-февралда", "ky", date(2028, 3, 1)) == [("2028-02-29", ("no_year",))]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("вчера", "ru", "2026-11-30"),
        ("кечээ", "ky", "2026-11-30"),
        ("yesterday", "en", "2026-11-30"),
        ("3 months ago", "en", "2026-09-01"),
        ("3 ай мурун", "ky", "2026-09-01"),
        ("3 ai murun", "ky", "2026-09-01"),
        ("3 месяца назад", "ru", "2026-09-01"),
        ("полгода назад", "ru", "2026-06-01"),
    ],
)
def test_relative_dates_are_flagged(text, language, expected):
    assert dates(text, language) == [(expected, ("relative",))]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("since January", "en"),
        ("с января", "ru"),
        ("январдан бери", "ky"),
        ("yanvardan beri", "ky"),
    ],
)
def test_since_a_month(text, language):
    assert dates(text, language) == [("2026-01-01", ("no_year", "relative", "month_only"))]


@pytest.mark.parametrize(
    ("text", "language", "role"),
    [
        ("заехал 5 марта", "ru", "entry"),
        ("въехал 5 марта", "ru", "entry"),
        ("приехал в Москву 5 марта", "ru", "entry"),
        ("5-мартта келдим", "ky", "entry"),
        ("5-мартта Россияга кирдим", "ky", "entry"),
        ("5-martta keldim", "ky", "entry"),
        ("arrived on 5 March", "en", "entry"),
        ("I entered Russia on March 5", "en", "entry"),
        ("выехал 5 марта", "ru", "exit"),
        ("уехал домой 5 марта", "ru", "exit"),
        ("5-мартта чыктым", "ky", "exit"),
        ("5-martta chyktym", "ky", "exit"),
        ("I left on 5 March", "en", "exit"),
        ("договор закончился 20 ноября", "ru", "contract_end"),
        ("договор истёк 20 ноября", "ru", "contract_end"),
        ("dogovor zakonchilsia 20 noiabria", "ru", "contract_end"),
        ("келишимим 25-ноябрда бүттү", "ky", "contract_end"),
        ("келишимим 25-ноябрда бутту", "ky", "contract_end"),
        ("kelishimim 25-noyabrda buttu", "ky", "contract_end"),
        ("my contract ended on 20 November", "en", "contract_end"),
        ("contract expired 20 November", "en", "contract_end"),
        ("договор подписал 20 ноября", "ru", "contract_start"),
        ("келишимди 20-ноябрда түздүм", "ky", "contract_start"),
        ("I signed the contract on 20 November", "en", "contract_start"),
    ],
)
def test_date_roles_from_cue_words(text, language, role):
    (found,) = dates(text, language)
    assert found[1][-1] == role


def test_a_contract_end_is_not_an_entry():
    text = "договор закончился 20 ноября, сколько дней у меня есть найти новую работу"
    assert dates(text, "ru") == [("2026-11-20", ("no_year", "contract_end"))]


def test_each_date_takes_the_cue_of_its_own_clause():
    found = dates("I entered on 5 March and my contract ended on 1 June", "en")
    assert found == [
        ("2026-03-05", ("no_year", "entry")),
        ("2026-06-01", ("no_year", "contract_end")),
    ]
    found = dates("выехал 3 ноября, заехал 10 ноября", "ru")
    assert found == [("2026-11-03", ("no_year", "exit")), ("2026-11-10", ("no_year", "entry"))]


def test_a_date_without_cue_words_has_no_role():
    assert dates("5 марта", "ru") == [("2026-03-05", ("no_year",))]
    assert dates("договор 5 марта", "ru") == [("2026-03-05", ("no_year",))]


# ---------------------------------------------------------------- durations and day counts


@pytest.mark.parametrize(
    ("text", "language", "count", "unit", "days"),
    [
        ("я в москве уже 5 месяцев", "ru", 5, "month", 152),
        ("5 мес", "ru", 5, "month", 152),
        ("беш ай болду", "ky", 5, "month", 152),
        ("5 ай иштедим", "ky", 5, "month", 152),
        ("5 ai boldu", "ky", 5, "month", 152),
        ("besh ai", "ky", 5, "month", 152),
        ("3 weeks", "en", 3, "week", 21),
        ("two weeks without pay", "en", 2, "week", 14),
        ("эки жума", "ky", 2, "week", 14),
        ("3 недели", "ru", 3, "week", 21),
        ("полгода", "ru", 6, "month", 183),
        ("пол года", "ru", 6, "month", 183),
        ("жарым жыл", "ky", 6, "month", 183),
        ("jarym jyl", "ky", 6, "month", 183),
        ("half a year", "en", 6, "month", 183),
        ("полтора года", "ru", 18, "month", 548),
        ("2 года", "ru", 2, "year", 730),
        ("эки жыл", "ky", 2, "year", 730),
        ("for a month", "en", 1, "month", 30),
        ("уже месяц", "ru", 1, "month", 30),
        ("I worked 3 months", "en", 3, "month", 91),
    ],
)
def test_durations(text, language, count, unit, days):
    assert values(text, language, "duration") == [{"count": count, "unit": unit, "days": days}]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("мне 25 лет", "ru"),
        ("I am 25 years old", "en"),
        ("2025-жылы", "ky"),
        ("3 months ago", "en"),
        ("5-айда келдим", "ky"),
        ("90 дней", "ru"),
        ("в этом месяце", "ru"),
    ],
)
def test_not_durations(text, language):
    assert values(text, language, "duration") == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("я в россии уже 80 дней", "ru"),
        ("уже 80 дней", "ru"),
        ("80 dney", "ru"),
        ("80 кун болду", "ky"),
        ("80 күн болду", "ky"),
        ("80 кундон бери", "ky"),
        ("80 kun", "ky"),
        ("80 kundon beri", "ky"),
        ("сексен кун", "ky"),
        ("80 days", "en"),
        ("eighty days", "en"),
        ("I've been here 80 days", "en"),
    ],
)
def test_plain_day_counts_in_three_languages(text, language):
    assert values(text, language, "number_of_days") == [80]
    assert values(text, language, "duration") == []


def test_kyrgyz_words_with_the_skeleton_of_an_english_month_are_not_months():
    assert dates("жан 5", "ky") == []
    assert dates("5 жан", "ky") == []
    assert dates("jan 5", "en") == [("2026-01-05", ("no_year",))]


def test_roles_follow_word_order_in_each_language():
    assert dates("On 5 March I entered and on 1 June I left", "en") == [
        ("2026-03-05", ("no_year", "entry")),
        ("2026-06-01", ("no_year", "exit")),
    ]
    assert dates("5-мартта келдим жана 1-июнда чыктым", "ky") == [
        ("2026-03-05", ("no_year", "entry")),
        ("2026-06-01", ("no_year", "exit")),
    ]
    assert dates("Въехал 5 марта выехал 1 июня", "ru") == [
        ("2026-03-05", ("no_year", "entry")),
        ("2026-06-01", ("no_year", "exit")),
    ]


def test_a_question_about_a_coming_date_reads_it_ahead():
    assert dates("можно ли въехать 5 января", "ru") == [("2027-01-05", ("no_year", "entry"))]
    assert dates("can I enter on 5 May", "en") == [("2027-05-05", ("no_year", "entry"))]


def test_the_nearest_verb_decides_past_or_ahead():
    assert dates("5-майда кирдим качан чыгам", "ky") == [("2026-05-05", ("no_year", "entry"))]
    assert dates("10-iyunda kirdim kachan chygam", "ky") == [("2026-06-10", ("no_year", "entry"))]
    assert dates("14-августта барам деп турам", "ky") == [("2027-08-14", ("no_year",))]


@pytest.mark.parametrize(
    ("text", "language", "name"),
    [
        ("from now on I work alone", "en", "date"),
        ("is it a good offer?", "en", "duration"),
        ("Дочке 16 лет, её увезли", "ru", "duration"),
    ],
)
def test_english_words_that_look_like_units_or_months(text, language, name):
    assert values(text, language, name, TODAY_DEC) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("он күн калды", [10]),
        ("on kun kaldy", [10]),
        ("on bir kun", [11]),
        ("tokson kun", [90]),
        ("seksen kundon beri", [80]),
        ("jyiyrma kun", [20]),
    ],
)
def test_kyrgyz_number_words_in_latin_letters(text, expected):
    assert values(text, "ky", "number_of_days") == expected


def test_english_on_is_not_ten():
    assert values("on day 5 they took my passport", "en", "number_of_days") == []
    assert values("on kun", "ky", "duration") == []
    assert values("on ai", "ky", "duration") == [{"count": 10, "unit": "month", "days": 304}]


def test_an_impossible_time_ago_is_no_date_and_no_crash():
    assert dates("2025 лет назад", "ru") == []
    assert dates("900 weeks ago", "en") == []


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("zaehal 5 marta", "entry"),
        ("priehal 5 marta", "entry"),
        ("uehal 5 marta", "exit"),
        ("dogovor podpisal 5 marta", "contract_start"),
        ("dogovor istek 5 marta", "contract_end"),
    ],
)
def test_roles_in_latin_typed_russian(text, role):
    assert dates(text, "ru") == [("2026-03-05", ("no_year", role))]


def test_latin_vyehal_could_be_either_way_and_gets_no_role():
    assert dates("vyehal 5 marta", "ru") == [("2026-03-05", ("no_year",))]
