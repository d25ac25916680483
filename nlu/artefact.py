"""The saved embedded model: where it lives, how it is written and read, whether it is current."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Sequence
from pathlib import Path

from nlu.classifier import IntentModel
from nlu.data import Example, load_training

MODEL_DIR = Path(__file__).resolve().parent / "model"
MODEL_PATH = MODEL_DIR / "intent.pkl"
FORMAT_VERSION = 4


def fingerprint(examples: Sequence[Example]) -> str:
    """A hash of the training data, to tell whether a saved model is out of date."""
    digest = hashlib.sha1()
    for example in sorted(examples, key=lambda e: (e.language, e.intent, e.text)):
        digest.update(f"{example.language}\t{example.intent}\t{example.text}\n".encode())
    return digest.hexdigest()


def save(model: IntentModel, path: Path = MODEL_PATH) -> None:
    """Write the model artefact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("wb") as handle:
        pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
    temporary.replace(path)


def load(path: Path = MODEL_PATH) -> IntentModel:
    """Read the model artefact (raises FileNotFoundError if it was never trained)."""
    with path.open("rb") as handle:
        model = pickle.load(handle)
    if not isinstance(model, IntentModel) or model.meta.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path} is not a current Sapar intent model; run `python -m nlu train`")
    return model


def is_current(path: Path = MODEL_PATH) -> bool:
    """True if the artefact exists and was trained on the current nlu/data."""
    try:
        model = load(path)
    except (FileNotFoundError, ValueError, pickle.UnpicklingError, EOFError):
        return False
    return model.meta.get("fingerprint") == fingerprint(load_training())
