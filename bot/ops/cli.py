"""The operations subcommands of `python -m bot`: check, backup, restore, rotate-key, metrics."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from bot.ops import exitcodes
from bot.ops.backup import BackupError, BackupReport
from bot.ops.lock import AlreadyRunningError, RunLock
from bot.settings import SECRET_KEY_FILE, Settings

PASSPHRASE_ENV = "SAPAR_BACKUP_PASSPHRASE"
NEW_KEY_ENV = "SAPAR_NEW_SECRET_KEY"


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the operations subcommands on `python -m bot`'s parser."""
    check = commands.add_parser("check", help="check configuration, database, model, Telegram")
    check.add_argument("--no-telegram", action="store_true",
                       help="skip the Bot API and operators' chat (offline checks only)")
    check.add_argument("--live", action="store_true",
                       help="liveness only: configuration, database (no integrity scan), disk")
    for name, helptext in (("backup", "copy the database (safe while the bot runs)"),
                           ("restore", "restore a backup into the data directory")):
        command = commands.add_parser(name, help=helptext)
        command.add_argument("path", type=Path, help="backup file" if name == "restore"
                             else "where to write the backup (not the data directory)")
        command.add_argument("--passphrase-file", type=Path, default=None,
                             help=f"file holding the passphrase (or set {PASSPHRASE_ENV}); "
                             "a backup is encrypted when a passphrase is given")
    commands.choices["restore"].add_argument(
        "--force", action="store_true",
        help="replace an existing database, even while the bot runs")
    rotate = commands.add_parser("rotate-key", help="re-key the database under a new secret key")
    rotate.add_argument("--new-key-file", type=Path, default=None,
                        help=f"file holding the new key (or set {NEW_KEY_ENV}); when neither "
                        "is given and the key lives in the data directory, one is generated")
    metrics = commands.add_parser("metrics", help="print the metrics (Prometheus text format)")
    metrics.add_argument("--file", type=Path, default=None, help="write them to this file")


def _passphrase(args: argparse.Namespace) -> str | None:
    if args.passphrase_file is not None:
        return args.passphrase_file.read_text().strip()
    return os.environ.get(PASSPHRASE_ENV) or None


def run_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run one operations subcommand and return its exit code."""
    try:
        if args.command == "backup":
            return _backup(args, settings)
        if args.command == "restore":
            return _restore(args, settings)
        if args.command == "rotate-key":
            return _rotate(args, settings)
        if args.command == "metrics":
            return _metrics(args, settings)
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return exitcodes.FAILED
    raise ValueError(f"not an operations command: {args.command}")


def check(args: argparse.Namespace) -> int:
    """Run every check, print one line each; 0 when all pass, 78 for configuration, else 1."""
    from bot.ops.check import liveness_checks, run_checks

    if args.live:
        results = liveness_checks()
    else:
        results = asyncio.run(run_checks(telegram=not args.no_telegram))
    for result in results:
        print(result.line())
    if not results[0].ok:
        return exitcodes.CONFIG
    return exitcodes.OK if all(r.ok for r in results) else exitcodes.FAILED


def _summary(report: BackupReport) -> str:
    sealed = "encrypted" if report.sealed else "NOT encrypted"
    return f"{report.path} ({report.size // 1024} KiB, {sealed}, {report.cases} case(s))"


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ops.backup import backup

    try:
        report = backup(settings, args.path, _passphrase(args))
    except BackupError as error:
        print(f"backup failed: {error}", file=sys.stderr)
        return exitcodes.FAILED
    print(f"backup written: {_summary(report)}")
    print("the secret key is not in the backup: keep it elsewhere (docs/operations.md)")
    return exitcodes.OK


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ops.backup import restore

    try:
        report = restore(settings, args.path, _passphrase(args), force=args.force)
    except BackupError as error:
        print(f"restore refused: {error}", file=sys.stderr)
        return exitcodes.DATA
    print(f"restored: {_summary(report)}")
    if report.key_matches is False:
        print("WARNING: this SAPAR_SECRET_KEY cannot decrypt the restored chat ids: replies to "
              "open cases will fail and people will be seen as new. Restore the key that was "
              "in use when the backup was made.", file=sys.stderr)
        return exitcodes.CONFIG
    return exitcodes.OK


def _rotate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ops.rotate import RotationError, install_key_file, new_key, rotate, stage_key_file
    from bot.storage import open_database

    key_file = settings.data_dir / SECRET_KEY_FILE
    # the key in use came from the generated file (not from the environment or .env)
    from_file = key_file.is_file() and key_file.read_text().strip().encode() == settings.secret_key
    if args.new_key_file is not None:
        key = args.new_key_file.read_text().strip()
    else:
        key = os.environ.get(NEW_KEY_ENV, "").strip()
    if not key and not from_file:
        print(f"rotate-key: SAPAR_SECRET_KEY comes from the environment: give the new key with "
              f"--new-key-file or {NEW_KEY_ENV}", file=sys.stderr)
        return exitcodes.USAGE
    key = key or new_key()
    try:
        with RunLock(settings.data_dir):
            staged = stage_key_file(settings.data_dir, key) if from_file else None
            db = open_database(settings.database_path)
            try:
                report = rotate(db, settings.secret_key, key.encode())
            except Exception:
                if staged is not None:
                    staged.unlink()
                raise
            finally:
                db.close()
            if from_file:
                install_key_file(settings.data_dir)
    except AlreadyRunningError:
        print("rotate-key: the bot is running on this data directory: stop it first",
              file=sys.stderr)
        return exitcodes.FAILED
    except RotationError as error:
        print(f"rotate-key: {error}; nothing was changed", file=sys.stderr)
        return exitcodes.USAGE
    print(f"re-keyed: {report.chat_ids} chat id(s) re-encrypted, {report.people_rekeyed} "
          f"person(s) kept under the new key, {report.people_dropped} person(s) without a case "
          f"forgotten (they start afresh), {report.blocks_dropped} block(s) lapsed, "
          f"{report.unreadable} unreadable chat id(s) cleared")
    if from_file:
        print(f"the new key is in {key_file}: copy it to where you keep "
              "the key (not beside the backups); backups made before now need the old key")
    else:
        print("now set SAPAR_SECRET_KEY to the new key before starting the bot; backups made "
              "before now need the old key")
    return exitcodes.OK


def _metrics(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ops.metrics import render, write_file

    if args.file is not None:
        write_file(args.file, settings.database_path)
    else:
        sys.stdout.write(render(settings.database_path).decode())
    return exitcodes.OK
