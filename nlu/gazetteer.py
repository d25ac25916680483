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
        (r"moskv\w*",),
        (r"moscow",),
        (r"moskov\w*",),
        (r"piter\w*",),
        (r"sankt", r"peterburg\w*"),
        (r"peterburg\w*",),
        (r"petersburg",),
        (r"ekaterinburg\w*",),
        (r"novosibirsk\w*",),
    ),
    "KZ": (
        (r"kaza(h|k)?stan\w*",),
        (r"almat\w*",),
        (r"astan(a|e|u|ada|aga|adan)",),
    ),
    "TR": (
        (r"turci\w*",),
        (r"turkei",),
        (r"turki(a|e|ia|ie)\w*",),
        (r"stambul\w*",),
        (r"istanbul\w*",),
        (r"antali\w*",),
        (r"ankar(a|e|u|ada|aga)",),
    ),
    "KR": ((r"kore(ia?\w*|e\w*|a\w*|iu)?",), (r"seul\w*",), (r"seoul",)),
    "GB": (
        (r"an(g)?li(a|u|e|ei|aga|ada|adan|adagi)?",),
        (r"england",),
        (r"\w*britani\w*",),
        (r"britain",),
        (r"uk",),
        (r"united", r"kingdom"),
        (r"london\w*",),
        (r"shotlandi\w*",),
        (r"scotland",),
    ),
    "AE": (
        (r"oae",),
        (r"bae(de|den|ge|degi)?",),
        (r"uae",),
        (r"emirat\w*",),
        (r"emirates",),
        (r"duba(i|e)\w*",),
        (r"abu", r"dabi"),
        (r"sharj\w*",),
    ),
    "TH": ((r"t?h?ailand\w*",), (r"ban(g)?kok\w*",), (r"patai\w*",), (r"p?huket\w*",)),
    "DE": ((r"germani\w*",), (r"berlin\w*",)),
    "US": ((r"сша",), (r"акш",), (r"usa",), (r"ameri(k|c)\w*",), (r"united", r"states")),
    "PL": ((r"polsh\w*",), (r"poland",), (r"varshav\w*",), (r"varsav",)),
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
