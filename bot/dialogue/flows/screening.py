"""Check my situation: yes/no questions on the ILO forced-labour indicators, one at a time.

Answers stay in the conversation state; they reach an operator only if the person agrees.
The result never says "you are a victim": it names signs and next steps.
"""

from __future__ import annotations

from typing import Any

from bot.dialogue import actions
from bot.dialogue.context import Turn
from bot.dialogue.model import Button
from content.i18n import mark

NAME = "check"

# (ILO indicator, question about oneself, question about a relative, serious on its own)
QUESTIONS: tuple[tuple[str, str, str, bool], ...] = (
    ("deception",
     mark("Did the job, the pay or the conditions turn out different from what you were "
          "promised?"),
     mark("Did the job, the pay or the conditions turn out different from what they were "
          "promised?"), False),
    ("retention_of_documents",
     mark("Does your employer or someone else keep your passport or ID, and not give it back "
          "when you ask?"),
     mark("Does their employer or someone else keep their passport or ID?"), True),
    ("restriction_of_movement",
     mark("Are you stopped from leaving the workplace or the place where you live?"),
     mark("Are they stopped from leaving the workplace or the place where they live?"), True),
    ("withholding_of_wages",
     mark("Is your pay held back, cut without reason or not paid at all?"),
     mark("Is their pay held back, cut without reason or not paid at all?"), False),
    ("debt_bondage",
     mark("Do you owe money to the employer or recruiter that you cannot pay off by working?"),
     mark("Do they owe money to the employer or recruiter that they cannot pay off?"), False),
    ("intimidation_and_threats",
     mark("Has anyone threatened you: with the police, deportation, or harm to you or your "
          "family?"),
     mark("Has anyone threatened them: with the police, deportation, or harm to their "
          "family?"), True),
    ("physical_and_sexual_violence",
     mark("Has anyone hit you, hurt you or forced you into sex?"),
     mark("Has anyone hit them, hurt them or forced them into sex?"), True),
    ("excessive_overtime",
     mark("Do you work very long hours or without days off, and cannot refuse?"),
     mark("Do they work very long hours or without days off, and cannot refuse?"), False),
    ("isolation",
     mark("Are you kept away from other people, or is your phone taken away?"),
     mark("Are they kept away from other people, or is their phone taken away?"), False),
)


def start(turn: Turn, **_options: Any) -> None:
    """Explain the check and ask the first question."""
    _ = turn._
    state = turn.state
    state.flow, state.step, state.data = NAME, "0", {"yes": []}
    turn.say(_("I will ask {count} short yes/no questions. Your answers stay private: an "
               "operator sees them only if you agree. You can stop at any time with /menu.")
             .format(count=len(QUESTIONS)))
    ask(turn, 0)


def ask(turn: Turn, index: int) -> None:
    """Ask one question with yes/no buttons."""
    _ = turn._
    _key, own, relative, _serious = QUESTIONS[index]
    question = _(relative) if turn.state.family_mode else _(own)
    turn.say(f"{index + 1}/{len(QUESTIONS)}. {question}",
             [Button(_("Yes"), actions.make(NAME, index, "yes")),
              Button(_("No"), actions.make(NAME, index, "no"))],
             [Button(_("Stop the check"), "menu")])


def on_action(turn: Turn, args: list[str]) -> bool:
    """Record one answer; ignore presses of questions already answered."""
    state = turn.state
    if state.flow != NAME or len(args) != 2 or args[1] not in ("yes", "no"):
        return False
    if not args[0].isdigit() or args[0] != state.step:
        turn.say(turn._("That question was already answered. Here is the current one."))
        ask(turn, int(state.step or 0))
        return True
    index = int(args[0])
    if args[1] == "yes":
        state.data["yes"].append(QUESTIONS[index][0])
    if index + 1 < len(QUESTIONS):
        state.step = str(index + 1)
        ask(turn, index + 1)
    else:
        show_result(turn, list(state.data["yes"]))
    return True


def on_text(turn: Turn, text: str) -> bool:
    """Accept a typed yes or no as an answer to the current question."""
    intent = turn.parse.intent if turn.parse else None
    if intent in ("affirm", "deny") and (turn.state.step or "").isdigit():
        return on_action(turn, [turn.state.step or "0", "yes" if intent == "affirm" else "no"])
    turn.state.end_flow()
    return False


def level(signs: list[str]) -> str:
    """Return 'none', 'some' or 'serious' for the indicators answered yes."""
    serious = {key for key, _own, _rel, is_serious in QUESTIONS if is_serious}
    if any(sign in serious for sign in signs) or len(signs) >= 3:
        return "serious"
    return "some" if signs else "none"


def show_result(turn: Turn, signs: list[str]) -> None:
    """Explain the result with concrete next steps, and offer a person."""
    _ = turn._
    state = turn.state
    state.end_flow()
    result = level(signs)
    state.screening_summary = (
        f"ILO indicators answered yes ({len(signs)}/{len(QUESTIONS)}): "
        + (", ".join(signs) if signs else "none") + f"; level: {result}")
    if result == "none":
        text = _("Your answers show no signs of forced labour. Keep copies of your documents "
                 "and your contract, and come back if something changes.")
    elif result == "some":
        text = _("Your answers show some warning signs. Keep evidence (contract, pay records, "
                 "messages) and talk to a hotline operator about your options.")
    else:
        text = _("Your answers show serious signs of forced labour. This is not your fault, and "
                 "help exists. Keep your phone with you, don't sign anything you don't "
                 "understand, and talk to a person now. If you are in danger, call 112.")
    state.last_intent = "self_check"
    turn.say(text,
             [Button(_("Talk to a person"), actions.make("human"))],
             [Button(_("Signs of trafficking"), actions.make("topic", "trafficking_signs")),
              Button(_("Menu"), "menu")])
