"""What the FTA managers' channel is told when a notice could not be delivered."""

from __future__ import annotations

from cards.base import Card, build, paragraph, title
from cards.text import inert

WHY = {0: "Teams did not answer", 403: "the app was removed or blocked there",
       404: "the conversation no longer exists", 413: "the message was too large"}


def create_undelivered_card(audience: str, what: str, status: int, attempts: int) -> Card:
    reason = WHY.get(status, f"it answered HTTP {status}" if status else "it kept failing")
    audience = inert(audience)  # a person's display name
    return build([title(f"Could not reach {audience or 'a recipient'}"),
                  paragraph(f"{what} was not delivered after {attempts} "
                            f"{'try' if attempts == 1 else 'tries'}: {reason}. "
                            "If it is a person, ask them to open a chat with the bot in Teams; "
                            "if it is a channel, check that the app is installed in that team.")])
