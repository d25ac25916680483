"""The dialogue core: route one incoming event to an answer, a flow or a command."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.dialogue import actions, cues, followup, situation, urgent
from bot.dialogue.answers import show_answer, show_more, topic_title
from bot.dialogue.context import Turn
from bot.dialogue.flows import FLOWS, stay
from bot.dialogue.model import Button, ConversationState, Incoming, Outcome
from bot.dialogue.places import place_label
from content.answers import get_answer, is_subtopic
from nlu.intents import INTENTS, LANGUAGES
from nlu.types import Parse, Parser

MAX_PARSE_CHARS = 1000
LANGUAGE_NAMES = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}
# Intents whose answer is a flow or a command rather than a text.
FLOW_INTENTS = {"self_check": "check", "ngo_help": "find", "agency_check": "agency"}
MENU_TOPICS = ("recruitment_fees", "entry_ban", "stay_rule", "work_documents",
               "trafficking_signs")
# Intents that are not a topic of their own (never offered as "what you may have meant").
NOT_TOPICS = frozenset({"out_of_scope", "affirm", "deny", "dont_understand", "dont_know"})
MAX_NEEDS_OFFERED = 3
# A message this long is a story: its parse is trusted down to a lower confidence (on the
# real-style set, 93% of long messages parsed at 0.45-0.6 were right).
LONG_MESSAGE_WORDS = 16
LONG_MESSAGE_CLARIFY_BELOW = 0.45
# Topics so close that a message naming both is one need (the answers link to each other).
NEIGHBOURS = frozenset(frozenset(pair) for pair in (
    ("stay_rule", "work_documents"), ("agency_check", "recruitment_fees"),
    ("recruitment_fees", "job_offer_check"), ("agency_check", "job_offer_check"),
    ("entry_ban", "control_list"), ("entry_ban", "deportation"),
    ("trafficking_signs", "self_check"), ("hotline_numbers", "ngo_help"),
    ("embassy_contacts", "hotline_numbers"), ("pre_departure", "work_documents"),
    ("military_recruitment", "deportation"),  # the offer is made to people facing deportation
    ("job_offer_check", "work_documents"),  # the offer's answer asks for the contract
    ("stay_rule", "entry_ban"), ("stay_rule", "deportation"),  # an overstay's answer gives
    # the ban or the expulsion it brings
))


class Dialogue:
    """Answer people: one call per incoming text, button press, command or media."""

    def __init__(self, parser: Parser, clarify_below: float = 0.45,
                 today: Callable[[], date] = date.today,
                 situation_days: int = situation.DEFAULT_TTL_DAYS) -> None:
        self.parser = parser
        self.clarify_below = clarify_below
        self.today = today
        self.situation_days = situation_days

    def understand(self, text: str, state: ConversationState) -> Parse:
        """Run the parser on a message (slow part: callers may run it off the event loop)."""
        return self.parser.parse(text[:MAX_PARSE_CHARS], language_hint=state.language,
                                 today=self.today())

    def handle(self, state: ConversationState, incoming: Incoming,
               parse: Parse | None = None) -> Outcome:
        """Answer one event; `state` is updated in place and must be saved by the caller."""
        if incoming.text is not None and incoming.command is None:
            return self._handle_text(state, incoming.text, parse)
        turn = Turn(state=state, language=state.language, today=self.today())
        situation.refresh(state, turn.today, self.situation_days)
        if incoming.command is not None:
            self._handle_command(turn, incoming.command, incoming.args)
        elif incoming.action is not None:
            self._handle_action(turn, incoming.action)
        else:
            self._handle_media(turn, incoming.media or "unknown")
        situation.mark_seen(state, turn.today)
        return turn.outcome

    # ----- free text -------------------------------------------------------------------------

    def _handle_text(self, state: ConversationState, text: str, parse: Parse | None) -> Outcome:
        text = text[:MAX_PARSE_CHARS]
        if not text.strip():
            turn = Turn(state=state, language=state.language, today=self.today())
            show_menu(turn)
            return turn.outcome
        parse = parse or self.understand(text, state)
        language = parse.language if parse.language in LANGUAGES else state.language
        turn = Turn(state=state, language=language, today=self.today(), parse=parse, text=text)
        if not state.language_chosen:
            state.language = language
        for value in parse.entity_values("region"):
            state.region = value
        situation.refresh(state, turn.today, self.situation_days)
        situation.observe(state, parse, text)
        self._answer_text(turn, text)
        if state.language_chosen and language != state.language:
            self._offer_switch(turn, language)
        situation.mark_seen(state, turn.today)
        return turn.outcome

    def _answer_text(self, turn: Turn, text: str) -> None:
        """Choose what answers a message: danger first, then the open question or flow, then
        a follow-up of the topic being talked about, then the topic(s) of the message."""
        state = turn.state
        parse = turn.parse
        assert parse is not None
        awaiting = state.situation.awaiting
        if followup.place_answers_question(turn, text) or followup.after_danger(turn, text):
            return
        if parse.intent == "urgent_danger" and parse.urgency != "weak":
            urgent.respond(turn)
            return
        if awaiting is None and followup.vague_trouble(turn, text):
            return
        if parse.intent == "urgent_danger" and awaiting != "danger":
            urgent.check_danger(turn, self._other_topic(parse))
            return
        if awaiting == "danger" and parse.intent in ("affirm", "deny", "urgent_danger"):
            if parse.intent == "deny":
                urgent.not_in_danger(turn)
            else:
                urgent.respond(turn)
            return
        if awaiting == "country" and state.country and situation.mentions_place(parse):
            urgent.show_numbers(turn, state.country, place_label(state.situation, turn.language))
            return
        if awaiting == "country" and (parse.intent in ("dont_know", "dont_understand")
                                      or followup.short_and_vague(parse, text)):
            urgent.ask_country(turn, again=True)
            return
        state.situation.awaiting = None
        if state.flow in FLOWS and FLOWS[state.flow].on_text(turn, text):
            return
        if followup.continues(turn, text):
            pass
        elif parse.intent == "dont_understand":
            followup.explain_topic(turn)
        elif len(self._needs(parse, text)) > 1:
            self._offer_needs(turn, self._needs(parse, text))
        elif len(parse.needs) > 1 and self._needs(parse, text):
            self._route_intent(turn, self._needs(parse, text)[0])  # the needs were one after all
        elif parse.intent in ("affirm", "deny", "dont_know") and state.flow is None:
            if state.last_intent in followup.STEP_TOPICS:  # "ok", "no", "and if not?"
                followup.show_next_step(turn, state.last_intent)
            elif state.situation.pending:  # "no, he doesn't hit me" after the needs were named
                show_answer(turn, state.situation.pending[0])
            else:
                show_menu(turn, intro=turn._("What would you like to know?"))
        elif (parse.confidence < self._clarify_below(text) and state.family_mode
              and "family_concern" in (name for name, _score in parse.ranking[:2])):
            self._route_intent(turn, "family_concern")  # a relative's worry, told unclearly
        elif parse.confidence < self._clarify_below(text) and parse.intent not in (
                "greet", "thanks"):
            self._clarify(turn)
        else:
            self._route_intent(turn, parse.intent)

    def _clarify_below(self, text: str) -> float:
        """Return the confidence under which to ask back: a long story spreads the parser's
        confidence over its parts, so it is asked about less readily."""
        if cues.word_count(text) >= LONG_MESSAGE_WORDS:
            return min(self.clarify_below, LONG_MESSAGE_CLARIFY_BELOW)
        return self.clarify_below

    @staticmethod
    def _other_topic(parse: Parse) -> str | None:
        """Return the best reading of a message that is not danger (for "not right now")."""
        for name in (*parse.needs, *(name for name, _score in parse.ranking)):
            if name in INTENTS and name != "urgent_danger" and name not in NOT_TOPICS:
                return name
        return None

    @staticmethod
    def _needs(parse: Parse, text: str) -> list[str]:
        """Return the distinct topics of a message that are worth offering as choices: a
        relative's worry is answered as one, and a need next to one already named (the
        90-day rule beside work documents) is reached from that answer's buttons. A relative's
        worry beside a concrete topic is that topic (its answer speaks to families too), and
        going home is no need of someone who says they are home."""
        needs: list[str] = []
        at_home = cues.says_at_home(text)
        for position, name in enumerate(parse.needs):
            if name not in INTENTS or name in NOT_TOPICS or name in needs:
                continue
            if any(frozenset((name, kept)) in NEIGHBOURS for kept in needs):
                continue
            if (name == "family_concern" and position > 0) or (name == "return_home" and at_home):
                continue
            needs.append(name)
        if needs[:1] == ["family_concern"]:
            return needs[:1]
        return needs[:MAX_NEEDS_OFFERED]

    def _offer_needs(self, turn: Turn, needs: list[str]) -> None:
        """A message holds several needs: name them and let the person choose the first."""
        _ = turn._
        state = turn.state
        if state.flow is not None:
            state.end_flow()
        state.situation.pending = list(needs)
        titles = ", ".join(topic_title(name, turn.language) for name in needs)
        buttons = [[Button(topic_title(name, turn.language), actions.make("topic", name))]
                   for name in needs]
        turn.say(_("I see several things in your message: {topics}. Which shall we start "
                   "with?").format(topics=titles),
                 *buttons, [Button(_("Talk to a person"), "human")], kind="needs")

    def _route_intent(self, turn: Turn, intent: str) -> None:
        _ = turn._
        state = turn.state
        if intent != "ngo_help" and state.flow is not None:
            state.end_flow()
        counts = (intent in stay.COUNT_INTENTS and turn.country in (None, "RU")
                  and (stay.has_stay_facts(turn) or stay.asks_to_count(turn)))
        if (intent == state.last_intent and turn.language == state.last_language and turn.text
                and intent in followup.STEP_TOPICS and not counts):
            followup.show_next_step(turn, intent)  # asked again: go on, don't repeat
            return
        if intent == "greet":
            show_welcome(turn, short=True)
        elif intent == "help":
            show_menu(turn)
        elif intent == "change_language":
            show_language_picker(turn)
        elif intent == "talk_to_human":
            FLOWS["handoff"].start(turn)
        elif intent == "delete_data":
            ask_forget(turn)
        elif intent == "family_concern":
            state.family_mode = True
            show_answer(turn, intent)
        elif intent == "ngo_help" and state.region:
            FLOWS["find"].start(turn)
        elif intent in FLOW_INTENTS:
            show_answer(turn, intent)
            FLOWS[FLOW_INTENTS[intent]].start(turn)
        elif counts:  # the calculator counts Russia's rule only
            FLOWS["stay"].start(turn)
        else:
            show_answer(turn, intent)

    def _clarify(self, turn: Turn) -> None:
        _ = turn._
        parse = turn.parse
        assert parse is not None
        candidates = [name for name, _score in parse.ranking if name in INTENTS
                      and name not in NOT_TOPICS][:2]
        if not candidates:
            show_answer(turn, "out_of_scope")
            return
        buttons = [Button(topic_title(name, turn.language), actions.make("topic", name))
                   for name in candidates]
        turn.say(_("I am not sure I understood. Did you mean one of these?"), buttons,
                 [Button(_("Menu"), "menu"), Button(_("Talk to a person"), "human")],
                 kind="clarify")

    def _offer_switch(self, turn: Turn, language: str) -> None:
        _ = turn._
        turn.say(_("Shall I answer in {language} from now on?").format(
            language=LANGUAGE_NAMES[language]),
            [Button(_("Yes, switch"), actions.make("lang", language))], kind="language_offer")

    # ----- commands --------------------------------------------------------------------------

    def _handle_command(self, turn: Turn, command: str, args: str) -> None:
        state = turn.state
        if command == "start":
            payload = args.strip().split()[0] if args.strip() else ""
            if payload in LANGUAGES:
                state.language = turn.language = payload
                state.language_chosen = True
            elif payload and actions.ACTION.match(f"c:{payload}"):
                turn.effect("campaign", tag=payload[:24])
            state.end_flow()
            show_welcome(turn, short=False)
        elif command in ("menu", "help"):
            state.end_flow()
            show_menu(turn)
        elif command == "language":
            show_language_picker(turn)
        elif command == "human":
            state.end_flow()
            FLOWS["handoff"].start(turn)
        elif command == "privacy":
            show_more(turn, "privacy")
        elif command == "forget":
            ask_forget(turn)
        elif command == "hide":
            turn.effect("hide")
        elif command == "stop":
            FLOWS["handoff"].stop(turn)
        elif command in ("reminders", "alerts"):
            FLOWS["remind" if command == "reminders" else "alerts"].start(turn)
        else:
            turn.say(turn._("I don't know that command. Here is the menu."))
            show_menu(turn)

    # ----- buttons ---------------------------------------------------------------------------

    def _handle_action(self, turn: Turn, action: str) -> None:
        _ = turn._
        state = turn.state
        parsed = actions.split(action)
        if parsed is None:
            turn.say(_("That button is no longer valid. Here is the menu."))
            show_menu(turn)
            return
        name, args = parsed
        if name == "menu":
            state.end_flow()
            show_menu(turn)
        elif name == "topic" and args and args[0] in INTENTS:
            if args[0] == "talk_to_human":
                FLOWS["handoff"].start(turn)
            elif args[0] == "urgent_danger":  # e.g. picked from a clarifying question
                urgent.respond(turn)
            elif args[0] in FLOW_INTENTS:
                self._route_intent(turn, args[0])
            else:
                state.end_flow()
                show_answer(turn, args[0])
        elif name == "next" and args and args[0] in INTENTS:
            followup.show_next_step(turn, args[0])
        elif name == "topic" and args and is_subtopic(args[0]):
            state.end_flow()
            show_answer(turn, args[0])
        elif name == "more" and args and (args[0] in INTENTS or is_subtopic(args[0])):
            if args[1:2] and args[1] in LANGUAGES:  # the language the short answer was in
                turn.language = args[1]
            show_more(turn, args[0])
        elif name == "lang" and args == ["pick"]:
            show_language_picker(turn)
        elif name == "lang" and args and args[0] in LANGUAGES:
            state.language = turn.language = args[0]
            state.language_chosen = True
            turn.say(turn._("I will answer in {language}.").format(
                language=LANGUAGE_NAMES[args[0]]))
            show_menu(turn)
        elif name == "family" and args in (["on"], ["off"]):
            state.family_mode = args[0] == "on"
            turn.say(_("Fine: I will word answers for someone asking about a relative.")
                     if state.family_mode else _("Fine: I will answer about yourself."))
            show_menu(turn)
        elif name == "forget" and args == ["ask"]:
            ask_forget(turn)
        elif name == "forget" and args == ["yes"]:
            state.reset()
            turn.effect("forget")
            turn.say(_("Done. Everything we kept about you has been deleted."),
                     [Button(_("Menu"), "menu")], kind="forget_done")
        elif name == "forget" and args == ["no"]:
            turn.say(_("Nothing was deleted."), [Button(_("Menu"), "menu")])
        elif name == "hide":
            turn.effect("hide")
        elif name == "human":
            FLOWS["handoff"].start(turn)
        elif name == "urgent":
            urgent.on_action(turn, args)
        elif name == "flow" and args and args[0] in FLOWS:
            FLOWS[args[0]].start(turn)
        elif name in FLOWS and FLOWS[name].on_action(turn, args):
            pass
        else:
            turn.say(_("That button is no longer valid. Here is the menu."))
            show_menu(turn)

    # ----- media -----------------------------------------------------------------------------

    def _handle_media(self, turn: Turn, media: str) -> None:
        _ = turn._
        if media == "voice":
            text = _("I cannot listen to voice messages myself, but a hotline operator can: "
                     "press \"Talk to a person\" and send it again in that chat. Or type your "
                     "question here.")
        elif media in ("contact", "location"):
            text = _("I did not save what you shared: I don't need your contact or location. "
                     "Please type your question.")
        elif media == "sticker":
            text = _("I understand only text. Please type your question or pick a topic.")
        else:
            text = _("I can only read text here. Please type your question, "
                     "or talk to a person if you want to send a file.")
        turn.say(text, [Button(_("Talk to a person"), "human"), Button(_("Menu"), "menu")],
                 kind="media")


def show_welcome(turn: Turn, short: bool) -> None:
    """Greet the person: what the bot does and does not, the privacy promise, languages."""
    _ = turn._
    if short:
        answer = get_answer("greet", turn.language)
        text = answer.short if answer else _("Hello!")
        turn.say(text, kind="welcome")
        show_menu(turn)
        return
    turn.say(
        _("<b>Salam! I am Sapar, a safe-migration assistant.</b>\n"
          "I answer questions on work abroad: agencies and fees, the Russian entry ban and "
          "control list, the 90-day rule, documents, and signs of trafficking. "
          "I can connect you with a hotline operator.\n"
          "I am not a lawyer or the police, and I cannot check your name in official lists.")
        + "\n\n" + _("<b>Privacy:</b> I do not keep your name, number or Telegram id. "
                     "Operators see only a case code. /forget deletes everything."),
        [Button(name, actions.make("lang", code)) for code, name in LANGUAGE_NAMES.items()],
        kind="welcome",
    )
    show_menu(turn)


def show_menu(turn: Turn, intro: str | None = None) -> None:
    """Show the topic menu."""
    _ = turn._
    rows: list[list[Button]] = [
        [Button(topic_title(name, turn.language), actions.make("topic", name))]
        for name in MENU_TOPICS
    ]
    rows.append([Button(_("Check my situation"), "flow:check"),
                 Button(_("Count my days"), "flow:stay")])
    rows.append([Button(_("Talk to a person"), "human"),
                 Button(_("Find help near me"), "flow:find")])
    rows.append([Button(_("For families"), actions.make("topic", "family_concern")),
                 Button(_("Language"), "lang:pick")])
    turn.say(intro or _("Choose a topic, or just write your question."), *rows, kind="menu")


def show_language_picker(turn: Turn) -> None:
    """Offer the three languages."""
    turn.say(turn._("Choose a language:"),
             [Button(name, actions.make("lang", code)) for code, name in LANGUAGE_NAMES.items()],
             kind="language_pick")


def ask_forget(turn: Turn) -> None:
    """Ask for confirmation before deleting everything about the person."""
    _ = turn._
    turn.say(_("Delete everything we keep about you (language, settings, conversation and "
               "hotline cases)? This cannot be undone."),
             [Button(_("Yes, delete"), "forget:yes"), Button(_("No"), "forget:no")],
             kind="forget_ask")
