"""The botbuilder adapter, configured from Settings, and the turn-error safety net.

Stock CloudAdapter builds a msrest ConnectorClient and a TokenApiClient for every turn and
sends replies through `requests` in a thread pool (TEAMS_NOTES: most of a stock echo turn).
TeamsAdapter keeps botbuilder's pipeline, authentication and turn context, but hands each turn
a connector kept per service URL that sends over the app's one pooled aiohttp session."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity, ResourceResponse
from botbuilder.schema.teams import TeamsChannelAccount
from botframework.connector.auth import AuthenticateRequestResult

from bot.edge import signing_keys
from bot.edge.admission import lending_the_slot
from bot.edge.connector import BotConnector
from bot.edge.service_urls import ServiceUrlGuard
from bot.telemetry import turn_outcome
from domain.outbox import RETRIED_STATUSES, DeliveryError
from settings import Settings

log = logging.getLogger(__name__)
TURN_FAILED = ("Sorry, something went wrong on my side. Anything you entered is saved; "
               "please try again in a moment.")
MEMBER_LOOKUP_SECONDS = 1.0


class _Conversations:
    """The part of msrest's ConnectorClient.conversations that turns and TeamsInfo use. While
    a turn waits on Teams its admission slot serves other turns
    (bot/edge/admission.lending_the_slot)."""

    def __init__(self, connector: BotConnector, service_url: str) -> None:
        self._connector, self._url = connector, service_url

    async def send_to_conversation(self, conversation_id: str,
                                   activity: Activity) -> ResourceResponse:
        body = activity_json(activity)
        return ResourceResponse(id=await lending_the_slot(_once_more_if_throttled(
            lambda: self._connector.post(self._url, conversation_id, body))))

    async def reply_to_activity(self, conversation_id: str, activity_id: str,
                                activity: Activity) -> ResourceResponse:
        body = activity_json(activity)
        return ResourceResponse(id=await lending_the_slot(_once_more_if_throttled(
            lambda: self._connector.reply(self._url, conversation_id, activity_id, body))))

    async def update_activity(self, conversation_id: str, activity_id: str,
                              activity: Activity) -> ResourceResponse:
        body = activity_json(activity)
        await lending_the_slot(self._connector.update(self._url, conversation_id, activity_id,
                                                      body))
        return ResourceResponse(id=activity_id)

    async def delete_activity(self, conversation_id: str, activity_id: str) -> None:
        await lending_the_slot(self._connector.delete(self._url, conversation_id, activity_id))

    async def get_conversation_member(self, conversation_id: str,
                                      member_id: str) -> TeamsChannelAccount:
        # Asked during invokes too (a new seller's e-mail), which Teams waits 5 s for: a
        # region slower than this leaves the e-mail out rather than the answer late.
        answer = await lending_the_slot(self._connector.member(
            self._url, conversation_id, member_id, timeout_seconds=MEMBER_LOOKUP_SECONDS))
        return TeamsChannelAccount().deserialize(answer)


async def _once_more_if_throttled(send: Callable[[], Awaitable[str]]) -> str:
    """A reply within a turn: one more try when Teams asks for a short pause (429 with a
    Retry-After of up to a second, 412, 5xx); the user is waiting, so no long backoff."""
    try:
        return await send()
    except DeliveryError as error:
        if error.status not in RETRIED_STATUSES or (error.retry_after or 0) > 1.0:
            raise
        await asyncio.sleep(error.retry_after or 0.1)
        return await send()


def activity_json(activity: Activity) -> dict[str, Any]:
    """``activity`` as JSON. msrest walks every attachment's content (a card: a deep tree of
    plain dicts) value by value, copying it; the content is JSON already, so it is set aside
    while the rest is serialized, then put back as it is. A third of a reply's cost, before."""
    attachments = activity.attachments or []
    contents = [attachment.content for attachment in attachments]
    for attachment in attachments:
        attachment.content = None
    try:
        body: dict[str, Any] = activity.serialize()
    finally:
        for attachment, content in zip(attachments, contents, strict=True):
            attachment.content = content
    for serialized, content in zip(body.get("attachments") or [], contents, strict=False):
        if content is not None:
            serialized["content"] = content
    return body


