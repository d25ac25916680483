"""Session ids, CSRF tokens, the rotating address hash, input cleaning and response headers."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from datetime import UTC, datetime

MAX_TEXT = 4096  # what Telegram accepts in one message; longer input is cut there
SESSION_COOKIE = "sapar_s"
# C0 controls but tab and newline, DEL, zero-width space, and direction marks and overrides
CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def new_session_id() -> str:
    """Return a fresh random session id (never derived from the address or the browser)."""
    return secrets.token_urlsafe(32)


def looks_like_session_id(value: str | None) -> bool:
    """Return True for a value shaped like our session ids (anything else is ignored)."""
    return bool(value) and re.fullmatch(r"[A-Za-z0-9_-]{43}", value or "") is not None


class Keys:
    """Keys derived from SAPAR_SECRET_KEY for CSRF tokens and address hashes."""

    def __init__(self, secret_key: bytes) -> None:
        self._csrf = hmac.new(secret_key, b"sapar/web/csrf/v1", hashlib.sha256).digest()
        self._address = hmac.new(secret_key, b"sapar/web/address/v1", hashlib.sha256).digest()

    def csrf_token(self, sid: str) -> str:
        """Return the CSRF token of a session (a form must send it back)."""
        return hmac.new(self._csrf, sid.encode(), hashlib.sha256).hexdigest()[:32]

    def csrf_ok(self, sid: str, token: str | None) -> bool:
        """Return True when a posted token belongs to the session."""
        if not token:
            return False
        return hmac.compare_digest(self.csrf_token(sid).encode(), str(token).encode())

    def address_hash(self, address: str | None, now: datetime | None = None) -> str:
        """Return a keyed hash of a network address that changes every day.

        Used only in memory, for rate limits; the address itself is never stored or logged,
        and yesterday's hashes cannot be linked to today's.
        """
        day = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
        daily = hmac.new(self._address, day.encode(), hashlib.sha256).digest()
        return hmac.new(daily, (address or "-").encode(), hashlib.sha256).hexdigest()[:24]


def clean_text(text: str) -> str:
    """Return a message as Telegram would take it: NFC, no control or direction characters,
    Windows line ends made plain, cut at Telegram's length limit."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return CONTROL.sub("", text)[:MAX_TEXT].strip()
