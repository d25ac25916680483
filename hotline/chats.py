"""The one list of operators' chats: the hotline's own and every partner desk's.

The gate, the operator handlers, the routing of new cases and transfers all read it from here,
so a chat is either an operators' chat everywhere or nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from content import directory

MAIN = "hotline"  # the name of the hotline's own desk (partners go by their directory key)


@dataclass(frozen=True)
class OperatorChats:
    """Operators' chats by desk name: the hotline's chat and partner NGOs' chats."""

    main: int
    partners: dict[str, int] = field(default_factory=dict)

    @property
    def ids(self) -> frozenset[int]:
        """Every chat whose members act as operators."""
        return frozenset({self.main, *self.partners.values()})

    def __contains__(self, chat_id: object) -> bool:
        return chat_id in self.ids

    def desk_of(self, chat_id: int) -> str | None:
        """Return the desk name of a chat (MAIN or a partner's key), None for other chats."""
        if chat_id == self.main:
            return MAIN
        return next((key for key, chat in self.partners.items() if chat == chat_id), None)

    def chat_of(self, desk: str) -> int | None:
        """Return the chat of a desk by name."""
        return self.main if desk == MAIN else self.partners.get(desk)

    def route(self, region: str | None, unusable: frozenset[int] = frozenset()) -> int:
        """Return the chat a new case goes to: a partner serving the shared region (and whose
        chat passed its check), else the hotline's chat."""
        if region:
            for contact in directory.load_directory():
                chat = contact.operator_chat_id
                if chat in self.partners.values() and chat not in unusable \
                        and contact.regions and region in contact.regions:
                    return chat
        return self.main


def partner_desks() -> dict[str, int]:
    """Return the partner NGOs that run their own operators' chat, by directory key."""
    return {c.key: c.operator_chat_id for c in directory.load_directory() if c.operator_chat_id}


def operator_chats(main: int | None) -> OperatorChats | None:
    """Return the list for a configured hotline chat (None: no hand-off at all)."""
    if main is None:
        return None
    return OperatorChats(main, {k: v for k, v in partner_desks().items() if v != main})
