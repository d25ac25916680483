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
            r"\bzapira(iut|et|em|iem)\b",  # "запирают" (they lock us in, again and again)
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
            r"\burat\b",
            r"\bur(du|dular)\b",  # "бригадир мени урду" (hit me); "урушат" is "they scold"
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
            r"\bbit(a|i|oi|ami)\b",
            r"\bruj(e|ia|iem)\b|\boruji\w*",
            r"\bmiltik\w*",
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
            # carried on to the scam compounds of Myanmar and Cambodia (facts.md: the 2025 cases)
            r"\b(uvezli|vivezli|perevezli|otvezli) (nas |menia )?v (mianm|kambodj)\w*",
            r"\b(mianm|kambodj)\w* (alip|alyp) ket\w*",
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
            r"\b(knife|knives|gun|guns|bats?|baseball bats?|weapons?|armed)\b",
            r"\bbury me\b",
            r"\bbreak (my|his|her|our|your) legs\b",
            r"\b(will|to|gonna|going to|would) (hurt|harm|beat|attack) (me|us|him|her|them|my|"
            r"his|her|our)\b",
        ),
        "sexual": (
            r"\brape\w*|\braping\b",
            r"\bsexual(ly)? (abus|assault|harass)\w*",
            r"\b(have|had|forced) sex\b|\bsex with\b",
            r"\bprostitu\w*",
        ),
        "kidnap": (r"\bkidnap\w*", r"\babduct\w*", r"\bransom\b",
                   r"\b(taken|took (me|us)|brought (me|us)|moved (me|us)|driven) (across )?"
                   r"(to|into) (myanmar|burma|cambodia)\b"),
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
            r"\bchig\w* bolboi\w*",
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
            r"\buvezli\b|\bvezut\b|\buvez(ut|et)\b|\bpovez(ut|et)\b|\buvoz\w*",
            r"\b(doljni|doljen|doljna|zastavliaiut) (\w+ )?(ehat|poehat|idti|uehat) s nimi\b",
            r"\balip ket(ishet|et|ebiz|ishpekchi)\b",
            r"\bbiz menen baras\w*",
            r"\bzastavlia\w*",
            r"\bmajburla\w*",
            r"\bkaitar(ishpait|bai)\w*",
            r"\bpodval\w*|\bjertolo\w*",
        ),
        "sold": (r"\bprodal\w*|\bprodadut\b", r"\bsatip jiber\w*"),
        "pursued": (r"\bgonia(t|c)\w*", r"\bishut\b", r"\bizdep\b", r"\blomi(t|c)\w*"),
        "sexual": (r"\btrogaet\b", r"\btrogal\w*", r"\bpristaet\b", r"\basilip\b",
                   r"\bti?ishti\b", r"\bkarmalap\b"),
        "secret": (r"\btaikom\b|\btaino\b", r"\bjashirun\b", r"\botobrali telefon\w*"),
        "fear": (r"\bstrashno\b", r"\bboius\b", r"\bkorkup\b", r"\bnebezopasno\b",
                 r"\bne chuvstvuiu sebia v bezopasnosti\b", r"\bko?opsuz emes\w*"),
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
            r"\b(must|have to|forced to|make us|made us) go with them\b",
            r"\btake (us|me|her|him) (away|to another)\b",
            r"\bbasement\b",
            r"\bno windows?\b",
        ),
        "sold": (r"\bsold\b",),
        "pursued": (r"\b(chasing|searching for|looking for) (me|us)\b", r"\bhiding\b"),
        "sexual": (r"(?<!in )\btouch(es|ed|ing)?\b", r"\bsleep with\b"),
        "secret": (r"\bsecretly\b",),
        "fear": (r"\b(scared|afraid|unsafe)\b", r"\b(dont|do not|not|never) feel safe\b"),
    }
)

