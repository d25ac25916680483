"""The web chat's tables, in versioned migrations (applied at start with the others)."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

web_migrations = Migrations("web")


@web_migrations()
def m001_sessions_messages_resume(db: Database) -> None:
    """Create web sessions (by keyed hash), the messages a page shows, and resume codes."""
    db["web_sessions"].create({
        "sid_hash": str, "user_key": str, "created_at": str, "last_seen": str,
    }, pk="sid_hash", not_null={"user_key"})
    db["web_sessions"].create_index(["user_key"])
    db["web_messages"].create({
        "id": int, "user_key": str, "at": str, "side": str, "html": str, "buttons": str,
    }, pk="id", not_null={"user_key", "side", "html"})
    db["web_messages"].create_index(["user_key", "id"])
    db["web_resume"].create({"code_hash": str, "user_key": str, "created_at": str},
                            pk="code_hash", not_null={"user_key"})
    db["web_resume"].create_index(["user_key"])
