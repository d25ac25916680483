"""Updates the bot could not parse, kept encrypted for a person to look at, then deleted.

An update can carry names, usernames, ids and phone numbers: it is never logged. Its JSON is
stored encrypted under a key derived from SAPAR_SECRET_KEY, with its update id, the error's type
and the sender's pseudonym (so /forget deletes it), for QUARANTINE_DAYS; `read()` decrypts it
for whoever runs the bot's host.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlite_utils import Database

from bot.pseudonym import Pseudonymizer

QUARANTINE_DAYS = 7


def _chat_id(raw: Any, depth: int = 0) -> int | None:
    """Find the private chat an update came from (so that /forget can delete it too)."""
    if not isinstance(raw, dict) or depth > 3:
        return None
    chat = raw.get("chat")
    if isinstance(chat, dict) and isinstance(chat.get("id"), int):
        return chat["id"]
    sender = raw.get("from")
    if depth > 0 and isinstance(sender, dict) and isinstance(sender.get("id"), int):
        return sender["id"]
    for value in raw.values():
        found = _chat_id(value, depth + 1)
        if found is not None:
            return found
    return None


class Quarantine:
    """Store and read quarantined updates."""

    def __init__(self, db: Database, secret_key: bytes) -> None:
        self.db = db
        self._pseudonyms = Pseudonymizer(secret_key)
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                       info=b"sapar/quarantine/v1").derive(secret_key)
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def put(self, update_id: int | None, raw: Any, error: BaseException) -> None:
        """Keep one unparsable update (encrypted) and drop those past their time."""
        payload = self._fernet.encrypt(json.dumps(raw, ensure_ascii=False,
                                                  default=str).encode()).decode()
        chat_id = _chat_id(raw)
        user_key = self._pseudonyms.user_key(chat_id) if chat_id is not None else None
        self.db["quarantine"].insert({"update_id": update_id, "user_key": user_key,
                                      "error": type(error).__name__,
                                      "received_at": datetime.now(UTC).isoformat(
                                          timespec="seconds"), "payload_enc": payload})
        self.db.conn.commit()
        self.purge()

    def purge(self, days: int = QUARANTINE_DAYS) -> int:
        """Delete quarantined updates older than `days`; return how many."""
        cutoff = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
        cursor = self.db.execute("DELETE FROM quarantine WHERE received_at < ?", [cutoff])
        self.db.conn.commit()
        return cursor.rowcount

    def read(self) -> list[dict[str, Any]]:
        """Return the quarantined updates, decrypted (for a person on the bot's host)."""
        return [{"update_id": row["update_id"], "error": row["error"],
                 "received_at": row["received_at"],
                 "update": json.loads(self._fernet.decrypt(row["payload_enc"].encode()))}
                for row in self.db["quarantine"].rows_where(order_by="id")]
