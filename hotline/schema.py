"""The hotline's tables, in versioned migrations (applied at start with the core ones)."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

hotline_migrations = Migrations("hotline")


@hotline_migrations()
def m001_cases_links_outbox(db: Database) -> None:
    """Create cases, message links, transcripts and the relay outbox."""
    db["cases"].create({
        "case_code": str, "user_key": str, "chat_enc": str, "status": str, "priority": str,
        "language": str, "topic": str, "region": str, "consent": str, "summary": str,
        "desk_chat_id": int, "thread_id": int, "operator_key": str, "created_at": str,
        "claimed_at": str, "closed_at": str, "close_reason": str, "closed_by": str,
        "fallback_sent": int, "purged": int,
    }, pk="case_code", not_null={"status", "priority", "language", "created_at"},
        defaults={"fallback_sent": 0, "purged": 0})
    db["cases"].create_index(["user_key", "status"])
    db["cases"].create_index(["desk_chat_id", "thread_id"])
    db["message_links"].create({
        "id": int, "case_code": str, "user_message_id": int, "desk_message_id": int,
        "direction": str, "created_at": str,
    }, pk="id", foreign_keys=[("case_code", "cases", "case_code")])
    db["message_links"].create_index(["case_code", "user_message_id"])
    db["message_links"].create_index(["case_code", "desk_message_id"])
    db["transcripts"].create({
        "id": int, "case_code": str, "at": str, "author": str, "text": str,
    }, pk="id", foreign_keys=[("case_code", "cases", "case_code")])
    db["outbox"].create({
        "id": int, "case_code": str, "side": str, "kind": str, "payload": str,
        "priority": int, "status": str, "attempts": int, "created_at": str, "sent_at": str,
        "last_error": str,
    }, pk="id", not_null={"side", "kind", "payload", "status"}, defaults={"attempts": 0})
    db["outbox"].create_index(["status", "priority", "id"])


@hotline_migrations()
def m002_blocked_pseudonyms(db: Database) -> None:
    """Let operators block a pseudonym from the hand-off (abuse)."""
    db["blocked"].create({"user_key": str, "blocked_at": str, "reason": str}, pk="user_key")


@hotline_migrations()
def m003_outbox_turns(db: Database) -> None:
    """One row per case with pending relays (per side): a round-robin queue with an index.

    Finding the next relay was a scan with a correlated sub-query (66 ms at 5,000 pending
    rows, 695 ms at 20,000); with this table it is two index look-ups.
    """
    db["outbox_turns"].create({
        "case_code": str, "side": str, "priority": int, "turn": int, "ready_at": str,
    }, pk=("case_code", "side"), not_null={"priority", "turn", "ready_at"},
        defaults={"priority": 0, "ready_at": ""})
    db.execute("CREATE INDEX idx_outbox_turns_next ON outbox_turns (side, priority DESC, turn)")
    db["outbox_turns"].create_index(["turn"])
    db["outbox"].create_index(["case_code", "side", "status", "id"])
    db.execute(
        "INSERT INTO outbox_turns (case_code, side, priority, turn, ready_at) "
        "SELECT case_code, side, MAX(priority), MIN(id), '' FROM outbox "
        "WHERE status = 'pending' GROUP BY case_code, side")


@hotline_migrations()
def m004_failed_relays(db: Database) -> None:
    """Count per case the relays Telegram refused (for the statistics and the alerts)."""
    db["cases"].add_column("failed_relays", int, not_null_default=0)


@hotline_migrations()
def m005_transcript_index(db: Database) -> None:
    """Find a case's last activity (idle cases are closed) without a scan."""
    db["transcripts"].create_index(["case_code", "at"])


@hotline_migrations()
def m006_case_channel(db: Database) -> None:
    """Record which front end a case came from, so replies go back the same way."""
    db["cases"].add_column("channel", str, not_null_default="telegram")


@hotline_migrations()
def m007_sent_messages(db: Database) -> None:
    """Remember, per pseudonym, the messages of a private chat that /hide may delete (48 h)."""
    db["sent_messages"].create({
        "id": int, "user_key": str, "message_id": int, "at": str, "own": int,
    }, pk="id", not_null={"user_key", "message_id", "at"}, defaults={"own": 0})
    db["sent_messages"].create_index(["user_key", "at"])
    db["sent_messages"].create_index(["at"])


@hotline_migrations()
def m008_topic_state(db: Database) -> None:
    """Re-create a case's topic that operators deleted or closed, in steps that survive a kill.

    topic_state: '' (usable), 'lost' (the old topic refused a relay: create a new one),
    'card' (the new topic exists: post the case card again, then replay what is pending).
    """
    db["cases"].add_column("topic_state", str, not_null_default="")
    db["cases"].add_column("topic_recreations", int, not_null_default=0)


@hotline_migrations()
def m009_case_country(db: Database) -> None:
    """The country the person said they are in (its emergency number leads the fall-backs)."""
    db["cases"].add_column("country", str)


@hotline_migrations()
def m010_desk_clock(db: Database) -> None:
    """The desk's reminders, in the database so that a restart neither loses nor repeats them.

    waiting_since: when the person's oldest unanswered message arrived (cleared by a reply);
    reminded_unclaimed / reminded_unanswered: when (for which wait) the desk was reminded.
    """
    db["cases"].add_column("waiting_since", str)
    db["cases"].add_column("reminded_unclaimed", str)
    db["cases"].add_column("reminded_unanswered", str)


@hotline_migrations()
def m011_ratings(db: Database) -> None:
    """"Did this help?" after a case is closed: anonymous on purpose.

    A rating row has the ISO week and the answer only: no pseudonym, no case code, no time
    that could be matched with a case's close. A question's one-time token is all that links
    the buttons to the question, and it is deleted when used (or after a week).
    """
    db["rating_tokens"].create({"token": str, "created_at": str}, pk="token")
    db["ratings"].create({"id": int, "week": str, "score": int, "comment": str}, pk="id",
                         not_null={"week", "score"})
