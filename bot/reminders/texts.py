"""The texts of the reminders, in the person's language (the dates as the calculator says them)."""

from __future__ import annotations

from datetime import date

from bot.dialogue.model import Button, Reply
from content.formatting import format_date
from content.i18n import gettext_for, ngettext_for

STOP_ACTION = "remind:stop"


def reminder_reply(kind: str, due: date, left: int, language: str) -> Reply:
    """Return the reminder message for a date `left` days away, with its stop button."""
    _ = gettext_for(language)
    ngettext = ngettext_for(language)
    when = format_date(due, language)
    if kind == "stay" and left == 0:
        lines = [_("⏰ <b>Today, {date}, is your last legal day in Russia.</b>").format(
                     date=when),
                 _("Leave Russia today or talk to a person at once: staying longer can bring a "
                   "fine, expulsion, the control list (RKL) and an entry ban.")]
    elif kind == "stay":
        lines = [_("⏰ <b>Reminder: your last legal day in Russia is {date}.</b>").format(
                     date=when),
                 ngettext("{n} day left.", "{n} days left.", left).format(n=left),
                 _("Plan to leave, or, with a work contract, apply to the MVD to extend your "
                   "stay before that day.")]
    elif kind == "registration":
        lines = [_("⏰ <b>Reminder: migration registration.</b> For citizens of Kyrgyzstan it "
                   "must be done within 30 days of entry: by {date}.").format(date=when),
                 ngettext("{n} day left.", "{n} days left.", left).format(n=left)
                 if left else _("Today is the last day."),
                 _("The host (the owner of the flat or the employer) files it; keep the "
                   "stamped tear-off slip. In Moscow and the Moscow region the Amina app "
                   "replaces it.")]
    else:
        lines = [_("⏰ <b>Reminder: the 15 days to sign a new work contract end on {date}."
                   "</b>").format(date=when),
                 ngettext("{n} day left.", "{n} days left.", left).format(n=left)
                 if left else _("Today is the last day."),
                 _("This applies if you had been in Russia more than 90 days when the old "
                   "contract ended. Without a new contract in time you have to leave Russia.")]
    lines.append(_("I count from what you told me, and rules change: check with the MVD or a "
                   "hotline operator."))
    return Reply("\n".join(lines), ((Button(_("Stop reminders"), STOP_ACTION),
                                     Button(_("Talk to a person"), "human")),),
                 language=language, kind="reminder")
