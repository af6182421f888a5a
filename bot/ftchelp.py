"""FTCHelp's queue: FAQ answers first where one fits, then a ticket in FTCHelp's channel that an
agent takes ("Assign to me") and resolves with an answer the seller receives."""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from bot.addresses import base_conversation_id, tenant_of
from bot.identity import person_id
from bot.messenger import Messenger
from bot.ownership import owned_request, request_id_of
from bot.replies import InvokeBody, Refused, card_invoke, message_invoke
from cards import verbs
from cards.ftchelp import (
    create_answer_card,
    create_faq_card,
    create_faq_closed_card,
    create_ticket_card,
)
from cards.requests import create_confirmation_card
from domain.conversations import ConversationDirectory
from domain.faq import Faq, FaqAnswer
from domain.request_types import Queue
from domain.requests import FtaRequest, RequestRepository, State

log = logging.getLogger(__name__)
ONLY_FTCHELP = "Only the FTCHelp team can work tickets, from the FTCHelp channel."


class FtcHelpDesk:
    def __init__(self, requests: RequestRepository, directory: ConversationDirectory,
                 messenger: Messenger, faq: Faq, channel_id: str) -> None:
        self._requests = requests
        self._directory = directory
        self._messenger = messenger
        self._faq = faq
        self._channel_id = channel_id

    def actions(self) -> dict[str, Any]:
        return {verbs.FAQ_ANSWERED: self.faq_answered, verbs.FAQ_NEED_HELP: self.faq_need_help,
                verbs.TICKET_ASSIGN_TO_ME: self.assign_to_me, verbs.TICKET_RESOLVE: self.resolve}

    def faq_answer(self, request: FtaRequest) -> FaqAnswer | None:
        if request.type_key != "sales_support":
            return None
        return self._faq.answer_for(request.values.get("topic", ""))

    def faq_card(self, request: FtaRequest, answer: FaqAnswer) -> dict[str, Any]:
        return create_faq_card(request, answer)

    async def faq_answered(self, turn_context: TurnContext, data: dict[str, Any]) -> InvokeBody:
        """"This answers it": the inquiry closes without troubling FTCHelp."""
        request = _offered(await owned_request(self._requests, turn_context, data))
        request.close_as_answered_by_faq()
        await self._requests.save(request)
        return card_invoke(create_faq_closed_card(request))

    async def faq_need_help(self, turn_context: TurnContext, data: dict[str, Any]) -> InvokeBody:
        """"I still need help": the inquiry goes to FTCHelp as a ticket."""
        request = _offered(await owned_request(self._requests, turn_context, data))
        request.escalate_to_ftchelp()
        await self._requests.save(request)
        await self.post_ticket(request, turn_context.activity)
        return card_invoke(create_confirmation_card(request, Queue.FTCHELP))

    async def assign_to_me(self, turn_context: TurnContext, data: dict[str, Any]) -> InvokeBody:
        """An FTCHelp agent takes the ticket; everyone in the channel sees who has it."""
        request = await self._ticket(turn_context, data)
        if request.state is not State.FTCHELP_OPEN:
            return card_invoke(create_ticket_card(request))  # taken already: show by whom
        sender = turn_context.activity.from_property
        request.take(person_id(turn_context.activity), sender.name or "an FTCHelp agent")
        await self._requests.save(request)
        return card_invoke(create_ticket_card(request))

    async def resolve(self, turn_context: TurnContext, data: dict[str, Any]) -> InvokeBody:
        """The agent's answer closes the ticket and goes to the seller's personal chat."""
        request = await self._ticket(turn_context, data)
        answer = data.get("answer")
        request.resolve(person_id(turn_context.activity),
                        answer[:4000] if isinstance(answer, str) else "")
        await self._requests.save(request)
        chat = await self._directory.personal_chat_of(request.requester.id)
        if chat is None:
            log.warning("seller of request %s has no personal chat with the bot", request.id)
        else:
            await self._messenger.post_card(chat.reference, create_answer_card(request))
        return card_invoke(create_ticket_card(request))

    async def post_ticket(self, request: FtaRequest, activity: Activity) -> None:
        """Post the ticket card in the FTCHelp channel."""
        if not self._channel_id:
            log.warning("FTCHELP_CHANNEL_ID is not set; request %s waits unposted", request.id)
            return
        known = await self._directory.by_conversation(self._channel_id)
        reference = known.reference if known else self._channel_reference(activity)
        await self._messenger.post_card(reference, create_ticket_card(request))

    def _channel_reference(self, activity: Activity) -> dict[str, Any]:
        # The bot has not been spoken to in the channel yet: Teams accepts a post to a channel
        # id through the same service URL as the seller's turn.
        return {"conversation": {"id": self._channel_id, "conversationType": "channel",
                                 "isGroup": True, "tenantId": tenant_of(activity)},
                "serviceUrl": activity.service_url, "channelId": activity.channel_id,
                "bot": {"id": activity.recipient.id, "name": activity.recipient.name}}

    async def _ticket(self, turn_context: TurnContext, data: dict[str, Any]) -> FtaRequest:
        conversation = base_conversation_id(turn_context.activity.conversation.id)
        if not self._channel_id or conversation != self._channel_id:
            raise Refused(message_invoke(ONLY_FTCHELP))
        request_id = request_id_of(data)
        request = await self._requests.get(request_id) if request_id is not None else None
        if request is None or request.state not in (State.FTCHELP_OPEN, State.FTCHELP_ASSIGNED,
                                                    State.RESOLVED):
            raise Refused(message_invoke("This ticket is no longer open."))
        return request


def _offered(request: FtaRequest) -> FtaRequest:
    if request.state is not State.FAQ_OFFERED:
        raise Refused(message_invoke(f"{request.number} has moved on already; type "
                                     f"**status {request.number}** to see where it is."))
    return request
