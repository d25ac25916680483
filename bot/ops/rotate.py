"""Re-key the database under a new SAPAR_SECRET_KEY: chat ids re-encrypted, pseudonyms re-keyed.

The key does two jobs. It encrypts the chat ids kept for relays (cases.chat_enc): those are
decrypted with the old key and encrypted with the new one. And it keys the pseudonyms (an HMAC
of the chat id): a new key gives every person a new pseudonym. Where the chat id is known (a
case not yet purged by retention) the person's rows move to the new pseudonym. Where it is not,
nothing can link the old pseudonym to the person any more, so those rows are deleted: they
could never be reached again, not even by /forget. See docs/operations.md, "Key rotation".
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from bot.pseudonym import Pseudonymizer
from bot.settings import SECRET_KEY_FILE
from hotline.crypto import ChatIdCipher

MIN_KEY_LENGTH = 32
ENCRYPTED_TABLES = ("reminders", "subscriptions", "broadcast_queue")  # bot/reminders


class RotationError(RuntimeError):
    """The rotation could not be done; nothing was changed."""


@dataclass(frozen=True)
class RotationReport:
    """What a rotation changed."""

    chat_ids: int  # chat ids re-encrypted
    people_rekeyed: int  # pseudonyms moved to the new key
    people_dropped: int  # people whose rows were deleted (no chat id to re-key them)
    blocks_dropped: int  # operator blocks that lapsed for the same reason
    unreadable: int  # chat ids the old key could not decrypt (cleared)


def new_key() -> str:
    """Return a fresh random key (64 hex characters)."""
    return secrets.token_hex(32)


def rotate(db: Database, old_key: bytes, new_key_value: bytes) -> RotationReport:
    """Re-key everything in one transaction (all or nothing)."""
    if len(new_key_value) < MIN_KEY_LENGTH:
        raise RotationError(f"the new key must be at least {MIN_KEY_LENGTH} characters long")
    if new_key_value == old_key:
        raise RotationError("the new key is the current key")
    old_cipher, new_cipher = ChatIdCipher(old_key), ChatIdCipher(new_key_value)
    old_names, new_names = Pseudonymizer(old_key), Pseudonymizer(new_key_value)
    mapping: dict[str, str] = {}
    chat_ids = unreadable = 0
    conn = db.conn
    keyed = [name for name in db.table_names() if "user_key" in db[name].columns_dict]
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("PRAGMA defer_foreign_keys = ON")  # parents' keys change under children
        for code, user_key, chat_enc in conn.execute(
                "SELECT case_code, user_key, chat_enc FROM cases WHERE chat_enc IS NOT NULL"
                ).fetchall():
            try:
                chat_id = old_cipher.decrypt(chat_enc)
            except ValueError:
                unreadable += 1
                conn.execute("UPDATE cases SET chat_enc = NULL WHERE case_code = ?", [code])
                continue
            conn.execute("UPDATE cases SET chat_enc = ? WHERE case_code = ?",
                         [new_cipher.encrypt(chat_id), code])
            chat_ids += 1
            if user_key and old_names.user_key(chat_id) == user_key:
                mapping[user_key] = new_names.user_key(chat_id)
        for table in ENCRYPTED_TABLES:  # reminders and alert subscriptions keep a chat id too
            if table not in keyed:
                continue
            for rowid, user_key, chat_enc in conn.execute(
                    f"SELECT rowid, user_key, chat_enc FROM {table}").fetchall():
                try:
                    chat_id = old_cipher.decrypt(chat_enc)
                except ValueError:
                    unreadable += 1
                    conn.execute(f"DELETE FROM {table} WHERE rowid = ?", [rowid])
                    continue
                conn.execute(f"UPDATE {table} SET chat_enc = ? WHERE rowid = ?",
                             [new_cipher.encrypt(chat_id), rowid])
                chat_ids += 1
                if old_names.user_key(chat_id) == user_key:
                    mapping[user_key] = new_names.user_key(chat_id)
        for old, new in mapping.items():
            for table in keyed:
                conn.execute(f"UPDATE {table} SET user_key = ? WHERE user_key = ?", [new, old])
        conn.execute("CREATE TEMP TABLE rekeyed (user_key TEXT PRIMARY KEY)")
        conn.executemany("INSERT INTO rekeyed VALUES (?)", [(k,) for k in mapping.values()])
        lost = "user_key NOT IN (SELECT user_key FROM temp.rekeyed)"
        dropped = conn.execute(f"SELECT count(*) FROM users WHERE {lost}").fetchone()[0]
        blocks = conn.execute(f"SELECT count(*) FROM blocked WHERE {lost}").fetchone()[0]
        for table in ("conversations", "users", "blocked",
                      *(t for t in ENCRYPTED_TABLES if t in keyed)):
            conn.execute(f"DELETE FROM {table} WHERE {lost}")
        conn.execute("DROP TABLE temp.rekeyed")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the old rows leave the WAL file too
    return RotationReport(chat_ids, len(mapping), int(dropped), int(blocks), unreadable)


def stage_key_file(data_dir: Path, key: str) -> Path:
    """Write the new key beside the current key file as `secret.key.new` (0600), synced."""
    staged = data_dir / (SECRET_KEY_FILE + ".new")
    if staged.exists():
        raise RotationError(f"{staged} exists: an earlier rotation did not finish. If the "
                            "database was re-keyed, move it over secret.key; otherwise delete it")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return staged


def install_key_file(data_dir: Path) -> Path:
    """Move the staged key over the key file (after the database was re-keyed)."""
    target = data_dir / SECRET_KEY_FILE
    os.replace(data_dir / (SECRET_KEY_FILE + ".new"), target)
    return target
