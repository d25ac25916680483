"""A logging filter that withholds any log line carrying an update or an API payload.

Libraries log raw data on errors (python-telegram-bot logs a whole unparsable getUpdates batch,
or a webhook body, at CRITICAL): names, usernames, ids, phone numbers and texts. The filter sits
on the root handlers, so it sees every library's records, and replaces such a line by a notice.
"""

from __future__ import annotations

import logging

MARKERS = ("update_id", "'chat':", '"chat":', "'from':", '"from":', "first_name",
           "username", "phone_number", "'text':", '"text":')
WITHHELD = "[a log line of %s that carried update or API data was withheld]"


def _carries_payload(record: logging.LogRecord) -> bool:
    args = record.args if isinstance(record.args, tuple) else (record.args,)
    if any(isinstance(arg, dict | list | tuple | set | bytes | bytearray) for arg in args
           if arg is not None):
        return True
    try:
        text = record.getMessage()
    except Exception:  # a malformed record: withhold rather than guess
        return True
    if record.exc_info and record.exc_info[1] is not None:
        text += str(record.exc_info[1])
    return any(marker in text for marker in MARKERS)


class NoPayloads(logging.Filter):
    """Replace log lines that carry update or API payloads by a notice (never drops a line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Withhold the payload, keep the fact that something was logged."""
        if _carries_payload(record):
            record.msg = WITHHELD
            record.args = (record.name,)
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Put the filter on every handler of a logger (the root logger by default)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, NoPayloads) for f in handler.filters):
            handler.addFilter(NoPayloads())
