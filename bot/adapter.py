"""The botbuilder adapter, configured from Settings, and the turn-error safety net."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)

from settings import Settings

log = logging.getLogger(__name__)
TURN_FAILED = ("Sorry, something went wrong on my side. Anything you entered is saved; "
               "please try again in a moment.")


def create_adapter(settings: Settings) -> CloudAdapter:
    configuration = SimpleNamespace(
        APP_ID=settings.app_id or None,
        APP_PASSWORD=settings.app_password or None,
        APP_TYPE=settings.app_type,
        APP_TENANTID=settings.app_tenant_id or None,
        # Under botbuilder's own names; unset means the public Bot Framework cloud.
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=settings.openid_metadata_url or None,
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=settings.token_issuer or None,
        TO_CHANNEL_FROM_BOT_LOGIN_URL=settings.login_url or None,
        TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=settings.oauth_scope or None,
    )
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(configuration))
    adapter.on_turn_error = _on_turn_error
    return adapter


async def _on_turn_error(turn_context: TurnContext, error: Exception) -> None:
    # Ids only: activity text may hold customer data.
    log.error("turn failed", exc_info=error,
              extra={"activity_id": turn_context.activity.id,
                     "activity_type": turn_context.activity.type})
    if turn_context.activity.type == "message":
        await turn_context.send_activity(TURN_FAILED)
