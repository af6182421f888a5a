"""Typed commands: the text a user sends, cleaned of @mentions, matched against one table."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.turn import Turn

CommandHandler = Callable[[Turn, "re.Match[str]"], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    pattern: re.Pattern[str]
    handler: CommandHandler


def command(name: str, description: str, pattern: str, handler: CommandHandler) -> Command:
    return Command(name, description, re.compile(rf"^(?:{pattern})$", re.IGNORECASE), handler)


def command_text(text: str) -> str:
    """The message text with @mentions (the bot's, in a channel) and other tags removed.
    Not botbuilder's `remove_recipient_mention`: it fails on a mention entity without
    `mentioned` or an activity without a recipient, and reads the name as a pattern."""
    text = re.sub(r"<at>[^<]*</at>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text).replace("&nbsp;", " ")
    return " ".join(text.split())


def match(commands: Sequence[Command], text: str) -> tuple[Command, re.Match[str]] | None:
    text = text.rstrip(".!?") or text  # "help?" and "help!" mean "help"
    for candidate in commands:
        found = candidate.pattern.match(text)
        if found:
            return candidate, found
    return None
