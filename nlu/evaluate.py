"""Evaluation: k-fold cross-validation on nlu/data and scores on the held-out tests/data/nlu.

Like `rasa test nlu --cross-validation`: per-intent precision/recall/F1, per-language scores,
confusion pairs, language identification, entities and urgent_danger recall. `report.py`
turns the results into markdown and a confusion-matrix picture.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from nlu.data import Example
from nlu.embedder import Embedder
from nlu.entities import extract
from nlu.langid import LanguageIdentifier, LanguageModel, is_plain_script
from nlu.normalize import has_cyrillic
from nlu.parser import CLARIFY_BELOW, decide
from nlu.safety import URGENT
from nlu.train import TrainConfig, embed_examples, fit_model
from nlu.types import Entity, Parser

EVAL_DATE = date(2025, 6, 15)
"""`today` for entity extraction during evaluation (gold spans carry no dates to compare)."""


def script_group(example: Example) -> str:
    """Which kind of writing a message is: plain, latin (ky/ru typed in Latin) or mixed."""
    if is_plain_script(example.text, example.language):
        return "plain"
    latin = any(ch.isascii() and ch.isalpha() for ch in example.text)
    if example.language != "en" and latin and not has_cyrillic(example.text):
        return "latin"
    return "mixed"


@dataclass
class Outcome:
    """What an engine made of one held-out or out-of-fold example."""

    example: Example
    intent: str
    confidence: float
    language: str
    entities: tuple[Entity, ...]
    ngram_intent: str = ""
    used_embedding: bool = False
    safety_override: bool = False


@dataclass
class Results:
    """All outcomes of one evaluation run, plus how it was run."""

    name: str
    outcomes: list[Outcome] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)


def _entity_outcome(example: Example) -> tuple[Entity, ...]:
    """Entities the extractor finds in an example (language from the data folder)."""
    return extract(example.text, example.language, EVAL_DATE)


def _stratify_labels(examples: Sequence[Example]) -> list[str]:
    """Stratify folds by intent and language together."""
    return [f"{e.intent}|{e.language}" for e in examples]


def cross_validate(
    examples: Sequence[Example],
    folds: int = 5,
    embedder: Embedder | None = None,
    seed: int = 0,
    progress: Any = None,
) -> Results:
    """Out-of-fold predictions of the full pipeline (classifier, safety, language ID)."""
    from sklearn.model_selection import StratifiedKFold

    vectors = embed_examples(examples, embedder)
    labels = _stratify_labels(examples)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    results = Results(
        "cross-validation", notes={"folds": folds, "embeddings": vectors is not None}
    )
    outcomes: dict[int, Outcome] = {}
    started = time.perf_counter()
    inner = TrainConfig(folds=3)
    for fold, (train_idx, test_idx) in enumerate(splitter.split(examples, labels), start=1):
        train = [examples[i] for i in train_idx]
        test = [examples[i] for i in test_idx]
        model = fit_model(
            [e.text for e in train],
            [e.intent for e in train],
            vectors[train_idx] if vectors is not None else None,
            inner,
        )
        languages = LanguageIdentifier(
            LanguageModel.train([e.text for e in train], [e.language for e in train])
        )
        texts = [e.text for e in test]
        probs, used = model.predict_batch(
            texts, vectors[test_idx] if vectors is not None else None
        )
        alone, _ = model.predict_batch(texts, None)
        for row, index in enumerate(test_idx):
            example = examples[index]
            intent, confidence, _ = decide(probs[row], model.classes, example.text)
            top = model.classes[int(np.argmax(probs[row]))]
            outcomes[int(index)] = Outcome(
                example=example,
                intent=intent,
                confidence=confidence,
                language=languages.identify(example.text),
                entities=_entity_outcome(example),
                ngram_intent=model.classes[int(np.argmax(alone[row]))],
                used_embedding=bool(used[row]),
                safety_override=intent != top,
            )
        if progress:
            progress(f"fold {fold}/{folds} done ({time.perf_counter() - started:.0f} s)")
    results.outcomes = [outcomes[i] for i in range(len(examples))]
    results.notes["seconds"] = round(time.perf_counter() - started, 1)
    return results


def evaluate_parser(
    parser: Parser, examples: Sequence[Example], name: str, ngram_parser: Parser | None = None
) -> Results:
    """Run a parser over held-out examples (no language hint, as for a first message)."""
    results = Results(name)
    latencies: list[float] = []
    detailed = getattr(parser, "parse_detailed", None)
    for example in examples:
        started = time.perf_counter()
        if detailed is not None:
            parse, details = detailed(example.text)
            override = parse.intent != details.classifier_intent
            used = details.used_embedding
        else:
            parse, override, used = parser.parse(example.text), False, False
        latencies.append(time.perf_counter() - started)
        fallback = ngram_parser.parse(example.text).intent if ngram_parser else ""
        results.outcomes.append(
            Outcome(
                example=example,
                intent=parse.intent,
                confidence=parse.confidence,
                language=parse.language,
                entities=_entity_outcome(example),
                ngram_intent=fallback,
                used_embedding=used,
                safety_override=override,
            )
        )
    if latencies:
        results.notes["p50_ms"] = round(float(np.percentile(latencies, 50)) * 1000, 2)
        results.notes["p99_ms"] = round(float(np.percentile(latencies, 99)) * 1000, 2)
    return results


# ---------------------------------------------------------------- scores


def accuracy(outcomes: Iterable[Outcome], attribute: str = "intent") -> float:
    """Share of outcomes whose intent (or `ngram_intent`) is the gold intent."""
    items = list(outcomes)
    if not items:
        return float("nan")
    return sum(getattr(o, attribute) == o.example.intent for o in items) / len(items)


def per_intent(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support per intent."""
    gold = Counter(o.example.intent for o in outcomes)
    predicted = Counter(o.intent for o in outcomes)
    correct = Counter(o.intent for o in outcomes if o.intent == o.example.intent)
    table: dict[str, dict[str, float]] = {}
    for intent in sorted(set(gold) | set(predicted)):
        precision = correct[intent] / predicted[intent] if predicted[intent] else 0.0
        recall = correct[intent] / gold[intent] if gold[intent] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[intent] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": float(gold[intent]),
        }
    return table


