"""Messages that continue the conversation: "what now", a place name, "I don't understand".

The second and third message of a conversation rarely open a new topic: they say where the
person is, ask for the next step, or say the answer was not clear. These are answered in the
context of the topic being talked about, with the next concrete step and a person.
"""

from __future__ import annotations

from bot.dialogue import actions, cues, urgent
from bot.dialogue.answers import show_answer, source_line, topic_title
from bot.dialogue.context import Turn
from bot.dialogue.model import Button
from bot.dialogue.numbers import numbers_for
from bot.dialogue.places import place_label
from bot.dialogue.situation import SHORT_PLACE_WORDS, says_only_where
from content.directory import find
from content.next_steps import get_next_step
from nlu.safety import signals
from nlu.types import Parse

# Topics whose answer depends on the country the person is in.
COUNTRY_TOPICS = frozenset({
    "passport_taken", "unpaid_wages", "deportation", "entry_ban", "control_list", "stay_rule",
    "work_documents", "urgent_danger", "hotline_numbers", "embassy_contacts", "return_home",
})
# Intents a short follow-up may be read as without meaning a new topic.
WEAK_INTENTS = frozenset({"help", "talk_to_human", "urgent_danger", "out_of_scope", "affirm",
                          "deny", "thanks", "greet", "goodbye", "hotline_numbers", "self_check"})
# Intents that say nothing about a topic: a short message read so is vague.
VAGUE_INTENTS = frozenset({"out_of_scope", "affirm", "deny", "thanks", "greet", "help",
                           "goodbye", "dont_know", "dont_understand"})
WHAT_NOW_MAX_WORDS = 8
# Topics with a next step (content/<lang>/next_steps.yml): asked twice, the next step follows.
STEP_TOPICS = frozenset({
    "recruitment_fees", "agency_check", "job_offer_check", "entry_ban", "control_list",
    "stay_rule", "work_documents", "trafficking_signs", "passport_taken", "unpaid_wages",
    "hotline_numbers", "family_concern", "return_home", "embassy_contacts", "deportation",
    "military_recruitment", "pre_departure"})
# A short message naming a place is read as "this is where I am" unless the parser is at
# least this sure it asks something ("Россияга кирүүгө тыюу барбы" is about the entry ban).
PLACE_ONLY_BELOW = 0.7


def place_answers_question(turn: Turn, text: str) -> bool:
    """A bare place name after the bot asked where, or during a topic: whatever the parser
    makes of it, it says where the person is."""
    parse = turn.parse
    if parse is None or not says_only_where(parse, text):
        return False
    situation = turn.state.situation
    if situation.awaiting != "country" and topic_of(turn) is None and not situation.pending:
        return False
    answer_place(turn, topic_of(turn))
    return True


def after_danger(turn: Turn, text: str) -> bool:
    """"Please help" right after the emergency block: the next step and a person now."""
    if topic_of(turn) != "urgent_danger" or turn.state.situation.awaiting:
        return False
    if cues.word_count(text) > WHAT_NOW_MAX_WORDS or not cues.asks_what_now(text):
        return False
    show_next_step(turn, "urgent_danger")
    return True


TROUBLE_MAX_WORDS = 14
# Readings that still say nothing about what is wrong at work.
UNSPECIFIC = VAGUE_INTENTS | {"urgent_danger", "self_check", "trafficking_signs",
                              "job_offer_check"}


def vague_trouble(turn: Turn, text: str) -> bool:
    """"It is bad at work, I don't know what to do": ask what is happening, with the common
    troubles as buttons and "I am in danger" first, instead of guessing a topic."""
    parse = turn.parse
    if parse is None or cues.word_count(text) > TROUBLE_MAX_WORDS:
        return False
    if not cues.speaks_of_trouble_at_work(text) or signals(text).strong or signals(text).medium:
        return False  # "I don't feel safe" too: that is the danger question's
    unspecific = parse.intent in UNSPECIFIC or (
        parse.intent == "family_concern" and not cues.relative_in(text))
    specific = not unspecific and parse.confidence >= PLACE_ONLY_BELOW
    if specific:
        return False
    _ = turn._

    def topic(name: str) -> Button:
        return Button(topic_title(name, turn.language), actions.make("topic", name))

    turn.say(_("I am sorry it is hard. What is happening at work? Write it in your own words, "
               "or pick what is closest:"),
             [Button(_("I am in danger now"), actions.make("urgent", "now"))],
             [topic("unpaid_wages"), topic("passport_taken")],
             [topic("self_check"), Button(_("Talk to a person"), "human")],
             kind="ask_what_happened")
    return True


def topic_of(turn: Turn) -> str | None:
    """Return the topic being talked about (the last answered one)."""
    return turn.state.last_intent


