"""The reference: a stock botbuilder echo bot, as in Microsoft's samples, nothing tuned:
CloudAdapter with ConfigurationBotFrameworkAuthentication, a TeamsActivityHandler that echoes.

    python bench/echo_bot.py PORT
"""

from __future__ import annotations

import sys
from types import SimpleNamespace

from aiohttp import web
from botbuilder.core import MessageFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication


class EchoBot(TeamsActivityHandler):
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(MessageFactory.text(f"Echo: {turn_context.activity.text}"))


ADAPTER = CloudAdapter(ConfigurationBotFrameworkAuthentication(
    SimpleNamespace(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant", APP_TENANTID="")))
BOT = EchoBot()


async def messages(request: web.Request) -> web.Response:
    return await ADAPTER.process(request, BOT)


def main() -> None:
    app = web.Application()
    app.router.add_post("/api/messages", messages)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)


if __name__ == "__main__":
    main()
