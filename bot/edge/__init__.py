"""The edge between Teams and the journeys: the HTTP endpoint and its gate, the botbuilder
adapter and activity handler, bot state, the Bot Connector client, and the translation of a
botbuilder turn into the `bot.turn.Turn` the journeys see. Only these modules know botbuilder;
a move to the Microsoft 365 Agents SDK rewrites them and nothing else (docs/architecture.md)."""