def continues(turn: Turn, text: str) -> bool:
    """Answer a follow-up in the context of the current topic; return False when the message
    is not one."""
    parse = turn.parse
    topic = topic_of(turn)
    if parse is None:
        return False
    if says_only_where(parse, text) and (short_and_vague(parse, text) or parse.intent == topic):
        answer_place(turn, topic)
        return True
    short = cues.word_count(text) <= WHAT_NOW_MAX_WORDS
    pending = turn.state.situation.pending
    if topic is None and pending and short and cues.asks_what_now(text):
        show_answer(turn, pending[0])  # "where do I start?" after several needs were named
        return True
    if topic is None:
        return False
    vague = (parse.intent in WEAK_INTENTS or parse.intent == topic or parse.confidence < 0.8
             or parse.intent in ("dont_understand", "dont_know"))  # "анан эмне" read so
    if short and vague and (cues.asks_what_now(text) or cues.contract_status(text)):
        # "what now", or "no, I have no contract": the next step, knowing what was said
        show_next_step(turn, topic)
        return True
    return False


def short_and_vague(parse: Parse, text: str) -> bool:
    """Return True for a short message the parser cannot tie to a topic ("in Chekhov")."""
    return cues.word_count(text) <= SHORT_PLACE_WORDS and (
        parse.intent in VAGUE_INTENTS or parse.confidence < PLACE_ONLY_BELOW)


def answer_place(turn: Turn, topic: str | None) -> None:
    """The person said where they are: numbers after danger, the country's answer otherwise."""
    _ = turn._
    situation = turn.state.situation
    place = place_label(situation, turn.language) or ""
    country = situation.country
    assert country is not None
    if situation.awaiting == "country" or topic == "urgent_danger":
        urgent.show_numbers(turn, country, place)
        return
    if topic == "family_concern" or (topic in COUNTRY_TOPICS and turn.state.family_mode):
        turn.say(_("Noted: {place}.").format(place=place), kind="place_noted")
        turn.say(_("Where your relative can turn there, and the Kyrgyz missions:") + "\n\n"
                 + help_in_country(turn, country),
                 [Button(_("Talk to a person"), "human"), Button(_("Menu"), "menu")],
                 kind="numbers")
        return
    if topic in COUNTRY_TOPICS:
        turn.say(_("Noted: {place}.").format(place=place), kind="place_noted")
        show_answer(turn, topic)
        return
    if situation.pending:  # several needs were named: they are still the choice
        buttons = [[Button(topic_title(name, turn.language), actions.make("topic", name))]
                   for name in situation.pending]
        turn.say(_("Noted: {place}. Which shall we start with?").format(place=place),
                 *buttons, [Button(_("Talk to a person"), "human")], kind="place_noted")
        return
    turn.say(_("Noted: {place}. What would you like to know? Write your question, or pick a "
               "topic.").format(place=place),
             [Button(_("Menu"), "menu"), Button(_("Talk to a person"), "human")],
             kind="place_noted")


def help_in_country(turn: Turn, country: str) -> str:
    """Return the emergency lines, hotlines and Kyrgyz missions of a country as HTML."""
    missions = [c for c in find(country=country) if c.kind in ("embassy", "consulate")]
    parts = [numbers_for(turn, country), *(c.render(turn.language) for c in missions)]
    return "\n\n".join(part for part in parts if part)


def show_next_step(turn: Turn, topic: str) -> None:
    """Reply with the next concrete step on a topic, and a person."""
    _ = turn._
    state = turn.state
    person = [Button(_("Talk to a person"), "human")]
    if topic == "urgent_danger" or state.situation.danger:
        person = [Button(_("Talk to a person now"), actions.make("urgent", "human"))]
    step = get_next_step(topic, turn.language)
    if step is None:
        turn.say(_("The next step is to talk it through with a hotline operator: they can look "
                   "at your case and tell you what to do. It is anonymous."),
                 person, [Button(_("Menu"), "menu")], kind=f"next_step:{topic}")
        return
    body = step.family if state.family_mode and step.family else step.short
    if state.country and topic in ("urgent_danger", "passport_taken", "hotline_numbers"):
        body += "\n\n" + numbers_for(turn, state.country)
    turn.say(f"{body}\n\n{source_line(turn, step)}", person, [Button(_("Menu"), "menu")],
             kind=f"next_step:{topic}")


def explain_topic(turn: Turn) -> None:
    """The person did not understand the last answer: say how to go on, in plain words."""
    _ = turn._
    topic = topic_of(turn)
    rows: list[list[Button]] = [[Button(_("Talk to a person"), "human")]]
    if topic:
        rows.append([Button(_("What do I do next?"), actions.make("next", topic)),
                     Button(_("Menu"), "menu")])
    turn.say(_("Sorry, I was not clear. Tell me in your own words what happened, and I will "
               "try again: for example \"my boss keeps my passport\" or \"I came to Russia on "
               "5 March\". A hotline operator can also explain it to you."),
             *rows, kind="explain")