def macro_f1(outcomes: Sequence[Outcome]) -> float:
    """Unweighted mean F1 over the gold intents."""
    table = per_intent(outcomes)
    scores = [row["f1"] for row in table.values() if row["support"]]
    return float(np.mean(scores)) if scores else float("nan")


def confusion_pairs(outcomes: Sequence[Outcome], top: int = 15) -> list[tuple[str, str, int]]:
    """The most frequent (gold, predicted) mistakes."""
    pairs = Counter((o.example.intent, o.intent) for o in outcomes if o.intent != o.example.intent)
    return [(gold, pred, n) for (gold, pred), n in pairs.most_common(top)]


def language_scores(outcomes: Sequence[Outcome]) -> dict[str, float]:
    """Language-ID accuracy by data folder and on plain-script messages."""
    plain = [o for o in outcomes if script_group(o.example) == "plain"]
    scores = {
        "all (folder label)": _share(o.language == o.example.language for o in outcomes),
        "plain-script": _share(o.language == o.example.language for o in plain),
    }
    for lang in ("ky", "ru", "en"):
        subset = [o for o in plain if o.example.language == lang]
        scores[f"plain-script {lang}"] = _share(o.language == lang for o in subset)
    return scores


def _share(flags: Iterable[bool]) -> float:
    """Share of True values (nan when empty)."""
    values = list(flags)
    return sum(values) / len(values) if values else float("nan")


def _overlaps(a: Entity, b: Entity) -> bool:
    """True if two entities have the same type and overlapping spans."""
    return a.entity == b.entity and a.start < b.end and b.start < a.end


