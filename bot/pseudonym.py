"""Keyed pseudonyms: the database never holds a raw Telegram id."""

from __future__ import annotations

import hashlib
import hmac


class Pseudonymizer:
    """Turn a chat id into a stable, keyed, irreversible pseudonym."""

    def __init__(self, secret_key: bytes) -> None:
        self._key = hmac.new(secret_key, b"sapar/pseudonym/v1", hashlib.sha256).digest()

    def user_key(self, chat_id: int | str) -> str:
        """Return the pseudonym that stands for one private chat."""
        return hmac.new(self._key, f"chat:{chat_id}".encode(), hashlib.sha256).hexdigest()[:32]
