"""The console chat: the same dialogue as the Telegram bot, one message per line on stdin."""

from __future__ import annotations

import sys
import uuid
from typing import TextIO

from bot.dialogue import Incoming, Outcome, Reply
from bot.service import ChatService
from content.markup import strip_markup

EFFECT_NOTES = {
    "handoff": "(In Telegram, this chat now goes to a hotline operator.)",
    "end_handoff": "(The chat with the operator is closed.)",
    "hide": "(In Telegram, the bot's recent messages would now be deleted from this chat.)",
    "forget": "(Everything stored about this console session was deleted.)",
    "reminders": "(In Telegram, reminders are set, listed or stopped here.)",
    "alerts": "(In Telegram, alert subscriptions are listed or changed here.)",
}


def render(reply: Reply, first_number: int) -> tuple[str, list[str]]:
    """Return a reply as plain text with numbered choices, and the actions behind the numbers."""
    lines = [strip_markup(reply.text)]
    choices: list[str] = []
    for row in reply.buttons:
        labels = []
        for button in row:
            choices.append(button.action)
            labels.append(f"[{first_number + len(choices) - 1}] {button.label}")
        lines.append("   ".join(labels))
    return "\n".join(lines), choices


class ConsoleChat:
    """Feed lines to the chat service and print what it answers."""

    def __init__(self, service: ChatService, language: str | None, output: TextIO) -> None:
        self.service = service
        self.output = output
        self.chat_id = f"console-{uuid.uuid4()}"
        self.choices: list[str] = []
        if language:
            self.send(Incoming(command="start", args=language))

    def send(self, incoming: Incoming) -> Outcome:
        """Send one event and print the replies."""
        outcome = self.service.handle(self.chat_id, incoming).outcome
        self.choices = []
        for reply in outcome.replies:
            text, choices = render(reply, len(self.choices) + 1)
            self.choices.extend(choices)
            print(text, file=self.output)
            print(file=self.output)
        for effect in outcome.effects:
            if effect.kind in EFFECT_NOTES:
                print(EFFECT_NOTES[effect.kind], file=self.output)
                print(file=self.output)
        return outcome

    def feed(self, line: str) -> None:
        """Treat a number as a choice among the last buttons; anything else as a message."""
        stripped = line.strip()
        if stripped.isdigit() and 1 <= int(stripped) <= len(self.choices):
            self.send(Incoming(action=self.choices[int(stripped) - 1]))
        else:
            self.send(Incoming.from_text(line.rstrip("\n")))

    def close(self) -> None:
        """Leave nothing behind: the console session is not kept after exit."""
        self.service.forget(self.service.pseudonymizer.user_key(self.chat_id))


def run_console(service: ChatService, language: str | None = None,
                stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Chat until end of input; return the exit code."""
    chat = ConsoleChat(service, language, stdout)
    interactive = stdin.isatty()
    try:
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = stdin.readline()
            if not line:
                break
            if line.strip():
                chat.feed(line)
    except KeyboardInterrupt:
        pass
    finally:
        chat.close()
    return 0
