"""The bot's manners: a welcome on install, `help`, and a hint for anything unrecognised."""

from __future__ import annotations

import re
from typing import Any

from bot.commands import Command, command
from bot.replies import InvokeBody, card_invoke, card_message
from bot.turn import Turn
from cards import verbs
from cards.welcome import create_help_card, create_welcome_card

HINT = ("I didn't catch that. Try **request FTA** to ask for a FastTrack Architect, "
        "**my requests** to see yours, or **help** for everything I can do.")

CATALOGUE = (
    ("request FTA", "Ask for a FastTrack Architect, or for help from FTCHelp"),
    ("my requests", "See your requests and where each one stands"),
    ("status FTA-2026-00042", "Show one of your requests (FTA managers: any, with what "
                              "they can do about it)"),
    ("cancel", "Abandon the request you are filling in"),
    ("my assignments", "FTAs: your open offers, FTOP tasks and reviews, with their age"),
    ("ooo 2026-12-21 to 2027-01-01", "FTAs: your out of office (`ooo clear` removes it)"),
    ("roster, why FTA-2026-00042", "FTA managers: load and capacity; why a request went "
                                   "where it did. The Desk tab shows the whole queue"),
    ("help", "Show this card"),
)


class Basics:
    """Welcome, help and the unrecognised-text hint."""

    def __init__(self, catalogue: tuple[tuple[str, str], ...] = CATALOGUE) -> None:
        self._catalogue = catalogue

    def commands(self) -> list[Command]:
        return [command("help", "Show what the bot can do", r"help|\?|what can you do\??",
                        self.send_help)]

    def actions(self) -> dict[str, Any]:
        return {verbs.SHOW_HELP: self.show_help}

    async def welcome(self, turn: Turn) -> None:
        """Introduce the bot when it is installed or added to a team."""
        await turn.send(card_message(create_welcome_card(self._catalogue)))

    async def send_help(self, turn: Turn, _: re.Match[str]) -> None:
        """Answer `help` with the card of what the bot can do."""
        await turn.send(card_message(create_help_card(self._catalogue)))

    async def show_help(self, _turn: Turn, _data: dict[str, Any]) -> InvokeBody:
        """The Help button: the help card replaces the one clicked."""
        return card_invoke(create_help_card(self._catalogue))

    async def unrecognised(self, turn: Turn) -> None:
        """Never silence: a short hint for text no command matched."""
        await turn.send(HINT)
