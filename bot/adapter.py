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
