"""`python -m bench {nlu,bot,broadcast,all}`: Sapar's benchmarks; each prints a table and
appends its figures to bench/results.csv (date, commit, metric, value, unit)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.report import RESULTS_CSV


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true",
                        help="small numbers, for a smoke test (not appended to bench/results.csv "
                             "unless --csv is given)")
    parser.add_argument("--csv", type=Path, default=None,
                        help=f"append the figures to this CSV (default: {RESULTS_CSV})")


def _csv_path(args: argparse.Namespace) -> Path | None:
    if args.csv is not None:
        return args.csv
    return None if args.quick else RESULTS_CSV


def _nlu(args: argparse.Namespace) -> None:
    from bench.nlu import run

    timed = not getattr(args, "no_training", False)
    run(quick=args.quick, csv_path=_csv_path(args), time_training=timed)


def _bot(args: argparse.Namespace) -> None:
    from bench.bot import run

    run(quick=args.quick, csv_path=_csv_path(args), with_rasa=not args.no_rasa)


def _broadcast(args: argparse.Namespace) -> None:
    from bench.broadcast import run

    run(quick=args.quick, csv_path=_csv_path(args), kill=not args.no_kill)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmark and return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    nlu = commands.add_parser("nlu", help="NLU engines side by side (embedded, Rasa)")
    _add_common(nlu)
    nlu.add_argument("--no-training", action="store_true",
                     help="report the training time the artefact recorded instead of training "
                          "from scratch to time it (saves minutes)")
    nlu.set_defaults(handler=[_nlu])
    broadcast = commands.add_parser(
        "broadcast", help="an alert to 5,000 subscribers: rate, busiest second, reply latency "
        "meanwhile, and a SIGKILL part-way (nobody missed, repeats counted)")
    _add_common(broadcast)
    broadcast.add_argument("--no-kill", action="store_true", help="skip the SIGKILL run")
    broadcast.set_defaults(handler=[_broadcast])
    for name, handlers, help_text in (
            ("bot", [_bot], "bot throughput, latency, memory, cold start vs an echo bot"),
            ("all", [_nlu, _bot], "nlu, then bot")):
        command = commands.add_parser(name, help=help_text)
        _add_common(command)
        command.add_argument("--no-rasa", action="store_true",
                             help="skip Sapar with the Rasa engine even if a server answers")
        command.set_defaults(handler=handlers)
    args = parser.parse_args(argv)
    for handler in args.handler:
        handler(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
