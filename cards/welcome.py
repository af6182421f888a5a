"""The welcome card (on install) and the help card (the `help` command)."""

from __future__ import annotations

from collections.abc import Sequence

from microsoft_teams.cards import Fact, FactSet

from cards import verbs
from cards.base import Card, build, execute, paragraph, title

INTRO = ("I run the presales **Assign FastTrack Architect** process: I gather your request, "
         "check it is complete, and route it. Funding requests and migration exceptions go to a "
         "FastTrack Architect (FTA), assigned within 2 business days; other requests go to the "
         "FTCHelp team, and I answer common questions myself.")


def create_welcome_card(commands: Sequence[tuple[str, str]]) -> Card:
    return build(
        [title("Hi, I'm the FTA Assign bot"), paragraph(INTRO), _command_facts(commands)],
        [execute("Request an FTA", verbs.OPEN_REQUEST, style="positive"),
         execute("Help", verbs.SHOW_HELP)],
    )


def create_help_card(commands: Sequence[tuple[str, str]]) -> Card:
    return build(
        [title("What I can do"), paragraph(INTRO, is_subtle=True), _command_facts(commands),
         paragraph("In a channel or group chat, @mention me first, e.g. `@FTA Assign help`.",
                   is_subtle=True, size="Small")],
        [execute("Request an FTA", verbs.OPEN_REQUEST, style="positive")],
    )


def _command_facts(commands: Sequence[tuple[str, str]]) -> FactSet:
    return FactSet(facts=[Fact(title=name, value=what) for name, what in commands])
