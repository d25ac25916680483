"""One person's turn end to end: one load, the dialogue, one commit of every stored effect.

A front end loads a person's `Session` once per event (`load`), lets the service answer it
(`answer` parses off the event loop, `run` does the rest), and only then sends the replies:
every storage effect of the turn (state, user row, campaign count, or /forget across the
bot's and the hotline's tables) is written in one transaction before anything goes out, so a
failed send loses nothing and /forget is never half done.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from bot.dialogue import ConversationState, Dialogue, Incoming, Outcome
from bot.pseudonym import Pseudonymizer
from bot.storage import write_transaction
from bot.users import OTHER_CAMPAIGN, UserStore
from nlu.types import Parse
from sapar_core.sqlite import erase_deleted

PARSE_THREADS = 4
"""Threads parsing typed messages at once. The parse is mostly Python (it holds the GIL) around
one embedding (which does not): a few threads let the embedding worker batch the texts that
wait; with 64 chats in flight two or three parsed too few at a time (151 and 158 mixed
updates/s against 184 with four or six), and more only take the GIL from the event loop."""

# deletes a person's rows of another package (the hotline's cases) on the service's connection
# inside the /forget transaction, committing nothing itself; returns what the front end needs
# for its notices
Eraser = Callable[[Database, str], list[Any]]


@dataclass
class Session:
    """A person's stored state, loaded once for one event."""

    user_key: str
    state: ConversationState
    known: bool  # a user row exists


@dataclass
class TurnResult:
    """The dialogue's outcome plus who it was for (by pseudonym) and their state after it."""

    user_key: str
    state: ConversationState
    outcome: Outcome
    erased: list[Any] = field(default_factory=list)  # what the erasers returned on /forget


class ChatService:
    """Load a person's state, let the dialogue answer, commit what changed in one go."""

    def __init__(self, db: Database, dialogue: Dialogue, pseudonymizer: Pseudonymizer,
                 default_language: str, campaign_tags: frozenset[str] = frozenset()) -> None:
        self.db = db
        self.users = UserStore(db)
        self.campaign_tags = campaign_tags  # anything else is counted as "other"
        self.dialogue = dialogue
        self.pseudonymizer = pseudonymizer
        self.default_language = default_language
        self.erasers: list[Eraser] = []
        # where a person's hand-off stands ("waiting", "active" or None), read from the
        # hotline's cases at every load: the flag saved with the state is never trusted
        self.handoff_of: Callable[[Database, str], str | None] | None = None
        self._parsers: ThreadPoolExecutor | None = None

    def on_connection(self, db: Database) -> ChatService:
        """Return the same service on another connection (the database thread's)."""
        twin = ChatService(db, self.dialogue, self.pseudonymizer, self.default_language,
                           self.campaign_tags)
        twin.erasers = list(self.erasers)
        twin.handoff_of = self.handoff_of
        twin._parsers = self._parser_pool()  # one pool for both
        return twin

    def _parser_pool(self) -> ThreadPoolExecutor:
        if self._parsers is None:
            self._parsers = ThreadPoolExecutor(PARSE_THREADS, thread_name_prefix="sapar-parse")
        return self._parsers

    # ----- load -----------------------------------------------------------------------------

    def load(self, chat_id: int | str) -> Session:
        """Return the session of a chat (one query; a fresh state for a new person)."""
        return self.load_key(self.pseudonymizer.user_key(chat_id))

    def load_key(self, user_key: str) -> Session:
        """Return the session of a pseudonym (the web chat's resumed sessions)."""
        stored = self.users.load(user_key)
        if stored is None:
            session = Session(user_key,
                              ConversationState.from_dict(None, self.default_language),
                              known=False)
        else:
            language, state = stored
            session = Session(user_key, ConversationState.from_dict(state, language), known=True)
        if self.handoff_of is not None and session.known:
            # a person without a user row has no case: a case opens only after a turn saved
            # the row, and /forget deletes the row and the cases in one transaction
            session.state.handoff = self.handoff_of(self.db, user_key)
        return session

    def state_for(self, chat_id: int | str) -> tuple[str, ConversationState]:
        """Return a person's pseudonym and saved state (a fresh one for a new person)."""
        session = self.load(chat_id)
        return session.user_key, session.state

    def state_of(self, user_key: str) -> ConversationState:
        """Return the saved state of a pseudonym (a fresh one for a new person)."""
        return self.load_key(user_key).state

    # ----- answer ---------------------------------------------------------------------------

    def understand(self, session: Session, text: str) -> Parse:
        """Parse a message in the person's language (slow: run it off the event loop)."""
        return self.dialogue.understand(text, session.state)

    async def understand_off_loop(self, session: Session, text: str) -> Parse:
        """`understand` in one of the PARSE_THREADS parsing threads (the event loop goes on)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._parser_pool(),
                                          functools.partial(self.understand, session, text))

    async def answer(self, session: Session, incoming: Incoming) -> TurnResult:
        """Answer one event: parse typed text in a parsing thread, then `run`."""
        parse = None
        if incoming.text is not None and incoming.command is None:
            parse = await self.understand_off_loop(session, incoming.text)
        return self.run(session, incoming, parse)

    def run(self, session: Session, incoming: Incoming, parse: Parse | None = None
            ) -> TurnResult:
        """Let the dialogue answer and commit every stored effect in one transaction."""
        outcome = self.dialogue.handle(session.state, incoming, parse)
        result = TurnResult(session.user_key, session.state, outcome)
        if outcome.effect("forget"):
            result.erased = self.forget(session.user_key)
            return result
        with write_transaction(self.db):
            self.users.save_turn(session.user_key, session.state.language,
                                 session.state.to_dict())
            campaign = outcome.effect("campaign")
            if campaign:
                tag = str(campaign.data["tag"])
                # a free-form tag can be an id, a username or a phone number: never store it
                self.users.count_campaign(tag if tag in self.campaign_tags else OTHER_CAMPAIGN)
        session.known = True
        return result

    def save(self, session: Session) -> None:
        """Store a session's state again after a front end's effect changed it (a hand-off)."""
        with write_transaction(self.db):
            self.users.save_turn(session.user_key, session.state.language,
                                 session.state.to_dict())
        session.known = True

    def forget(self, user_key: str) -> list[Any]:
        """Delete everything about a person in one transaction, then scrub the files.

        Return what the erasers returned (the hotline's open cases, for operators' notices).
        """
        erased: list[Any] = []
        with write_transaction(self.db):
            for eraser in self.erasers:
                erased.extend(eraser(self.db, user_key))
            self.users.forget(user_key)
        erase_deleted(self.db)  # the WAL still holds the deleted rows until checkpointed
        return erased

    # ----- compatibility for the front ends that answer by chat id or pseudonym -------------

    def handle(self, chat_id: int | str, incoming: Incoming, parse: Parse | None = None
               ) -> TurnResult:
        """Answer one event from a private chat and persist the result."""
        return self.run(self.load(chat_id), incoming, parse)

    def handle_key(self, user_key: str, incoming: Incoming, parse: Parse | None = None
                   ) -> TurnResult:
        """Answer one event of a person known by pseudonym (the web chat's resumed sessions)."""
        return self.run(self.load_key(user_key), incoming, parse)
