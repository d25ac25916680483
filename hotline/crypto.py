"""Encrypt the chat ids that relays need, with a key derived from SAPAR_SECRET_KEY."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class ChatIdCipher:
    """Turn a chat id into an opaque token and back; nothing else can read it."""

    def __init__(self, secret_key: bytes) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                       info=b"sapar/hotline/chat-id/v1").derive(secret_key)
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def encrypt(self, chat_id: int) -> str:
        """Return the encrypted chat id."""
        return self._fernet.encrypt(str(chat_id).encode()).decode()

    def decrypt(self, token: str) -> int:
        """Return the chat id; raise ValueError when the token was not made with this key."""
        try:
            return int(self._fernet.decrypt(token.encode()).decode())
        except (InvalidToken, ValueError):
            raise ValueError("chat id token cannot be decrypted with this key") from None


class SealCipher:
    """Encrypt a short text that must not sit readable in the database (a held location)."""

    def __init__(self, secret_key: bytes) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                       info=b"sapar/hotline/sealed/v1").derive(secret_key)
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, text: str) -> str:
        """Return the text encrypted."""
        return self._fernet.encrypt(text.encode()).decode()

    def unseal(self, token: str) -> str:
        """Return the text; raise ValueError when the token was not made with this key."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise ValueError("sealed text cannot be decrypted with this key") from None
