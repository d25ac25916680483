"""The transport-free dialogue core: (state, incoming, language) -> replies and effects."""

from bot.dialogue.core import Dialogue
from bot.dialogue.model import (
    Button,
    ConversationState,
    Effect,
    Incoming,
    Outcome,
    Reply,
)

__all__ = ["Button", "ConversationState", "Dialogue", "Effect", "Incoming", "Outcome", "Reply"]
