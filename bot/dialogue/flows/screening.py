"""Check my situation: yes/no questions on the ILO forced-labour indicators, one at a time.

Answers stay in the conversation state; they reach an operator only if the person agrees.
The result never says "you are a victim": it names signs and next steps.
"""

from __future__ import annotations

from typing import Any

from bot.dialogue import actions, cues
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


# The same questions in plainer words, with examples (for "I don't understand").
EXPLANATIONS: dict[str, str] = {
    "deception": mark(
        "For example: you were promised 60,000 roubles a month and get 20,000, or a job in a "
        "shop and were sent to a building site. Is it like that?"),
    "retention_of_documents": mark(
        "Your passport is yours. Does the boss, a foreman or a landlord keep it \"for safety\" "
        "and not give it back when you ask?"),
    "restriction_of_movement": mark(
        "Can you go out when you are not working: to a shop, to see friends, to go home? Or "
        "is the door locked, or are you told you may not leave?"),
    "withholding_of_wages": mark(
        "Do you get the money you earned, on time? Or is it held back \"until the end of the "
        "season\", cut for no reason, or not paid?"),
    "debt_bondage": mark(
        "Do they say you owe them money (for the ticket, food, housing, documents), so you must "
        "keep working and the debt never gets smaller?"),
    "intimidation_and_threats": mark(
        "Has anyone said they will call the police or the migration service on you, have you "
        "deported, or hurt you or your family if you complain or leave?"),
    "physical_and_sexual_violence": mark(
        "Has anyone beaten you, pushed you, hurt you, or touched you or made you do sexual "
        "things against your will?"),
    "excessive_overtime": mark(
        "Do you have to work from early morning until late at night, or with no days off, "
        "and you cannot say no?"),
    "isolation": mark(
        "Are you kept where you cannot talk to other people, or has someone taken your phone "
        "or does not let you call home?"),
}


def start(turn: Turn, **_options: Any) -> None:
    """Explain the check and ask the first question."""
    _ = turn._
    state = turn.state
    state.flow, state.step, state.data = NAME, "0", {"yes": [], "unsure": []}
    turn.say(_("I will ask {count} short yes/no questions. Your answers stay private: an "
               "operator sees them only if you agree. You can stop at any time with /menu.")
             .format(count=len(QUESTIONS)))
    ask(turn, 0)


def ask(turn: Turn, index: int) -> None:
    """Ask one question with yes / no / not sure buttons."""
    _ = turn._
    _key, own, relative, _serious = QUESTIONS[index]
    question = _(relative) if turn.state.family_mode else _(own)
    turn.say(f"{index + 1}/{len(QUESTIONS)}. {question}", *answer_rows(turn, index),
             kind="check_question")


def answer_rows(turn: Turn, index: int) -> list[list[Button]]:
    """Return the answer buttons of one question."""
    _ = turn._
    return [[Button(_("Yes"), actions.make(NAME, index, "yes")),
             Button(_("No"), actions.make(NAME, index, "no")),
             Button(_("Not sure"), actions.make(NAME, index, "unsure"))],
            [Button(_("Stop the check"), "menu")]]


def explain(turn: Turn, index: int) -> None:
    """Say the current question again in plainer words, with examples."""
    _ = turn._
    key = QUESTIONS[index][0]
    turn.say(_(EXPLANATIONS[key]) + "\n\n" + _("If you are not sure, press \"Not sure\": that "
                                                  "is an answer too."),
             *answer_rows(turn, index), kind="explain")


def on_action(turn: Turn, args: list[str]) -> bool:
    """Record one answer; ignore presses of questions already answered."""
    state = turn.state
    if state.flow != NAME or len(args) != 2 or args[1] not in ("yes", "no", "unsure"):
        return False
    if not args[0].isdigit() or args[0] != state.step:
        turn.say(turn._("That question was already answered. Here is the current one."),
                 kind="check_question")
        ask(turn, int(state.step or 0))
        return True
    index = int(args[0])
    if args[1] == "yes":
        state.data["yes"].append(QUESTIONS[index][0])
    elif args[1] == "unsure":
        state.data.setdefault("unsure", []).append(QUESTIONS[index][0])
    if index + 1 < len(QUESTIONS):
        state.step = str(index + 1)
        ask(turn, index + 1)
    else:
        show_result(turn, list(state.data["yes"]), list(state.data.get("unsure", [])))
    return True


TYPED_ANSWERS = {"affirm": "yes", "deny": "no", "dont_know": "unsure"}


def on_text(turn: Turn, text: str) -> bool:
    """Accept a typed yes, no or "I don't know" as an answer; explain when not understood."""
    intent = turn.parse.intent if turn.parse else None
    step = turn.state.step or ""
    said = TYPED_ANSWERS.get(intent or "") or cues.yes_or_no(text)
    if said and step.isdigit():
        return on_action(turn, [step, said])
    if intent == "dont_understand" and step.isdigit():
        explain(turn, int(step))
        return True
    turn.state.end_flow()
    return False


def level(signs: list[str], unsure: list[str] | None = None) -> str:
    """Return 'none', 'some' or 'serious' for the indicators answered yes; an unsure answer
    counts as a warning sign (never as "no")."""
    serious = {key for key, _own, _rel, is_serious in QUESTIONS if is_serious}
    if any(sign in serious for sign in signs) or len(signs) >= 3:
        return "serious"
    return "some" if signs or unsure else "none"


def show_result(turn: Turn, signs: list[str], unsure: list[str] | None = None) -> None:
    """Explain the result with concrete next steps, and offer a person."""
    _ = turn._
    state = turn.state
    state.end_flow()
    unsure = unsure or []
    result = level(signs, unsure)
    state.screening_summary = (
        f"ILO indicators answered yes ({len(signs)}/{len(QUESTIONS)}): "
        + (", ".join(signs) if signs else "none")
        + (f"; not sure: {', '.join(unsure)}" if unsure else "") + f"; level: {result}")
    if result == "none":
        text = _("Your answers show no signs of forced labour. Keep copies of your documents "
                 "and your contract, and come back if something changes.")
    elif result == "some":
        text = _("Your answers show some warning signs. Keep evidence (contract, pay records, "
                 "messages) and talk to a hotline operator about your options.")
        if unsure:
            text += " " + _("Where you were not sure, an operator can help you find out.")
    else:
        text = _("Your answers show serious signs of forced labour. This is not your fault, and "
                 "help exists. Keep your phone with you, don't sign anything you don't "
                 "understand, and talk to a person now. If you are in danger, call 112.")
    state.last_intent = "self_check"
    turn.say(text,
             [Button(_("Talk to a person"), actions.make("human"))],
             [Button(_("Signs of trafficking"), actions.make("topic", "trafficking_signs")),
              Button(_("Menu"), "menu")], kind="check_result")
