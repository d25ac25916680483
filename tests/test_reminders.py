"""Reminders and alerts below the transport: the schedule, the pacing, the alert checker, the
command line, the dialogue's offers and consent, the effects, and the statistics."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.dialogue import ConversationState, Dialogue, Incoming, Outcome
from bot.reminders import cli
from bot.reminders.effects import apply_effects
from bot.reminders.pacing import Pacer, RecentCount
from bot.reminders.schedule import already_passed, due_now, registration_deadline
from bot.reminders.stats import reminder_cells
from bot.reminders.store import Reminder, ReminderStore, SubscriptionStore
from content.alerts import AlertError, check_alerts, load_alert
from content.check import Report, run_checks
from hotline.crypto import ChatIdCipher
from hotline.stats import suppress
from sapar_core.yamlfile import safe_dump, safe_load

TODAY = date(2026, 4, 15)
KEY = b"q7Vx2LmR9tKc4WzP8nHb3YdF6sJg1AeU"
ALERT = Path(__file__).resolve().parents[1] / "content" / "alerts" / "kz-registration-online.yml"


def reminder(due: date, sent: set[int] = frozenset()) -> Reminder:
    """Return a stay reminder as stored."""
    return Reminder("k", "stay", due, "en", "enc", frozenset(sent))


# ----- the schedule ---------------------------------------------------------------------------

def test_reminders_go_14_7_3_1_days_before_and_on_the_day() -> None:
    due = date(2026, 5, 29)
    sent: set[int] = set()
    fired = []
    for offset in range(20, -2, -1):
        day = due - timedelta(days=offset)
        left, settles = due_now(reminder(due, sent), day)
        if left is not None:
            fired.append(left)
            sent |= settles
    assert fired == [14, 7, 3, 1, 0]


def test_after_a_pause_the_nearest_missed_day_is_sent_once_with_the_real_days_left() -> None:
    due = date(2026, 5, 29)
    left, settles = due_now(reminder(due, {14}), due - timedelta(days=5))
    assert (left, settles) == (5, {7})
    assert due_now(reminder(due, {14, 7}), due - timedelta(days=5)) == (None, set())
    assert due_now(reminder(due), due + timedelta(days=1)) == (None, set())


def test_a_reminder_set_10_days_before_skips_the_days_already_past() -> None:
    assert already_passed(TODAY + timedelta(days=10), TODAY) == {14}
    assert already_passed(TODAY + timedelta(days=7), TODAY) == {14, 7}
    assert registration_deadline(date(2026, 3, 1)) == date(2026, 3, 30)


# ----- pacing ---------------------------------------------------------------------------------

def test_the_background_never_exceeds_its_share_and_gives_way_to_replies() -> None:
    foreground = RecentCount()
    pacer = Pacer(per_second=23, overall=29, foreground=foreground)
    now = 100.0
    for _ in range(23):
        assert pacer.wait_needed(now) == 0
        pacer.background.note(now)
    assert pacer.wait_needed(now) > 0, "23 in the window: the 24th waits"
    later = now + 1.2
    assert pacer.wait_needed(later) == 0, "the window moved on"
    for _ in range(29):
        foreground.note(later)
    assert pacer.wait_needed(later) > 0, "replies took the whole budget: the background waits"


# ----- the alert format -----------------------------------------------------------------------

def write_alert(tmp_path: Path, **changes: object) -> Path:
    """Write a copy of the shipped alert with some fields changed; return its path."""
    raw = safe_load(ALERT.read_text(encoding="utf-8"))
    raw["last_verified"] = TODAY
    for key, value in changes.items():
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    (tmp_path / "alerts").mkdir(exist_ok=True)
    path = tmp_path / "alerts" / f"{raw.get('id', 'x')}.yml"
    path.write_text(safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_alert_passes_and_the_content_check_covers_alerts() -> None:
    alert = load_alert(ALERT, date(2026, 12, 5))
    assert alert.topic == "kz" and set(alert.text) == {"ky", "ru", "en"}
    assert not [e for e in run_checks().errors if "alerts" in e]


@pytest.mark.parametrize(("changes", "problem"), [
    ({"sources": None}, "has no sources"),
    ({"sources": [{"name": "A blog", "year": 2025, "url": "http://example.org"}]},
     "https link"),
    ({"topic": "mars"}, "topic 'mars'"),
    ({"last_verified": None}, "last_verified"),
    ({"last_verified": TODAY + timedelta(days=3)}, "in the future"),
    ({"text": {"ky": "Салам", "ru": "Привет"}}, "has no en text"),
    ({"text": {"ky": "30 күн {last_verified}", "ru": "30 дней {last_verified}",
               "en": "15 days {last_verified}"}}, "lacks the number"),
    ({"text": {"ky": "a {name}", "ru": "b {name}", "en": "c {name}"}}, "unknown placeholder"),
    ({"text": {"ky": "a {last_verified}", "ru": "b", "en": "c"}}, "same placeholders"),
    ({"text": {"ky": "<b>a", "ru": "b", "en": "c"}}, "ky:"),
    ({"id": "Bad id!"}, "id must be"),
])
def test_an_alert_with_a_problem_is_refused_and_says_why(tmp_path: Path, changes: dict,
                                                         problem: str) -> None:
    path = write_alert(tmp_path, **changes)
    with pytest.raises(AlertError) as error:
        load_alert(path, TODAY)
    assert any(problem in p for p in error.value.problems), error.value.problems
    report = Report()
    check_alerts(report, TODAY, tmp_path)
    assert report.errors, "content check must fail on it too"


def test_an_old_alert_is_history_for_the_check_but_is_not_sent(tmp_path: Path) -> None:
    path = write_alert(tmp_path, last_verified=TODAY - timedelta(days=200))
    report = Report()
    check_alerts(report, TODAY, tmp_path)
    assert not report.errors and report.warnings
    with pytest.raises(AlertError, match="check the sources again"):
        load_alert(path, TODAY)


# ----- the command line -----------------------------------------------------------------------

def subscribe(db, n: int, topic: str = "kz") -> None:
    """Subscribe n people to a topic."""
    cipher = ChatIdCipher(KEY)
    for i in range(n):
        SubscriptionStore(db).subscribe(f"key{i}", topic, "ru", cipher.encrypt(7000 + i))


def cli_args(path: Path, db_path: Path, **extra: object) -> argparse.Namespace:
    """Return parsed arguments for `python -m hotline broadcast`."""
    return argparse.Namespace(file=path, db=db_path, yes=False, no_wait=True, **extra)


def test_the_command_line_previews_and_queues_only_after_the_number_is_typed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.storage import open_database

    db_path = tmp_path / "sapar.db"
    db = open_database(db_path)
    subscribe(db, 6)
    path = write_alert(tmp_path, last_verified=date.today())
    assert cli.run(cli_args(path, db_path), ask=lambda _prompt: "yes") == 1
    assert db.execute("SELECT status FROM broadcasts").fetchall() == [("cancelled",)]
    out = capsys.readouterr().out
    assert "--- ky ---" in out and "Казакстан" in out and "subscribers now: 6" in out
    assert cli.run(cli_args(path, db_path), ask=lambda _prompt: "6") == 0
    assert db.execute("SELECT status, total FROM broadcasts WHERE id = 2").fetchone() == (
        "sending", 6)
    assert db.execute("SELECT COUNT(*) FROM broadcast_queue").fetchone()[0] == 6
    db.close()


def test_the_command_line_refuses_a_bad_alert(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = write_alert(tmp_path, sources=None, last_verified=date.today())
    assert cli.run(cli_args(path, tmp_path / "sapar.db")) == 2
    assert "has no sources" in capsys.readouterr().err


# ----- the dialogue and the effects -----------------------------------------------------------

class NoParser:
    """The dialogue is driven by buttons and commands only here."""

    def parse(self, *args: object, **kwargs: object) -> None:
        """Refuse to parse."""
        raise AssertionError("no parsing expected")


def turn(action: str | None = None, command: str | None = None,
         state: ConversationState | None = None) -> Outcome:
    """Answer one button press or command on TODAY."""
    dialogue = Dialogue(NoParser(), today=lambda: TODAY)  # type: ignore[arg-type]
    state = state or ConversationState(language="en", language_chosen=True)
    return dialogue.handle(state, Incoming(action=action, command=command))


def test_the_offer_asks_first_and_only_the_yes_sets_a_reminder(db) -> None:
    asked = turn("remind:ask:stay:2026-05-29")
    assert asked.effects == []
    assert "only the date, your language" in asked.replies[0].text
    assert asked.replies[0].actions() == ["remind:yes:stay:2026-05-29", "remind:no"]
    assert turn("remind:no").effects == []
    yes = turn("remind:yes:stay:2026-05-29")
    assert [(e.kind, e.data) for e in yes.effects] == [
        ("reminders", {"op": "set", "reminder": "stay", "due": "2026-05-29"})]
    apply_effects(db, KEY, "k1", 5551, "en", yes, TODAY)
    assert yes.replies[-1].kind == "reminder_set"
    [stored] = ReminderStore(db).of("k1")
    assert stored.due == date(2026, 5, 29) and stored.sent == frozenset()
    assert ChatIdCipher(KEY).decrypt(stored.chat_enc) == 5551
    soon = turn("remind:yes:stay:2026-04-25")  # 10 days ahead: the 14-day one is past
    apply_effects(db, KEY, "k1", 5551, "en", soon, TODAY)
    [stored] = ReminderStore(db).of("k1")
    assert stored.due == date(2026, 4, 25) and stored.sent == frozenset({14})


def test_the_web_chat_stores_nothing_and_says_why(db) -> None:
    yes = turn("remind:yes:stay:2026-05-29")
    apply_effects(db, KEY, "k2", None, "en", yes, TODAY)
    assert yes.replies[-1].kind == "reminder_unavailable"
    on = turn("alerts:on:kr")
    apply_effects(db, KEY, "k2", None, "en", on, TODAY)
    assert ReminderStore(db).of("k2") == [] and SubscriptionStore(db).topics_of("k2") == []


def test_alerts_subscribe_and_unsubscribe_in_one_tap_each(db) -> None:
    listing = turn(command="alerts")
    apply_effects(db, KEY, "k3", 5553, "en", listing, TODAY)
    assert "alerts:on:kr" in listing.replies[-1].actions()
    on = turn("alerts:on:kr")
    apply_effects(db, KEY, "k3", 5553, "en", on, TODAY)
    assert SubscriptionStore(db).topics_of("k3") == ["kr"]
    assert "alerts:off:kr" in on.replies[-1].actions()
    assert "You follow: Korea." in on.replies[-1].text
    off = turn("alerts:off:kr")
    apply_effects(db, KEY, "k3", 5553, "en", off, TODAY)
    assert SubscriptionStore(db).topics_of("k3") == []
    assert turn("alerts:on:mars").effects == [], "a forged topic is not subscribed"


def test_the_contract_end_offers_a_reminder_of_its_15_days() -> None:
    from bot.dialogue.context import Turn
    from bot.dialogue.flows.stay import show_contract_end

    state = ConversationState(language="ru", language_chosen=True)
    context = Turn(state=state, language="ru", today=TODAY)
    show_contract_end(context, date(2026, 4, 10))
    assert "remind:ask:contract:2026-04-25" in context.outcome.replies[-1].actions()


# ----- statistics -----------------------------------------------------------------------------

def test_statistics_count_subscribers_and_deliveries_and_suppress_small_cells(db) -> None:
    subscribe(db, 7, "kz")
    subscribe(db, 2, "kr")
    cells = suppress(reminder_cells(db), 5)
    shown = {(c.dimension, c.value): c.shown_count(5) for c in cells}
    assert shown[("alert_subscribers", "kz")] == "7"
    assert shown[("alert_subscribers", "kr")] == "<5"
    blob = repr(cells)
    assert "key" not in blob and "gAAAA" not in blob, "no pseudonym or chat id in a cell"


def test_key_rotation_re_encrypts_reminders_and_subscriptions(db) -> None:
    from bot.ops.rotate import rotate
    from bot.pseudonym import Pseudonymizer

    new_key = b"Zx8Qw2Er5Ty7Ui9Op3As6Df1Gh4Jk0Lm"
    old_name = Pseudonymizer(KEY).user_key(5560)
    cipher = ChatIdCipher(KEY)
    ReminderStore(db).set(old_name, "stay", date(2026, 5, 29), "ky", cipher.encrypt(5560))
    SubscriptionStore(db).subscribe(old_name, "kr", "ky", cipher.encrypt(5560))
    report = rotate(db, KEY, new_key)
    new_name = Pseudonymizer(new_key).user_key(5560)
    assert report.chat_ids == 2
    [moved] = ReminderStore(db).of(new_name)
    assert ChatIdCipher(new_key).decrypt(moved.chat_enc) == 5560
    assert SubscriptionStore(db).topics_of(new_name) == ["kr"]
    assert ReminderStore(db).of(old_name) == []
