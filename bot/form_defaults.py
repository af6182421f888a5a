"""What a seller's next request form starts with: the segment, region and account team
contacts of their last submitted request. Kept in botbuilder's UserState, stored through
`SqlStorage` with e-tags, so any instance sees it and none overwrites another's write."""

from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext, UserState

REMEMBERED = ("segment", "region", "atu_contact", "csu_contact")
PREFILLED = "Segment, region and account team contacts are filled in from your last request."


class FormDefaults:
    def __init__(self, user_state: UserState) -> None:
        self._state = user_state
        self._property = user_state.create_property("form_defaults")

    async def of(self, turn_context: TurnContext) -> dict[str, str]:
        found = await self._property.get(turn_context)
        if not isinstance(found, dict):
            return {}
        return {key: value for key, value in found.items()
                if key in REMEMBERED and isinstance(value, str) and value}

    async def remember(self, turn_context: TurnContext, values: dict[str, Any]) -> None:
        """Keep the seller's defaults from a submitted request; inside the caller's unit of
        work, so they are kept only if the submission is."""
        kept = {key: values[key] for key in REMEMBERED
                if isinstance(values.get(key), str) and values[key]}
        if not kept:
            return
        for attempt in (1, 2):
            await self._property.set(turn_context, kept)
            try:
                await self._state.save_changes(turn_context)
                return
            except KeyError:  # written meanwhile (the seller, from another window): read anew
                if attempt == 2:
                    raise
                await self._state.load(turn_context, force=True)
