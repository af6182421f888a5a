"""What a seller's next request form starts with: the segment, region and account team
contacts of their last submitted request. Kept per user in the bot's state (bot/edge/state.py:
botbuilder's UserState over `SqlStorage`, with e-tags), so any instance sees it and none
overwrites another's write."""

from __future__ import annotations

from typing import Any

from bot.turn import Turn, UserProperty

REMEMBERED = ("segment", "region", "atu_contact", "csu_contact")
PREFILLED = "Segment, region and account team contacts are filled in from your last request."


class FormDefaults:
    def __init__(self, kept: UserProperty) -> None:
        self._kept = kept

    async def of(self, turn: Turn) -> dict[str, str]:
        found = await self._kept.get(turn)
        if not isinstance(found, dict):
            return {}
        return {key: value for key, value in found.items()
                if key in REMEMBERED and isinstance(value, str) and value}

    async def remember(self, turn: Turn, values: dict[str, Any]) -> None:
        """Keep the seller's defaults from a submitted request; inside the caller's unit of
        work, so they are kept only if the submission is."""
        kept = {key: values[key] for key in REMEMBERED
                if isinstance(values.get(key), str) and values[key]}
        if kept:
            await self._kept.set(turn, kept)
