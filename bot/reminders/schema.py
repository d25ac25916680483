"""The reminders' and alerts' tables, in versioned migrations (applied at start)."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

reminder_migrations = Migrations("reminders")


@reminder_migrations()
def m001_reminders_subscriptions_broadcasts(db: Database) -> None:
    """Create dated reminders, alert subscriptions, broadcasts and their delivery queue.

    Nothing here holds a Telegram id, name or phone: people are pseudonyms, and the chat is
    reachable only through `chat_enc` (encrypted with a key derived from SAPAR_SECRET_KEY).
    """
    db["reminders"].create({
        "user_key": str, "kind": str, "due": str, "language": str, "chat_enc": str,
        "sent": str, "created_at": str,
    }, pk=("user_key", "kind"), not_null={"due", "language", "chat_enc"},
        defaults={"sent": ""})
    db["reminders"].create_index(["due"])
    db["subscriptions"].create({
        "user_key": str, "topic": str, "language": str, "chat_enc": str, "created_at": str,
    }, pk=("user_key", "topic"), not_null={"language", "chat_enc"})
    db["subscriptions"].create_index(["topic"])
    db["broadcasts"].create({
        "id": int, "alert_id": str, "topic": str, "texts": str, "status": str,
        "origin": str, "total": int, "sent": int, "failed": int, "blocked": int,
        "created_at": str, "confirmed_at": str, "finished_at": str, "progress_chat": int,
        "progress_message": int,
    }, pk="id", not_null={"alert_id", "topic", "texts", "status"},
        defaults={"total": 0, "sent": 0, "failed": 0, "blocked": 0})
    db["broadcast_queue"].create({
        "broadcast_id": int, "user_key": str, "language": str, "chat_enc": str, "status": str,
    }, pk=("broadcast_id", "user_key"), not_null={"language", "chat_enc", "status"},
        foreign_keys=[("broadcast_id", "broadcasts", "id")])
    db.execute("CREATE INDEX idx_broadcast_queue_pending ON broadcast_queue "
               "(broadcast_id, status)")
    db["reminder_counts"].create({"week": str, "kind": str, "count": int},
                                 pk=("week", "kind"))
