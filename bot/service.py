"""One person's turn end to end: pseudonym, stored state, dialogue, and the stored effects."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from bot.dialogue import ConversationState, Dialogue, Incoming, Outcome
from bot.pseudonym import Pseudonymizer
from bot.storage import erase_deleted
from bot.users import OTHER_CAMPAIGN, UserStore
from nlu.types import Parse


@dataclass
class TurnResult:
    """The dialogue's outcome plus who it was for (by pseudonym) and their state after it."""

    user_key: str
    state: ConversationState
    outcome: Outcome


class ChatService:
    """Load a person's state, let the dialogue answer, save what changed, apply forgetting."""

    def __init__(self, db: Database, dialogue: Dialogue, pseudonymizer: Pseudonymizer,
                 default_language: str, campaign_tags: frozenset[str] = frozenset()) -> None:
        self.users = UserStore(db)
        self.campaign_tags = campaign_tags  # anything else is counted as "other"
        self.dialogue = dialogue
        self.pseudonymizer = pseudonymizer
        self.default_language = default_language

    def state_for(self, chat_id: int | str) -> tuple[str, ConversationState]:
        """Return a person's pseudonym and saved state (a fresh one for a new person)."""
        user_key = self.pseudonymizer.user_key(chat_id)
        return user_key, self.state_of(user_key)

    def state_of(self, user_key: str) -> ConversationState:
        """Return the saved state of a pseudonym (a fresh one for a new person)."""
        record = self.users.get(user_key)
        language = record.language if record else self.default_language
        return ConversationState.from_dict(self.users.load_state(user_key), language)

    def handle(self, chat_id: int | str, incoming: Incoming, parse: Parse | None = None
               ) -> TurnResult:
        """Answer one event from a private chat and persist the result."""
        return self.handle_key(self.pseudonymizer.user_key(chat_id), incoming, parse)

    def handle_key(self, user_key: str, incoming: Incoming, parse: Parse | None = None
                   ) -> TurnResult:
        """Answer one event of a person known by pseudonym (the web chat's resumed sessions)."""
        state = self.state_of(user_key)
        outcome = self.dialogue.handle(state, incoming, parse)
        if outcome.effect("forget"):
            self.users.forget(user_key)
            erase_deleted(self.users.db)
            return TurnResult(user_key, state, outcome)
        record = self.users.touch(user_key, state.language)
        if record.language != state.language:
            record.language = state.language
            self.users.save(record)
        self.users.save_state(user_key, state.to_dict())
        campaign = outcome.effect("campaign")
        if campaign:
            tag = str(campaign.data["tag"])
            # a free-form tag can be an id, a username or a phone number: never store it
            self.users.count_campaign(tag if tag in self.campaign_tags else OTHER_CAMPAIGN)
        return TurnResult(user_key, state, outcome)
