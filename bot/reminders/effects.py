"""Carry out the dialogue's "reminders" and "alerts" effects, and answer with what was done.

The front end calls `apply_effects` once per turn, before it sends the replies: it stores or
deletes what the person chose (only after their explicit yes) and appends the reply that says
so. /forget deletes every reminder and subscription too. The web chat has no chat to reach
later: it passes chat_id=None and the person is told that these work in Telegram only.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from html import escape

from sqlite_utils import Database

from bot.dialogue.model import Button, Effect, Outcome, Reply
from bot.reminders.schedule import already_passed, plausible
from bot.reminders.store import ReminderStore, SubscriptionStore, forget_person
from bot.reminders.texts import STOP_ACTION
from bot.reminders.topics import topic_label
from content.alerts import TOPICS
from content.formatting import format_date
from content.i18n import gettext_for, mark
from hotline.crypto import ChatIdCipher

KIND_NAMES = {
    "stay": mark("Last legal day in Russia: {date}"),
    "registration": mark("Registration deadline: {date}"),
    "contract": mark("Last day to sign a new contract: {date}"),
}


@cache
def cipher_for(secret_key: bytes) -> ChatIdCipher:
    """Return the chat id cipher of a key (derived once)."""
    return ChatIdCipher(secret_key)


def apply_effects(db: Database, secret_key: bytes, user_key: str, chat_id: int | None,
                  language: str, outcome: Outcome, today: date | None = None) -> None:
    """Carry out this turn's reminder and alert effects; append the replies that tell."""
    today = today or date.today()
    for effect in list(outcome.effects):
        if effect.kind == "forget":
            forget_person(db, user_key)
        elif effect.kind in ("reminders", "alerts"):
            if chat_id is None:
                _ = gettext_for(language)
                outcome.replies.append(Reply(_(
                    "Reminders and alerts work in the Telegram bot only: this page cannot "
                    "write to you later. Nothing was stored."), language=language,
                    kind="reminder_unavailable"))
                continue
            handle = _reminders if effect.kind == "reminders" else _alerts
            outcome.replies.append(handle(db, secret_key, user_key, chat_id, language, effect,
                                          today))


def _reminders(db: Database, secret_key: bytes, user_key: str, chat_id: int, language: str,
               effect: Effect, today: date) -> Reply:
    _ = gettext_for(language)
    store = ReminderStore(db)
    op = effect.data.get("op")
    if op == "set":
        kind = str(effect.data["reminder"])
        try:
            due = date.fromisoformat(str(effect.data["due"]))
        except ValueError:
            due = date.min
        if not plausible(due, today):
            return Reply(_("That date has passed or cannot be used for a reminder. Count your "
                           "days again to get a new one."), language=language,
                         kind="reminder_invalid")
        store.set(user_key, kind, due, language, cipher_for(secret_key).encrypt(chat_id))
        # days already past or today are not reminded: the person has just seen the date
        reminder = next(r for r in store.of(user_key) if r.kind == kind)
        store.mark_sent(reminder, already_passed(due, today), None)
        return Reply(_("Done: I will remind you of {what}. To stop, press \"Stop reminders\" "
                       "under any reminder or use /reminders.").format(
            what=_(KIND_NAMES[kind]).format(date=format_date(due, language))),
            ((Button(_("My reminders"), "remind:list"), Button(_("Menu"), "menu")),),
            language=language, kind="reminder_set")
    if op == "stop":
        store.delete(user_key)
        return Reply(_("Reminders stopped: I deleted the dates."),
                     ((Button(_("Menu"), "menu"),),), language=language, kind="reminder_stopped")
    reminders = store.of(user_key)
    if not reminders:
        return Reply(_("You have no reminders. The stay calculator offers one with its "
                       "result."), ((Button(_("Count my days"), "flow:stay"),
                                     Button(_("Menu"), "menu")),),
                     language=language, kind="reminder_list")
    lines = [_("<b>Your reminders</b> (14, 7, 3 and 1 days before, and on the day):")]
    lines += ["• " + _(KIND_NAMES[r.kind]).format(date=format_date(r.due, language))
              for r in reminders]
    return Reply("\n".join(lines), ((Button(_("Stop reminders"), STOP_ACTION),
                                     Button(_("Menu"), "menu")),),
                 language=language, kind="reminder_list")


def alerts_list(subscribed: list[str], language: str, intro: str = "") -> Reply:
    """Return the topics with a subscribe or unsubscribe button each."""
    _ = gettext_for(language)
    lines = [intro] if intro else []
    lines.append(_("<b>Alerts on rule changes.</b> When a rule changes for a topic you follow, "
                   "I send you a short message with its sources. Tapping \"Subscribe\" is your "
                   "yes: I keep the topic, your language and a way to reach this chat "
                   "(encrypted), until you unsubscribe or use /forget."))
    if subscribed:
        lines.append(_("You follow: {topics}.").format(topics=", ".join(
            escape(topic_label(t, language)) for t in subscribed)))
    else:
        lines.append(_("You follow no topic."))
    rows = []
    for topic in TOPICS:
        name = topic_label(topic, language)
        if topic in subscribed:
            rows.append((Button("✅ " + _("Unsubscribe: {topic}").format(topic=name),
                                f"alerts:off:{topic}"),))
        else:
            rows.append((Button(_("Subscribe: {topic}").format(topic=name),
                                f"alerts:on:{topic}"),))
    if subscribed:
        rows.append((Button(_("Unsubscribe from all"), "alerts:stop"),))
    rows.append((Button(_("Menu"), "menu"),))
    return Reply("\n\n".join(lines), tuple(rows), language=language, kind="alerts_list")


def _alerts(db: Database, secret_key: bytes, user_key: str, chat_id: int, language: str,
            effect: Effect, today: date) -> Reply:
    _ = gettext_for(language)
    store = SubscriptionStore(db)
    op, topic = effect.data.get("op"), effect.data.get("topic")
    intro = ""
    if op == "on" and topic in TOPICS:
        store.subscribe(user_key, str(topic), language, cipher_for(secret_key).encrypt(chat_id))
        intro = "✅ " + _("Subscribed: {topic}.").format(topic=escape(topic_label(topic,
                                                                                  language)))
    elif op == "off" and topic in TOPICS:
        store.unsubscribe(user_key, str(topic))
        intro = _("Unsubscribed: {topic}.").format(topic=escape(topic_label(topic, language)))
    elif op == "stop":
        store.unsubscribe(user_key)
        intro = _("Unsubscribed from every topic.")
    return alerts_list(store.topics_of(user_key), language, intro)
