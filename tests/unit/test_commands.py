"""Typed text is cleaned of @mentions and markup before it meets the command table."""

from __future__ import annotations

import pytest

from bot.commands import command, command_text, match


async def _noop(*_args) -> None:  # type: ignore[no-untyped-def]
    return None


TABLE = [command("help", "", r"help", _noop),
         command("status", "", r"status\s+(?P<ref>\S+)", _noop)]


def test_the_bot_mention_is_removed() -> None:
    assert command_text("<at>FTA Assign</at> request FTA") == "request FTA"


def test_html_from_the_teams_compose_box_is_removed() -> None:
    assert command_text("<p>help&nbsp;</p>") == "help"


@pytest.mark.parametrize("text", ["help", "HELP", "help?", "Help!"])
def test_commands_match_in_any_case_and_with_trailing_punctuation(text) -> None:
    found = match(TABLE, text)
    assert found is not None and found[0].name == "help"


def test_a_command_captures_its_arguments() -> None:
    found = match(TABLE, "status FTA-2026-00042")
    assert found is not None and found[1]["ref"] == "FTA-2026-00042"


def test_a_command_must_match_the_whole_text() -> None:
    assert match(TABLE, "please help me") is None
