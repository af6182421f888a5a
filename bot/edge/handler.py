"""The Teams activity handler: remembers where it was reached, then routes by command or verb."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler

from bot.commands import Command, command_text, match
from bot.edge.addresses import address_of
from bot.edge.turn import ContextTurn
from bot.replies import InvokeBody, Refused, message_invoke
from bot.telemetry import turn_outcome
from bot.turn import Turn
from domain.conversations import ConversationDirectory
from domain.ftop import StaleRecord
from domain.requests import RequestError, StaleRequest

log = logging.getLogger(__name__)
ActionHandler = Callable[[Turn, dict[str, Any]], Awaitable[InvokeBody]]
TurnHandler = Callable[[Turn], Awaitable[None]]

STALE_ACTION = ("That button belongs to an older card I no longer recognise. "
                "Type \"help\" to see what I can do.")
CHANGED_MEANWHILE = ("This request changed in another window a moment ago. Nothing was lost; "
                     "press the button again to continue from the latest version.")
RECORD_CHANGED = ("Someone else changed this request's FTOP record at the same moment (its "
                  "seller withdrew it, say), so nothing was changed. Type my assignments or "
                  "status with its number to see where it stands, then try again if it "
                  "still applies.")
NOT_SUPPORTED = {"task/fetch": {"task": {"type": "message",
                                        "value": "This app has no dialogs. Type help."}}}
ACTION_FAILED = ("Sorry, I could not finish that just now. Nothing you typed was lost; "
                 "please try the button again in a moment.")


class FtaBot(TeamsActivityHandler):
    def __init__(self, *, directory: ConversationDirectory, clock: Callable[[], datetime],
                 commands: Sequence[Command], actions: Mapping[str, ActionHandler],
                 welcome: TurnHandler, unrecognised: TurnHandler,
                 on_files: TurnHandler | None = None) -> None:
        super().__init__()
        self._directory = directory
        self._clock = clock
        self._commands = commands
        self._actions = actions
        self._welcome = welcome
        self._unrecognised = unrecognised
        self._on_files = on_files

    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if activity.conversation and activity.conversation.id and activity.from_property:
            await self._directory.remember(address_of(activity, self._clock()))
        await super().on_turn(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """Route typed text through the command table; files go to the intake journey."""
        turn = ContextTurn(turn_context)
        if self._on_files and turn.files:
            await self._on_files(turn)
            return
        found = match(self._commands, command_text(turn.text))
        if found is None:
            await self._unrecognised(turn)
            return
        matched_command, arguments = found
        await matched_command.handler(turn, arguments)

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        """Welcome once, when the bot itself is the member added (install or added to a team).
        Not through botbuilder's Teams dispatch: before it gets there it asks the connector
        for every other member added, a call per person this bot has no use for, and fails on
        channelData without a team id."""
        activity = turn_context.activity
        added = activity.members_added or []
        if activity.recipient and any(member.id == activity.recipient.id for member in added):
            await self._welcome(ContextTurn(turn_context))

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        # Answered here, not through on_adaptive_card_invoke: botbuilder 4.17 serializes that
        # body twice and answers 500 (see TEAMS_NOTES.md).
        if turn_context.activity.name == "adaptiveCard/action":
            return InvokeResponse(status=200, body=await self._card_action(turn_context))
        try:
            answer = await super().on_invoke_activity(turn_context)
        except Exception:  # a payload botbuilder cannot even deserialize: bad input, not ours
            log.info("unreadable %s invoke", turn_context.activity.name,
                     extra={"activity_id": turn_context.activity.id})
            answer = None
        if answer is None or answer.status == 501:
            # An invoke this app does not use (no task modules, no message extensions):
            # answered 200 all the same, as Teams expects of every invoke.
            return InvokeResponse(status=200, body=NOT_SUPPORTED.get(
                turn_context.activity.name or "", {}))
        return answer

    async def _card_action(self, turn_context: TurnContext) -> InvokeBody:
        verb, data = _verb_and_data(turn_context.activity.value)
        handler = self._actions.get(verb) if verb else None
        if handler is None:
            log.info("unknown card verb", extra={"activity_id": turn_context.activity.id})
            return message_invoke(STALE_ACTION)
        try:
            return await handler(ContextTurn(turn_context), data)
        except Refused as refused:
            log.info("card action %s refused to its sender", verb)
            turn_outcome.set("refused")
            return refused.body
        except RequestError as error:
            turn_outcome.set("refused")
            return message_invoke(str(error))
        except StaleRequest:
            turn_outcome.set("refused")
            return message_invoke(CHANGED_MEANWHILE)
        except StaleRecord:
            turn_outcome.set("refused")
            return message_invoke(RECORD_CHANGED)
        except Exception:
            log.exception("card action %s failed", verb,
                          extra={"activity_id": turn_context.activity.id})
            turn_outcome.set("failed")
            return message_invoke(ACTION_FAILED)

def _verb_and_data(value: Any) -> tuple[str | None, dict[str, Any]]:
    """The verb and data of an Action.Execute invoke, tolerating any shape the client sends."""
    action = value.get("action") if isinstance(value, dict) else None
    if not isinstance(action, dict):
        return None, {}
    verb, data = action.get("verb"), action.get("data")
    return (verb if isinstance(verb, str) else None), (data if isinstance(data, dict) else {})

