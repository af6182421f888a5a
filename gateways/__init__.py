"""The outbound gateways: what the bot calls beyond its own database (Microsoft Graph, the
organisation's FTOP portal, and the token sources both and the Bot Connector use). Apart from
storage/, which is the bot's own records; both implement ports declared in domain/."""