# General questions about danger signs are not someone in danger now.
_GENERAL = re.compile(
    r"\b(what is|what are|signs?|priznak\w*|belgiler\w*|degen emne|chto takoe|"
    r"is it (legal|normal|allowed|trafficking)|zakono li|imeiut pravo|ukugu bar\w*|can they|"
    r"mojet li|mojno li|test\w*|emes\w*bi|emneni bildir\w*|chto oznacha\w*|chto znachit|"
    r"what does|what do (these|they|those) mean)\b"
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
    return _signals(skeleton(text), normalize(text))


def _signals(skel: str, norm: str) -> DangerSignals:
    """Find the danger concepts given a text's skeleton and normalised form."""
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


# ---------------------------------------------------------------- now, past or feared

# Time markers, on the skeleton (ky/ru, any script) and on the normalised text (en). A danger
# told after a past marker is a past event until a "now" marker brings the story back.
_PAST = re.compile(
    r"\b(v proshl\w* (godu|leto\w*|zim\w*|mesiats\w*|raz)|(god|goda|let|mesiats\w*|nedel\w*) "
    r"nazad|ranshe|kogda[- ]to|togda|v 20\d\d|"
    r"(sbejal|ubejal|sbejali|ubejali|vernul\w*)\b|uehal\w*\b(?!\s+(v|vo|na|k)\s)|"
    r"biltir\w*|murun\w*|oshondo|kachip (kettik|kettim|ketken\w*|chiktim|chiktik)|"
    r"kaitip kel\w*|20\d\d[- ]jil\w*)"
)
_PAST_EN = re.compile(
    r"\b(last (year|summer|winter|spring|autumn|month|season|time)|(years?|months?|weeks?) ago|"
    r"back then|in 20\d\d|(we|i|they) (ran away|escaped|left|came back|got out)|used to|"
    r"was (locked|held|beaten|kept)|were (locked|held|beaten|kept))\b"
)
_NOW = re.compile(
    r"\b(seichas|priamo seichas|do sih por|vse eshe|segodnia|nochiu|azir|azir da|dagi ele|"
    r"bugun|tunde|teper)\b"
)
_NOW_EN = re.compile(r"\b(now|right now|still|today|tonight|at the moment|currently)\b")
# Safe at home / out of it: the danger is over.
_SAFE = re.compile(
    r"\b((ia|ia uje|uje) doma|seichas (ia )?doma|v bezopasnosti|uidomun|uidobuz|uidomuz|"
    r"koopsuz(dumun|mun|buz|dubuz)?|uigo (keldim|kaittim|keldik)|bishkektemin)\b"
)
_SAFE_EN = re.compile(
    r"\b((i am|im|now i am|i am now) (back )?(home|safe|in bishkek|back)|(back|safe) (home|now)|"
    r"now (i am )?(home|safe)|i am back)\b"
)
# Conditions and fear of what might happen ("if I quit he will...", "afraid of the ban").
_IF = re.compile(r"\b(esli|egerde|eger|if)\b")
# Danger told in the past tense ("хозяин запирал и бил", "kamachu"): never "now" by itself,
# but it makes a story of past danger ("past") rather than no danger at all.
_TOLD_PAST = re.compile(
    r"\b(zapiral\w*|bil (nas|menia|ih|ego|ee)|bili (nas|menia|ih)|izbival\w*|"
    r"derjal\w* (nas|menia|vzaperti)|ne vipuskal\w*|ne otpuskal\w*|ugrojal\w*|"
    r"kamachu|kamap koichu|chigarchu emes|chigarbaichu|urchu|sabachu|korkutchu|"
    r"used to (lock|beat|hit)|locked us|beat us|kept us|held us|threatened (me|us))\b"
)
# Fear of the law, not of a person: "afraid of the ban", "he threatens to call the police".
_LEGAL = re.compile(
    r"\b(zapret\w*|deport\w*|vidvor\w*|migra(ts|c)ion\w*|politsi\w*|militsi\w*|sud\w*|"
    r"ban|police|deport\w*|migration|court|visa|viza\w*|kara tizme\w*)\b"
)
_LEGAL_FEARS = ("fear", "cant_leave", "threat")
# Documents held: not danger alone, but one more sign next to others ("took our passports,
# we cannot go out, we are scared").
_DOCUMENTS = re.compile(
    r"\b(pasport\w*|dokument\w*) (\w+ )?(alip|karma|zabral|otobral|derj)\w*|"
    r"\b(zabral\w*|otobral\w*|derj\w*|alip al\w*|karmap tur\w*) (\w+ )?(pasport\w*|dokument\w*)|"
    r"\b(keeps?|holds?|took|has|kept|taken) (away )?(our|my|their|her|his|all|the) "
    r"(passports?|documents|papers|phones?)\b"
)
_NEGATED = re.compile(
    r"\b(ne zaper\w*|ne (bi(iut|iet|li)|bet|biut|bil\w*)|nikto ne (bi|zap)\w*|"
    r"kamap koigon jok|urgan jok|urbait|not (locked|beaten|held|kept)|"
    r"nobody (beats|locks|holds)|(doesnt|dont|didnt|never) (hit|beat|lock)|"
    r"(can|i can) go out)\b"
)


WEAK_CONCEPTS = 3
"""Distinct weaker signs in the present that make a possible danger on their own."""
LONG_TWO_MEDIUM = 0.2
LONG_ONE_MEDIUM = 0.35
"""Classifier support a long message's weaker signs need (short messages: `SafetyPolicy`)."""


@dataclass(frozen=True)
class Urgency:
    """How present a danger a message tells: "now", "weak", "past" or "none"."""

    level: str
    strong_now: bool = False
    story_past: bool = False
    """The message tells its story in the past or says the person is home or safe now."""
    dismissed: bool = False
    """Danger words were found but explained away (negated, or fear of the law)."""


def _is(pattern: re.Pattern[str], other: re.Pattern[str], skel: str, norm: str) -> bool:
    return bool(pattern.search(skel) or other.search(norm))


def _plain_clause_strong(text: str) -> bool:
    """Return True when a clause of its own, without "if", holds a strong sign ("the foreman
    beat me, they say if we leave they will find us": the beating is no condition)."""
    for clause in re.split(r"[,;]|\s(?:and|but|а|но|и|анан|бирок)\s", text):
        conditional = _IF.search(skeleton(clause)) or _IF.search(clause)
        if clause.strip() and not conditional and _signals(skeleton(clause),
                                                         normalize(clause)).strong:
            return True
    return False


def assess(parts: list[str], p_urgent: float, policy: SafetyPolicy = DEFAULT_POLICY) -> Urgency:
    """Tell present danger from past or reported danger and from generic fear.

    Each part (sentence or clause) is judged in its story time: a past marker ("last year",
    "былтыр", "два года назад") makes the following parts past until a "now" marker; a message
    that says the person is home or safe turns danger without a "now" in its own part to past.
    A strong sign in a present part is "now"; weaker signs the classifier supports are "weak".
    """
    if not parts:
        return Urgency("none")
    seen = [(skeleton(p), normalize(p)) for p in parts]
    safe = any(_is(_SAFE, _SAFE_EN, skel, norm) for skel, norm in seen)
    # In a story, a threat or fear may name the law a few clauses away ("if I quit he will call
    # the migration police ... he keeps threatening").
    legal_story = len(parts) > 1 and any(_LEGAL.search(f"{sk} {no}") for sk, no in seen)
    past = story_past = False
    strong_now = weak_now = told_past = False
    medium_now = 0
    concepts_now: set[str] = set()
    dismissed = False
    for skel, norm in seen:
        found = _signals(skel, norm)
        now_marked = _is(_NOW, _NOW_EN, skel, norm)
        if _is(_PAST, _PAST_EN, skel, norm):
            past = story_past = True
        elif now_marked:
            past = False
        strong = found.strong
        medium = found.medium
        if strong and _NEGATED.search(skel + " " + norm):
            strong = tuple(s for s in strong if s not in ("confined", "violence"))
            medium = tuple(m for m in medium if m != "cant_leave")
        if not strong and _LEGAL.search(skel + " " + norm):
            medium = tuple(m for m in medium if m not in _LEGAL_FEARS)
        elif not strong and legal_story:
            medium = tuple(m for m in medium if m not in ("threat", "fear"))
        in_past = past or (safe and not now_marked)
        # A general question ("what do threats, documents taken... mean") is not a situation.
        situation = not in_past and not found.general
        if situation and (_DOCUMENTS.search(skel) or _DOCUMENTS.search(norm)):
            concepts_now.add("documents")
        dismissed = dismissed or (
            (bool(found.strong) or bool(found.medium)) and not (strong or medium)
        )
        if not (strong or medium):
            told_past = told_past or bool(_TOLD_PAST.search(skel) or _TOLD_PAST.search(norm))
            continue
        if in_past:
            told_past = True
            continue
        conditional = bool(_IF.search(skel) or _IF.search(norm)) and not _plain_clause_strong(
            norm)
        # "he will hurt my family if I don't pay" is a threat now, conditional by nature
        threat = "kill_threat" in strong
        if strong and not found.general and (threat or not (conditional and not found.medium)):
            strong_now = True
        elif strong:
            weak_now = weak_now or p_urgent >= policy.strong_general or bool(medium)
        medium_now += len(medium)
        if situation:
            concepts_now.update(medium)
    story_past = story_past or safe
    if strong_now:
        return Urgency("now", True, story_past)
    # A long story holds words like "help", "police", "afraid" anyway: it needs more support.
    two, one = (LONG_TWO_MEDIUM, LONG_ONE_MEDIUM) if len(parts) > 1 else (
        policy.two_medium, policy.one_medium
    )
    # Three different signs at once (held, cannot go out, touched, afraid...) are a possible
    # danger whatever the classifier says.
    several = len(concepts_now) >= WEAK_CONCEPTS
    if (medium_now >= 2 and p_urgent >= two) or (medium_now and p_urgent >= one) or several:
        weak_now = True
    if weak_now:
        return Urgency("weak", False, story_past)
    if told_past:
        return Urgency("past", False, story_past)
    return Urgency("none", False, story_past, dismissed)