class _TurnConnector:
    def __init__(self, connector: BotConnector, service_url: str) -> None:
        self.conversations = _Conversations(connector, service_url)


class TeamsAdapter(CloudAdapter):
    """CloudAdapter with connectors reused per service URL and no per-turn client objects.
    This app uses no user tokens (no SSO, no OAuth prompts), so no token client is built."""

    MAX_SERVICE_URLS = 64  # Teams uses a handful; more would be someone probing

    def __init__(self, authentication: ConfigurationBotFrameworkAuthentication,
                 connector: BotConnector) -> None:
        super().__init__(authentication)
        self._connector = connector
        self._turn_connectors: dict[str, _TurnConnector] = {}

    async def process_activity(self, auth_header_or_authenticate_request_result: Any,
                               activity: Activity,
                               logic: Callable[[TurnContext], Awaitable[Any]]
                               ) -> InvokeResponse | None:
        result: AuthenticateRequestResult = auth_header_or_authenticate_request_result
        if isinstance(result, str):
            result = await self.bot_framework_authentication.authenticate_request(activity,
                                                                                  result)
        activity.caller_id = result.caller_id
        context = self._create_turn_context(
            activity, result.claims_identity, result.audience,
            self._turn_connector(activity.service_url), None, logic,
            result.connector_factory)
        await self.run_pipeline(context, logic)
        return self._process_turn_results(context)

    def _turn_connector(self, service_url: str) -> _TurnConnector:
        found = self._turn_connectors.get(service_url)
        if found is None:
            if len(self._turn_connectors) >= self.MAX_SERVICE_URLS:
                self._turn_connectors.clear()
            found = self._turn_connectors[service_url] = _TurnConnector(self._connector,
                                                                        service_url)
        return found


def create_adapter(settings: Settings, connector: BotConnector,
                   clock: Callable[[], float] = time.time) -> TeamsAdapter:
    configuration = SimpleNamespace(
        APP_ID=settings.app_id or None,
        APP_PASSWORD=settings.app_password or None,
        # Without an app id (anonymous, the Playground) botbuilder runs unauthenticated only
        # on its MultiTenant path; the other types refuse to start without one.
        APP_TYPE="MultiTenant" if settings.anonymous else settings.app_type,
        # botbuilder insists on a tenant for UserAssignedMSI yet never uses it (the identity
        # endpoint knows its tenant); the setting does not ask the deployer for one.
        APP_TENANTID=settings.app_tenant_id or ("managed-identity" if settings.managed_identity
                                                else None),
        # Under botbuilder's own names; unset means the public Bot Framework cloud.
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=settings.openid_metadata_url or None,
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=settings.token_issuer or None,
        TO_CHANNEL_FROM_BOT_LOGIN_URL=settings.login_url or None,
        TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=settings.oauth_scope or None,
    )
    signing_keys.install(settings.openid_timeout_seconds, clock)
    adapter = TeamsAdapter(ConfigurationBotFrameworkAuthentication(configuration), connector)
    adapter.on_turn_error = TurnErrorHandler(connector.guard)
    return adapter


class TurnErrorHandler:
    """The turn-error safety net: log, and tell the person who typed that it failed."""

    def __init__(self, guard: ServiceUrlGuard) -> None:
        self._guard = guard

    async def __call__(self, turn_context: TurnContext, error: Exception) -> None:
        turn_outcome.set("failed")
        activity = turn_context.activity
        # Ids only: activity text may hold customer data.
        log.error("turn failed", exc_info=error,
                  extra={"activity_id": activity.id, "activity_type": activity.type})
        if activity.type != "message" or self._guard.last_call_failed(activity.service_url):
            # Not into a service URL that just failed to answer: it would hang this turn
            # once more for nothing. The log above says what went wrong.
            return
        with contextlib.suppress(DeliveryError):
            await turn_context.send_activity(TURN_FAILED)