def entity_scores(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float]]:
    """Per entity type: precision, recall, F1 by overlapping span, against the gold markup."""
    table: dict[str, dict[str, float]] = {}
    types = sorted({e.entity for o in outcomes for e in (*o.example.entities, *o.entities)})
    for name in types:
        gold = [(o, e) for o in outcomes for e in o.example.entities if e.entity == name]
        found = [(o, e) for o in outcomes for e in o.entities if e.entity == name]
        hit_gold = sum(any(_overlaps(g, f) for f in o.entities) for o, g in gold)
        hit_found = sum(any(_overlaps(f, g) for g in o.example.entities) for o, f in found)
        precision = hit_found / len(found) if found else float("nan")
        recall = hit_gold / len(gold) if gold else float("nan")
        f1 = (
            2 * precision * recall / (precision + recall)
            if gold and found and precision + recall
            else float("nan")
        )
        table[name] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "gold": float(len(gold)),
            "found": float(len(found)),
        }
    return table


def urgent_scores(outcomes: Sequence[Outcome]) -> dict[str, float]:
    """Recall and precision of urgent_danger, and how often the safety net decided."""
    gold = [o for o in outcomes if o.example.intent == URGENT]
    flagged = [o for o in outcomes if o.intent == URGENT]
    return {
        "recall": _share(o.intent == URGENT for o in gold),
        "precision": _share(o.example.intent == URGENT for o in flagged),
        "recall without safety net": _share(
            o.intent == URGENT and not o.safety_override for o in gold
        ),
        "safety-net decisions": float(sum(o.safety_override for o in outcomes)),
        "safety-net decisions that were right": float(
            sum(o.safety_override and o.example.intent == URGENT for o in outcomes)
        ),
        "support": float(len(gold)),
    }


def calibration_table(outcomes: Sequence[Outcome]) -> list[tuple[str, int, float, float]]:
    """(confidence bin, count, accuracy, mean confidence) rows."""
    edges = [0.0, 0.3, 0.45, 0.6, 0.75, 0.9, 1.01]
    rows = []
    for low, high in itertools.pairwise(edges):
        items = [o for o in outcomes if low <= o.confidence < high]
        if items:
            rows.append(
                (
                    f"{low:.2f}-{min(high, 1.0):.2f}",
                    len(items),
                    accuracy(items),
                    float(np.mean([o.confidence for o in items])),
                )
            )
    return rows


def clarify_scores(
    outcomes: Sequence[Outcome], threshold: float = CLARIFY_BELOW
) -> dict[str, float]:
    """How the clarification threshold splits answers: share asked, accuracy on each side."""
    above = [o for o in outcomes if o.confidence >= threshold]
    below = [o for o in outcomes if o.confidence < threshold]
    return {
        "threshold": threshold,
        "share clarified": len(below) / len(outcomes) if outcomes else float("nan"),
        "accuracy when answered": accuracy(above),
        "accuracy of clarified": accuracy(below),
    }


def summary(results: Results) -> dict[str, Any]:
    """The headline numbers of one run."""
    outcomes = results.outcomes
    by_language = {
        lang: accuracy(o for o in outcomes if o.example.language == lang)
        for lang in ("ky", "ru", "en")
    }
    by_script = {
        group: accuracy(o for o in outcomes if script_group(o.example) == group)
        for group in ("plain", "latin", "mixed")
    }
    return {
        "examples": len(outcomes),
        "accuracy": accuracy(outcomes),
        "macro_f1": macro_f1(outcomes),
        "accuracy_by_language": by_language,
        "accuracy_by_script": by_script,
        "ngram_only_accuracy": accuracy(outcomes, "ngram_intent")
        if any(o.ngram_intent for o in outcomes)
        else float("nan"),
        "urgent": urgent_scores(outcomes),
        "language_id": language_scores(outcomes),
        "clarify": clarify_scores(outcomes),
    }
