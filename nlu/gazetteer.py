"""Places: Kyrgyz regions (oblasts, their cities) and destination countries, in any script.

Each entry is a sequence of regular expressions matched against token skeletons (see
`nlu.tokens`), e.g. ("jalal", r"abad\\w*") covers "Жалал-Абадта", "Джалал-Абаде", "Jalal-Abad".
A country's value is its ISO 3166-1 alpha-2 code. Kyrgyzstan itself is not a destination and is
not extracted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.tokens import Token, compile_sequence, token_matches

REGIONS: dict[str, tuple[tuple[str, ...], ...]] = {
    "bishkek": ((r"bishkek\w*",), (r"frunze",)),
    "osh": (
        (r"osh(e|a|u|om|to|ko|ton|tun|togu|tagi|ka|ski\w*|sko\w*|ska\w*)?",),
        (r"uzgen\w*",),
        (r"uzgon\w*",),
        (r"ozgon\w*",),
        (r"kara", r"su(u|da|ga|dan)?"),
        (r"karasu(u|da|ga)?",),
        (r"no?kat\w*",),
        (r"aravan\w*",),
        (r"kara", r"kulj\w*"),
        (r"gulch\w*",),
    ),
    "chui": (
        (r"chui\w*",),
        (r"tokmo[kg]\w*",),
        (r"tokmak\w*",),
        (r"kara", r"balt\w*"),
        (r"karabalt\w*",),
        (r"sokuluk\w*",),
        (r"belovodsk\w*",),
        (r"kemin\w*",),
        (r"isik", r"ata\w*"),
        (r"alamudun\w*",),
        (r"alamedin\w*",),
        (r"kant(e|a|ta|ka|tan)?",),
        (r"shopokov\w*",),
    ),
    "batken": (
        (r"batken\w*",),
        (r"kizil", r"ki(i|ia|a|e)\w*"),
        (r"kizilki\w*",),
        (r"sulukt\w*",),
        (r"suliukt\w*",),
        (r"isfan\w*",),
        (r"kadamjai\w*",),
        (r"leilek\w*",),
    ),
    "jalal_abad": (
        (r"jalal", r"abad\w*"),
        (r"jalalabad\w*",),
        (r"tash", r"k(o|u)m(u|i)r\w*"),
        (r"tashkumir\w*",),
        (r"mail(u|i)", r"su\w*|sai\w*"),
        (r"kara", r"k(o|u)l\w*"),
        (r"toktogul\w*",),
        (r"kerben\w*",),
        (r"bazar", r"korgon\w*"),
        (r"no?ken\w*",),
        (r"suzak\w*",),
        (r"kazarman\w*",),
        (r"kochkor", r"ata\w*"),
    ),
    "issyk_kul": (
        (r"isik", r"k(o|u)l\w*"),
        (r"isik(o|u)l\w*",),
        (r"isikk(o|u)l\w*",),
        (r"karakol\w*",),
        (r"prjevalsk\w*",),
        (r"balikchi\w*",),
        (r"cholpon", r"ata\w*"),
        (r"cholponata\w*",),
        (r"jeti", r"oguz\w*"),
    ),
    "naryn": (
        (r"narin(a|e|u|da|ga|dan|dagi|ski\w*|sko\w*|ska\w*)?",),
        (r"at", r"bashi\w*"),
        (r"atbashi\w*",),
        (r"kochkor\w*",),
        (r"ak", r"tala\w*"),
        (r"jumgal\w*",),
    ),
    "talas": ((r"talas\w*",), (r"kara", r"bura\w*"), (r"bakai", r"ata\w*")),
}

COUNTRIES: dict[str, tuple[tuple[str, ...], ...]] = {
    "RU": (
        (r"rosi\w*",),
        (r"orusi\w*",),
        (r"rf",),
        (r"rusia",),
        (r"rusias",),
    ),
    "KZ": ((r"kaza(h|k)?stan\w*",),),
    "TR": (
        (r"turci\w*",),
        (r"turkei",),
        (r"turki(a|e|ia|ie)\w*",),
    ),
    "KR": ((r"kore(ia?\w*|e\w*|a\w*|iu)?",),),
    "GB": (
        (r"an(g)?li(a|u|e|ei|aga|ada|adan|adagi)?",),
        (r"england",),
        (r"\w*britani\w*",),
        (r"britain",),
        (r"uk",),
        (r"united", r"kingdom"),
    ),
    "AE": (
        (r"oae",),
        (r"bae(de|den|ge|degi)?",),
        (r"uae",),
        (r"emirat\w*",),
        (r"emirates",),
    ),
    "TH": ((r"t?h?ailand\w*",),),
    "DE": ((r"germani\w*",),),
    "US": ((r"сша",), (r"акш",), (r"usa",), (r"ameri(k|c)\w*",), (r"united", r"states")),
    "PL": ((r"polsh\w*",), (r"poland",)),
    "JP": ((r"iaponi\w*",), (r"japoni\w*",), (r"japan\w*",)),
    "CN": ((r"kita(i|e|ia|iu)\w*",), (r"china",)),
    "IT": ((r"itali\w*",),),
    "SA": (
        (r"saudovsk\w*", r"aravi\w*"),
        (r"saud", r"arab\w*"),
        (r"saudi\w*",),
        (r"saudovsk\w*",),
    ),
    "QA": ((r"katar(e|a|ga|da)?",),),
    "IL": ((r"izrail\w*",), (r"israel\w*",)),
    "CZ": ((r"chehi\w*",), (r"czech\w*",)),
    "FR": ((r"franci\w*",), (r"france",)),
    "FI": ((r"fin(l|li)andi\w*",), (r"finland",)),
    "UZ": ((r"uzbek(i)?stan\w*",), (r"ozbekstan\w*",)),
    "MM": ((r"mianma\w*",),),
    "KH": ((r"kambo(d)?j\w*",), (r"cambodi\w*",)),
    "MY": ((r"malai(s|z)i\w*",),),
    "CY": ((r"kipr\w*",), (r"cyprus",)),
}


@dataclass(frozen=True)
class City:
    """A city or region abroad that migrants name: its country, display names, patterns.

    `patterns` always mean the place; `cued` ones only when the word is capitalised or a place
    word stands next to it ("в", "in", "шаары"), because they are also common words
    ("казан" is a cauldron, "кент" Russian slang for a friend, "тараз" scales); `named` ones
    only when capitalised ("в казане" is in the cauldron, "в Казане" a misspelt Kazan).
    """

    country: str
    ky: str
    ru: str
    en: str
    patterns: tuple[tuple[str, ...], ...]
    cued: tuple[tuple[str, ...], ...] = ()
    named: tuple[tuple[str, ...], ...] = ()


def _city(country: str, ky: str, ru: str, en: str, *patterns: str | tuple[str, ...]) -> City:
    """Shorthand: each pattern is one token expression or a tuple of them."""
    seqs = tuple((p,) if isinstance(p, str) else p for p in patterns)
    return City(country, ky, ru, en, seqs)


_PETERSBURG = r"peterburg\w*|petersburg\w*"

# fmt: off
CITIES: dict[str, City] = {
    # Russia: Moscow and its oblast
    "moscow": _city(
        "RU", "Москва", "Москва", "Moscow",
        r"moskv\w*", r"moscow\w*", r"moskov\w*", (r"kazansk\w*", r"vokzal\w*"), r"msk",
    ),
    "moscow_oblast": _city(
        "RU", "Москва облусу", "Подмосковье", "Moscow Oblast",
        r"podmoskov\w*", (r"moskovsk\w*", r"oblast\w*"), (r"moskv\w*", r"oblus\w*"),
        (r"moscow", r"oblast|region|province"), (r"mo", r"oblast\w*"),
    ),
    "podolsk": _city("RU", "Подольск", "Подольск", "Podolsk", r"podolsk\w*"),
    "balashikha": _city("RU", "Балашиха", "Балашиха", "Balashikha", r"balashih\w*"),
    "mytishchi": _city("RU", "Мытищи", "Мытищи", "Mytishchi", r"mitish\w*"),
    "lyubertsy": _city("RU", "Люберцы", "Люберцы", "Lyubertsy", r"liuberc\w*"),
    "khimki": _city("RU", "Химки", "Химки", "Khimki", r"himk(i|ah|am|ami|e|ida|iga|idan|idagi)"),
    "krasnogorsk": _city("RU", "Красногорск", "Красногорск", "Krasnogorsk", r"krasnogorsk\w*"),
    "odintsovo": _city("RU", "Одинцово", "Одинцово", "Odintsovo", r"odincov\w*"),
    "zelenograd": _city("RU", "Зеленоград", "Зеленоград", "Zelenograd", r"zelenograd\w*"),
    "dolgoprudny": _city("RU", "Долгопрудный", "Долгопрудный", "Dolgoprudny", r"dolgoprud\w*"),
    "reutov": _city("RU", "Реутов", "Реутов", "Reutov", r"reutov\w*"),
    "elektrostal": _city("RU", "Электросталь", "Электросталь", "Elektrostal", r"elektrostal\w*"),
    "noginsk": _city("RU", "Ногинск", "Ногинск", "Noginsk", r"noginsk\w*"),
    "domodedovo": _city("RU", "Домодедово", "Домодедово", "Domodedovo", r"domodedov\w*"),
    "serpukhov": _city("RU", "Серпухов", "Серпухов", "Serpukhov", r"serpuhov\w*"),
    "sergiev_posad": _city(
        "RU", "Сергиев Посад", "Сергиев Посад", "Sergiev Posad", (r"sergiev\w*", r"posad\w*")
    ),
    "ramenskoye": _city("RU", "Раменское", "Раменское", "Ramenskoye", r"ramensk\w*"),
    # Russia: other cities
    "saint_petersburg": _city(
        "RU", "Санкт-Петербург", "Санкт-Петербург", "Saint Petersburg",
        (r"sankt|sank|saint|st|san", _PETERSBURG), _PETERSBURG, r"piter\w*", r"spb",
        r"leningrad(a|e|u|da|ga|dan)?",
    ),
    "leningrad_oblast": _city(
        "RU", "Ленинград облусу", "Ленинградская область", "Leningrad Oblast",
        (r"leningradsk\w*", r"oblast\w*"), (r"leningrad", r"oblus\w*|oblast|region"),
        r"lenoblast\w*",
    ),
    "kazan": City(
        "RU", "Казань", "Казань", "Kazan",
        (
            (r"казан(ь|ью|и)",),
            (r"kazan(da|ga|dan)(\w*)",),
            (r"kazansk\w*",),
        ),
        cued=((r"kazan(u|di|in|om)?",),),
        named=((r"kazan(e|i)",),),
    ),
    "yekaterinburg": _city(
        "RU", "Екатеринбург", "Екатеринбург", "Yekaterinburg", r"i?ekaterinburg\w*", r"ekb",
        r"ekat(e|a|u|da|ga|dan)?",
    ),
    "novosibirsk": _city(
        "RU", "Новосибирск", "Новосибирск", "Novosibirsk", r"novosib\w*"
    ),
    "krasnoyarsk": _city("RU", "Красноярск", "Красноярск", "Krasnoyarsk", r"krasnoiarsk\w*"),
    "irkutsk": _city("RU", "Иркутск", "Иркутск", "Irkutsk", r"irkuck\w*"),
    "surgut": _city("RU", "Сургут", "Сургут", "Surgut", r"surgut\w*"),
    "tyumen": _city("RU", "Тюмень", "Тюмень", "Tyumen", r"tiumen\w*"),
    "samara": _city(
        "RU", "Самара", "Самара", "Samara", r"samar(a|e|i|u|oi|ada|aga|adan|adagi|sk\w*)"
    ),
    "chelyabinsk": _city("RU", "Челябинск", "Челябинск", "Chelyabinsk", r"cheliabinsk\w*"),
    "nizhny_novgorod": _city(
        "RU", "Нижний Новгород", "Нижний Новгород", "Nizhny Novgorod",
        (r"nijn\w*", r"novgorod\w*"), r"nijninovgorod\w*",
    ),
    "yakutsk": _city("RU", "Якутск", "Якутск", "Yakutsk", r"iakuck\w*"),
    "vladivostok": _city("RU", "Владивосток", "Владивосток", "Vladivostok", r"vladivostok\w*"),
    "khabarovsk": _city("RU", "Хабаровск", "Хабаровск", "Khabarovsk", r"habarovsk\w*"),
    "omsk": _city("RU", "Омск", "Омск", "Omsk", r"omsk\w*"),
    "tomsk": _city("RU", "Томск", "Томск", "Tomsk", r"tomsk\w*"),
    "ufa": _city("RU", "Уфа", "Уфа", "Ufa", r"uf(a|e|u|oi|ada|aga|adan|adagi)"),
    "perm": _city("RU", "Пермь", "Пермь", "Perm", r"perm(i|e|de|ge|den|degi)?"),
    "sochi": _city("RU", "Сочи", "Сочи", "Sochi", r"sochi(de|ge|den|degi)?"),
    "krasnodar": _city("RU", "Краснодар", "Краснодар", "Krasnodar", r"krasnodar\w*"),
    "rostov_on_don": _city(
        "RU", "Ростов-на-Дону", "Ростов-на-Дону", "Rostov-on-Don",
        r"rostov(e|a|u|om|do|go|don|dogu|ski\w*)?",
    ),
    "voronezh": _city("RU", "Воронеж", "Воронеж", "Voronezh", r"voronej\w*"),
    "kaliningrad": _city(
        "RU", "Калининград", "Калининград", "Kaliningrad", r"kalinin(g)?rad\w*"
    ),
    "barnaul": _city("RU", "Барнаул", "Барнаул", "Barnaul", r"barnaul\w*"),
    "kemerovo": _city("RU", "Кемерово", "Кемерово", "Kemerovo", r"kemerov\w*"),
    "novokuznetsk": _city("RU", "Новокузнецк", "Новокузнецк", "Novokuznetsk", r"novokuzne\w*"),
    "orenburg": _city("RU", "Оренбург", "Оренбург", "Orenburg", r"orenburg\w*"),
    "norilsk": _city("RU", "Норильск", "Норильск", "Norilsk", r"norilsk\w*"),
    "nizhnevartovsk": _city(
        "RU", "Нижневартовск", "Нижневартовск", "Nizhnevartovsk", r"nijnevartovsk\w*"
    ),
    "khanty_mansiysk": _city(
        "RU", "Ханты-Мансийск", "Ханты-Мансийск", "Khanty-Mansiysk",
        (r"hanti", r"mansi\w*"), r"hantimansi\w*",
    ),
    # Kazakhstan
    "almaty": _city(
        "KZ", "Алматы", "Алматы", "Almaty", r"almat\w*", (r"alma", r"at(a|e|i|u)(da|ga|dan)?")
    ),
    "astana": _city(
        "KZ", "Астана", "Астана", "Astana", r"astan(a|e|u|oi|ada|aga|adan|adagi|adamin)",
        (r"nur", r"sultan(e|a|u|da|ga|dan)?"),
    ),
    "shymkent": _city("KZ", "Шымкент", "Шымкент", "Shymkent", r"(shim|chim)kent\w*"),
    "karaganda": _city("KZ", "Караганды", "Караганда", "Karaganda", r"karagand\w*"),
    "aktau": _city("KZ", "Актау", "Актау", "Aktau", r"aktau\w*"),
    "aktobe": _city("KZ", "Актөбө", "Актобе", "Aktobe", r"aktob(e|o)\w*"),
    "atyrau": _city("KZ", "Атырау", "Атырау", "Atyrau", r"atirau\w*"),
    "pavlodar": _city("KZ", "Павлодар", "Павлодар", "Pavlodar", r"pavlodar\w*"),
    "taldykorgan": _city("KZ", "Талдыкорган", "Талдыкорган", "Taldykorgan", r"taldikorgan\w*"),
    "turkistan": _city("KZ", "Түркстан", "Туркестан", "Turkistan", r"turk(i|e)?stan\w*"),
    "taraz": City(
        "KZ", "Тараз", "Тараз", "Taraz", (), cued=((r"taraz(e|a|u|om|da|ga|dan|dagi)?",),)
    ),
    # Türkiye
    "istanbul": _city(
        "TR", "Стамбул", "Стамбул", "Istanbul", r"i?s?(t|tt)anbul\w*", r"i ?stanbul\w*",
        r"i?stambul\w*",
    ),
    "antalya": _city("TR", "Анталия", "Анталья", "Antalya", r"antal(i\w*|e|ei|ia)"),
    "ankara": _city(
        "TR", "Анкара", "Анкара", "Ankara", r"ankar(a|e|u|oi|ada|aga|adan|adagi|adamin)"
    ),
    "alanya": _city("TR", "Аланья", "Аланья", "Alanya", r"alani(a|e|u|ada|aga|adan|adagi)"),
    "izmir": _city("TR", "Измир", "Измир", "Izmir", r"izmir\w*"),
    "bursa": _city("TR", "Бурса", "Бурса", "Bursa", r"burs(a|e|u|ada|aga|adan|adagi)"),
    "bodrum": _city("TR", "Бодрум", "Бодрум", "Bodrum", r"bodrum\w*"),
    "mersin": _city("TR", "Мерсин", "Мерсин", "Mersin", r"mersin(e|a|u|de|ge|den|degi)?"),
    # South Korea
    "seoul": _city("KR", "Сеул", "Сеул", "Seoul", r"seoul\w*", r"seul\w*"),
    "ansan": _city("KR", "Ансан", "Ансан", "Ansan", r"ansan\w*"),
    "incheon": _city("KR", "Инчхон", "Инчхон", "Incheon", r"inch(h)?e?on\w*"),
    "busan": _city("KR", "Пусан", "Пусан", "Busan", r"(b|p)usan\w*"),
    "suwon": _city("KR", "Сувон", "Сувон", "Suwon", r"suvon\w*"),
    # United Kingdom (London and the farming counties)
    "london": _city("GB", "Лондон", "Лондон", "London", r"london\w*"),
    "kent": City(
        "GB", "Кент", "Кент", "Kent", (), cued=((r"kent(e|a|u|om|te|ke|ten|tegi)?",),)
    ),
    "herefordshire": _city(
        "GB", "Херефордшир", "Херефордшир", "Herefordshire", r"(h|g|)ereford\w*"
    ),
    "worcestershire": _city(
        "GB", "Вустершир", "Вустершир", "Worcestershire", r"vorcester\w*", r"vuster\w*"
    ),
    "lincolnshire": _city(
        "GB", "Линкольншир", "Линкольншир", "Lincolnshire", r"lin(c|k)oln\w*"
    ),
    "cambridgeshire": _city(
        "GB", "Кембриджшир", "Кембриджшир", "Cambridgeshire", r"cambridg\w*", r"kembri(d)?j\w*"
    ),
    "norfolk": _city("GB", "Норфолк", "Норфолк", "Norfolk", r"norfolk\w*"),
    "suffolk": _city("GB", "Саффолк", "Саффолк", "Suffolk", r"s(a|u)folk\w*"),
    "scotland": _city("GB", "Шотландия", "Шотландия", "Scotland", r"shotland\w*", r"scotland\w*"),
    "manchester": _city("GB", "Манчестер", "Манчестер", "Manchester", r"manchester\w*"),
    # United Arab Emirates
    "dubai": _city("AE", "Дубай", "Дубай", "Dubai", r"duba(i|e)\w*"),
    "abu_dhabi": _city("AE", "Абу-Даби", "Абу-Даби", "Abu Dhabi", (r"abu", r"d(h)?abi\w*")),
    "sharjah": _city("AE", "Шаржа", "Шарджа", "Sharjah", r"sharj\w*"),
    # Others that were in the country table
    "bangkok": _city("TH", "Бангкок", "Бангкок", "Bangkok", r"ban(g)?kok\w*"),
    "pattaya": _city("TH", "Паттайя", "Паттайя", "Pattaya", r"patai\w*"),
    "phuket": _city("TH", "Пхукет", "Пхукет", "Phuket", r"p?huket\w*"),
    "berlin": _city("DE", "Берлин", "Берлин", "Berlin", r"berlin\w*"),
    "warsaw": _city("PL", "Варшава", "Варшава", "Warsaw", r"varshav\w*", r"varsav\w*"),
}
# fmt: on
"""Cities and regions abroad by canonical key."""

CITY_CUE_BEFORE = re.compile(
    r"v|vo|iz|do|pod|in|to|from|near|at|around|g|gor|gorod\w*|shaar\w*|city|town"
)
CITY_CUE_AFTER = re.compile(r"shaar\w*|gorod\w*|city|town|oblast\w*|county")
"""Words that make a cued place word (see `City`) a place."""


def city_country(key: str) -> str:
    """Return the ISO-2 country of a city key ("kazan" -> "RU"); "" for an unknown key."""
    city = CITIES.get(key)
    return city.country if city else ""


def city_name(key: str, language: str) -> str:
    """Return a city's name to show in `language` (ky/ru/en; other languages get English).

    An unknown key (e.g. from state stored before the table changed) comes back readable.
    """
    city = CITIES.get(key)
    if city is None:
        return key.replace("_", " ").title()
    return {"ky": city.ky, "ru": city.ru}.get(language, city.en)


@dataclass(frozen=True)
class Gazetteer:
    """Compiled place names: (value, token patterns), longest sequences first, and one
    expression that any first token of any entry matches, to skip the other tokens quickly."""

    entries: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    first_token: re.Pattern[str]

    def may_start(self, token: Token) -> bool:
        """False when no entry can begin at this token."""
        return token_matches(self.first_token, token)


def compile_gazetteer(table: dict[str, tuple[tuple[str, ...], ...]]) -> Gazetteer:
    """Compile a gazetteer (value -> alternative token-pattern sequences)."""
    entries = [(value, compile_sequence(parts)) for value, seqs in table.items() for parts in seqs]
    entries.sort(key=lambda entry: -len(entry[1]))
    first = "|".join(f"(?:{parts[0].pattern})" for _, parts in entries)
    return Gazetteer(tuple(entries), re.compile(first))


REGION_PATTERNS = compile_gazetteer(REGIONS)
COUNTRY_PATTERNS = compile_gazetteer(COUNTRIES)
CITY_PATTERNS = compile_gazetteer({key: c.patterns for key, c in CITIES.items() if c.patterns})
CITY_CUED_PATTERNS = compile_gazetteer({key: c.cued for key, c in CITIES.items() if c.cued})
CITY_NAMED_PATTERNS = compile_gazetteer({key: c.named for key, c in CITIES.items() if c.named})
