"""botbuilder's TurnContext seen as the journeys' `bot.turn.Turn`: the one place an activity
becomes who acts, where, and what they sent, and a message dict becomes an Activity."""

from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity

from bot.edge.addresses import reference_json
from bot.turn import Actor, Message, Place, SentFile

FILE_INFO = "application/vnd.microsoft.teams.file.download.info"


class ContextTurn:
    """A `Turn` over botbuilder's TurnContext. Read from the activity when asked, not up
    front: most turns read one or two of these."""

    def __init__(self, context: TurnContext) -> None:
        self.context = context
        self._activity: Activity = context.activity

    @property
    def actor(self) -> Actor:
        sender = self._activity.from_property
        teams_id = (sender.id or "") if sender else ""
        aad_object_id = (sender.aad_object_id or "") if sender else ""
        return Actor(id=aad_object_id or teams_id, teams_id=teams_id,
                     aad_object_id=aad_object_id, name=(sender.name or "") if sender else "")

    @property
    def place(self) -> Place:
        conversation = self._activity.conversation
        return Place(conversation_id=(conversation.id or "") if conversation else "",
                     kind=(conversation.conversation_type or "") if conversation else "")

    @property
    def text(self) -> str:
        text = self._activity.text
        return text if isinstance(text, str) else ""

    @property
    def files(self) -> tuple[SentFile, ...]:
        return tuple(_sent_file(attachment) for attachment in self._activity.attachments or []
                     if attachment.content_type == FILE_INFO)

    @property
    def reply_to_id(self) -> str:
        return self._activity.reply_to_id or ""

    @property
    def client_timezone(self) -> str:
        found = self._client_info().get("timezone")
        return found if isinstance(found, str) else ""

    @property
    def client_country(self) -> str:
        found = self._client_info().get("country")
        return found if isinstance(found, str) else ""

    def reference(self, with_activity_id: bool = False) -> dict[str, Any]:
        return reference_json(self._activity, with_activity_id)

    async def send(self, message: str | Message) -> str:
        sent = await self.context.send_activity(message if isinstance(message, str)
                                                else activity_of(message))
        return (sent.id or "") if sent is not None else ""

    async def sender_email(self) -> str:
        try:
            member = await TeamsInfo.get_member(self.context,
                                                self._activity.from_property.id)
        except Exception:  # an unknown member, a chat without roster, a connector hiccup
            return ""
        return (member.email or member.user_principal_name or "") if member else ""

    def _client_info(self) -> dict[str, Any]:
        client = next((e for e in self._activity.entities or [] if e.type == "clientInfo"),
                      None)
        info = client.additional_properties if client is not None else None
        return info if isinstance(info, dict) else {}


def activity_of(message: Message) -> Activity:
    """A message in Bot Connector JSON as botbuilder's Activity. The attachments' contents
    (cards: deep trees of plain dicts) are set aside from msrest, which would walk and copy
    them value by value, and put back as they are."""
    attachments = message.get("attachments") or []
    shell = {key: value for key, value in message.items() if key != "attachments"}
    if attachments:
        shell["attachments"] = [{key: value for key, value in attachment.items()
                                 if key != "content"} for attachment in attachments]
    activity = Activity().deserialize(shell)
    for attachment, sent in zip(activity.attachments or [], attachments, strict=True):
        attachment.content = sent.get("content")
    return activity


def _sent_file(attachment: Any) -> SentFile:
    # contentUrl is the file's lasting OneDrive address; downloadUrl expires within the hour.
    content = attachment.content if isinstance(attachment.content, dict) else {}
    download = content.get("downloadUrl")
    return SentFile(name=attachment.name, content_url=attachment.content_url or "",
                    download_url=download if isinstance(download, str) else "")
