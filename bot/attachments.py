"""Sales attachments sent as files in the personal chat, kept on the seller's draft."""

from __future__ import annotations

import re

from bot.replies import card_message
from bot.turn import SentFile, Turn
from cards.intake import create_form_card
from domain.links import file_link_problem
from domain.requests import FtaRequest, ReceivedFile, RequestRepository

SLOT_WORDS = (("sow", r"\bsow\b|statement"), ("staffing", r"staff|wbs|work breakdown"),
              ("cost", r"cost|budget|pric"))
NO_DRAFT = ("I keep files for the sales attachments of a Discovery Workshop or ECIF / DWR "
            "request. Start one with **request FTA**, pick the type, then send me the files.")
REFUSED_HINT = (" Send files from Teams, SharePoint or OneDrive, or paste their SharePoint links "
                "into the form.")


class AttachmentInbox:
    def __init__(self, requests: RequestRepository, file_hosts: tuple[str, ...]) -> None:
        self._requests, self._file_hosts = requests, file_hosts

    async def receive(self, turn: Turn) -> None:
        """Put each file sent to the bot in the draft's attachment slot it names."""
        draft = await self._requests.draft_of(turn.actor.id)
        slots = [f.id for f in draft.type.fields if f.attachment] if draft and draft.type else []
        if draft is None or not slots:
            await turn.send(NO_DRAFT)
            return
        text = turn.text
        received, refused = [], []
        for attachment in turn.files:
            problem = file_link_problem(_link(attachment), self._file_hosts)
            if problem:
                refused.append(f"I did not keep **{attachment.name}**: {problem}.")
                continue
            slot = _slot_for(f"{text} {attachment.name}", slots, set(draft.files))
            draft.attach(slot, ReceivedFile(attachment.name or "file", _link(attachment)))
            received.append(f"**{attachment.name}** as the {_label(draft, slot)}")
        if refused:
            await turn.send(" ".join(refused) + REFUSED_HINT)
        if received:
            await self._requests.save(draft)
            await turn.send(card_message(create_form_card(
                draft, banner="Got " + "; ".join(received) + ". Here is your draft.")))


def _slot_for(words: str, slots: list[str], filled: set[str]) -> str:
    for slot, pattern in SLOT_WORDS:
        if slot in slots and re.search(pattern, words, re.IGNORECASE):
            return slot
    empty = [slot for slot in slots if slot not in filled]
    return empty[0] if empty else slots[-1]


def _link(attachment: SentFile) -> str:
    # contentUrl is the file's lasting OneDrive address; downloadUrl expires within the hour.
    return attachment.content_url or attachment.download_url


def _label(draft: FtaRequest, slot: str) -> str:
    fields = draft.type.fields if draft.type else ()
    return next((f.label for f in fields if f.id == slot), slot)
