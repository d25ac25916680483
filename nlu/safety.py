"""Safety net: messages about danger now reach urgent_danger even when the classifier hesitates.

A lexicon of danger signs over the Latin skeleton (so Cyrillic and Latin-typed ky/ru land on the
same patterns) is combined with the classifier's urgent_danger probability:

- a strong sign (locked in, beaten, kill threat, rape, kidnapped, "in danger", SOS) decides alone,
  unless the message is phrased as a general question ("what are the signs...", "if they...");
- weaker signs (help!, threatened, can't leave, guards, held) need the classifier's support.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.normalize import normalize, skeleton

URGENT = "urgent_danger"


def _compile(patterns: dict[str, tuple[str, ...]]) -> dict[str, re.Pattern[str]]:
    """Compile one alternation per concept."""
    return {
        concept: re.compile("|".join(f"(?:{p})" for p in alts))
        for concept, alts in patterns.items()
    }


# Kyrgyz and Russian patterns are written against `skeleton()` output, so Cyrillic and
# Latin typing meet (ы, й, и -> i; ж -> j; ю -> iu; я -> ia; doubled letters single).
# English patterns are written against `normalize()` output (apostrophes dropped: "wont").
_PERSON = (
    r"(me|us|him|her|them|my (daughter|son|sister|brother|wife|husband|child|kid|kids|mother|"
    r"father|mom|friend|girlfriend|boyfriend|cousin|nephew|niece|children))"
)
_STRONG_SKEL = _compile(
    {
        "confined": (
            r"\b(v)?zaper(li|t|ta|to|ti|l|la|lo|et|ut|iat)?\b",
            r"\bpod zamkom\b",
            r"\bsnaruji\b",
            r"\bne (vi|ot)puska\w*",
            r"\bne da(iut|et|ut) (mne |nam |ei |emu )?"
            r"(uiti|viti|vihod\w*|uehat|pozvonit|ubeja\w*)",
            r"\b(derj|uderj)\w* (nas|menia|ee|ego|ih|siloi|vzaperti|v podval\w*)\b",
            r"\b(menia|mena|minia|nas|ee|ego|doch\w*|sin\w*|sestr\w*|brat\w*|jen\w*) "
            r"(derj|uderj)\w*",
            r"\bsiloi\b",
            r"\bkamap\b",
            r"\bkamap (koi|sal|kel|al)\w*",
            r"\bkulpu\w*",
            r"\bchigar(bai|ba|ishpai|bait|bagan|bai)\w*",
            r"\bketir(bei|bai|ba)\w*",
            r"\bjiber(bei|bai)\w*",
            r"\bkarmal(ip|gan)\w*",
            r"\b(meni|bizdi|kizim\w*|uulum\w*|balam\w*|ejem\w*|aialim\w*|inim\w*) (\w+ )?karma\w*",
        ),
        "violence": (
            r"\b(biut|biet|biot|bet)\b",
            r"\bizbi(l|va)\w*",
            r"\budari(l|li|la)\b",
            r"\bpoboi\w*",
            r"\branen(a|i)?\b",
            r"\bbez soznania\b",
            r"\burup\b",
            r"\bsaba(p|ip|sh|it|ait|aibiz|agan|ashat|ashti|ashkan|ai)\w*",
            r"\btepkile\w*",
        ),
        "kill_threat": (
            r"\bub(iut|iu|it|iet|et|ivaiut|ivaet|ili|ila)\b",
            r"\bzakopa\w*",
            r"\bsloma(iu|et|iut)\b",
            r"\bnojom\b",
            r"\bpistolet\w*",
            r"\boltur\w*",
            r"\bolos(un|uz)\b",
            r"\bbichak\w*",
            r"\bkural\w*",
        ),
        "sexual": (
            r"\bprostitu\w*",
            r"\b(iz)?nasil(ui|u|ov)\w*",
            r"\bzorduk\w*",
            r"\bsoikul\w*",
        ),
        "kidnap": (
            r"\bpohit(ili|il|ila|iat)\b",
            r"\bvikup\b",
        ),
        "danger": (
            r"\bv opasnosti\b",
            r"\bkorkunuchta\b",
            r"\bsos\b",
            r"\bspasi(te|t)?\b",
            r"\bkutkar\w*|\bkutkaz\w*",
            r"\bomurum\w*",
        ),
    }
)
_STRONG_EN = _compile(
    {
        "confined": (
            r"\block(ed|s|ing)? (me|us|him|her|them|in|up|inside|my|the door)\b",
            r"\b(i am|im|we are|were|she is|hes|shes|he is|is|are|was|door is|doors) locked\b",
            r"\b(wont|dont|doesnt|didnt|not|never) let " + _PERSON + r" (go|leave|out|call)\b",
            r"\bnot allowed (to )?(out|leave|go)\b",
            r"\b(held|kept) (by force|hostage|against|captive|prisoner|locked|in)\b",
            r"\bagainst (my|her|his|their|our) will\b",
            r"\b(hostage|prisoner|captive)\b",
        ),
        "violence": (
            r"\bbeat(s|ing)? (me|us|him|her|them|my|his|their|our|people|workers|up)\b",
            r"\b(beaten|beating)\b",
            r"\b(hit|hits|hitting|kicks|kicked|kicking|hurt|hurting|tied) " + _PERSON + r"\b",
            r"\btortur\w*",
            r"\bbleeding\b",
        ),
        "kill_threat": (
            r"\b(kill|killed|killing|kills) (me|us|him|her|them|you|my|everyone)\b",
            r"\b(will|to|gonna|going to) kill\b",
            r"\b(knife|gun|guns)\b",
            r"\bbury me\b",
            r"\bbreak (my|his|her|our|your) legs\b",
        ),
        "sexual": (
            r"\brape\w*|\braping\b",
            r"\bsexual(ly)? (abus|assault|harass)\w*",
            r"\b(have|had|forced) sex\b|\bsex with\b",
            r"\bprostitu\w*",
        ),
        "kidnap": (r"\bkidnap\w*", r"\babduct\w*", r"\bransom\b"),
        "danger": (
            r"\bin danger\b",
            r"\bsos\b",
            r"\bsave (me|us)\b",
            r"\bscared for my life\b",
            r"\b(being|been) sold\b|\bsell (me|us|her|him)\b",
        ),
    }
)

_MEDIUM_SKEL = _compile(
    {
        "help_now": (
            r"\b(pomogite|pamagite|pomagite|pomogi)\b",
            r"\bsrochn\w*",
            r"\bjardam (bergile|beringiz|kilgila|kerek)\w*",
            r"\btez jardam\b",
            r"\bshashilish\b",
            r"\balip ketkile\b",
        ),
        "threat": (r"\bugroj\w*", r"\bkorkut\w*", r"\bgroz(it|iat)\b"),
        "cant_leave": (
            r"\bne (mogu|mojem) (uiti|viti|vibratsia|uehat|sbeja\w*)\b",
            r"\b(vihodit|viti|uiti) nelzia\b",
            r"\b(chiga|kete|kacha|kachip) alba\w*",
            r"\buruksat jok\b",
        ),
        "guards": (r"\bohran\w*", r"\bkuzotchu\w*", r"\bkaraul\w*"),
        "held": (
            r"\bkarma\w*",
            r"\bderj(at|it|im)\b",
            r"\bzakril(i|a)?\b",
            r"\bzakrita\b",
            r"\burdap\b",
            r"\balip ket(ishti|ti|ishiptir)\b",
            r"\bsalip ketishti\b",
            r"\buvezli\b|\bvezut\b",
            r"\bzastavlia\w*",
            r"\bmajburla\w*",
            r"\bkaitar(ishpait|bai)\w*",
            r"\bpodval\w*|\bjertolo\w*",
        ),
        "sold": (r"\bprodal\w*|\bprodadut\b", r"\bsatip jiber\w*"),
        "pursued": (r"\bgonia(t|c)\w*", r"\bishut\b", r"\bizdep\b", r"\blomi(t|c)\w*"),
        "sexual": (r"\btrogaet\b", r"\bpristaet\b", r"\basilip\b"),
        "secret": (r"\btaikom\b|\btaino\b", r"\bjashirun\b", r"\botobrali telefon\w*"),
        "fear": (r"\bstrashno\b", r"\bboius\b", r"\bkorkup\b"),
    }
)
_MEDIUM_EN = _compile(
    {
        "help_now": (r"\bhelp\b", r"\burgent\w*", r"\b(call|need) (the )?police\b", r"\bquick\b"),
        "threat": (r"\bthreat\w*",),
        "cant_leave": (
            r"\b(cant|cannot|can not) (leave|escape|get out|go out|run|go home)\b",
            r"\bnobody (can )?(go|goes|leave|leaves)\b",
            r"\bno exit\b",
            r"\bdanger\b",
        ),
        "guards": (r"\bguard\w*",),
        "held": (
            r"\b(hold|holds|holding|held|keep|keeps|keeping|kept) " + _PERSON + r"\b",
            r"\b(closed|close) (us|me)\b",
            r"\bforce[ds]?\b",
            r"\btook my (daughter|son|sister|brother|wife|girlfriend|child|kid)\b",
            r"\bbasement\b",
            r"\bno windows?\b",
        ),
        "sold": (r"\bsold\b",),
        "pursued": (r"\b(chasing|searching for|looking for) (me|us)\b", r"\bhiding\b"),
        "sexual": (r"\btouch(es)? me\b", r"\bsleep with\b"),
        "secret": (r"\bsecretly\b",),
        "fear": (r"\b(scared|afraid)\b",),
    }
)

# General questions about danger signs are not someone in danger now.
_GENERAL = re.compile(
    r"\b(what is|what are|signs?|priznak\w*|belgiler\w*|degen emne|chto takoe|"
    r"is it (legal|normal|allowed|trafficking)|zakono li|imeiut pravo|ukugu bar\w*|can they|"
    r"mojet li|mojno li|test\w*|emes\w*bi)\b"
)


@dataclass(frozen=True)
class DangerSignals:
    """Which danger concepts a message mentions."""

    strong: tuple[str, ...] = ()
    medium: tuple[str, ...] = ()
    general: bool = False


def _concepts(
    skel: str,
    norm: str,
    on_skeleton: dict[str, re.Pattern[str]],
    on_english: dict[str, re.Pattern[str]],
) -> tuple[str, ...]:
    """Return the concepts whose patterns match (skeleton patterns or English patterns)."""
    names = [name for name, pattern in on_skeleton.items() if pattern.search(skel)]
    names += [name for name, pattern in on_english.items() if pattern.search(norm)]
    return tuple(dict.fromkeys(names))


def signals(text: str) -> DangerSignals:
    """Find the danger concepts in one message (any script)."""
    skel = skeleton(text)
    norm = normalize(text)
    strong = _concepts(skel, norm, _STRONG_SKEL, _STRONG_EN)
    medium = _concepts(skel, norm, _MEDIUM_SKEL, _MEDIUM_EN)
    general = bool(_GENERAL.search(skel) or _GENERAL.search(norm))
    return DangerSignals(strong, medium, general)


@dataclass(frozen=True)
class SafetyPolicy:
    """Thresholds on the classifier's urgent_danger probability, by strength of the signs."""

    strong_general: float = 0.10
    two_medium: float = 0.03
    one_medium: float = 0.15
    none: float = 0.45

    def is_urgent(self, found: DangerSignals, p_urgent: float) -> bool:
        """Decide whether a message must be treated as urgent_danger."""
        if found.strong and not found.general:
            return True
        if found.strong:
            return p_urgent >= self.strong_general or len(found.medium) >= 1
        if len(found.medium) >= 2:
            return p_urgent >= self.two_medium
        if found.medium:
            return p_urgent >= self.one_medium
        return p_urgent >= self.none


DEFAULT_POLICY = SafetyPolicy()
