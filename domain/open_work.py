"""An FTA's open work for `my assignments`: offers still to answer, and accepted requests with
an FTOP task (3298, 3286) or the review for their type still to do, each with its age."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.ftop import FIRST_CONTACT, EnterpriseAssignment, FtopTask, TaskState
from domain.offers import Offer, OfferState
from domain.requests import FtaRequest, State
from domain.reviews import REVIEWS, awaiting_answer, open_options


@dataclass(frozen=True)
class OpenWork:
    request: FtaRequest
    since: datetime  # when it was offered, or assigned
    offer: Offer | None = None  # an offer still to answer; None once assigned
    tasks: tuple[FtopTask, ...] = ()  # the open FTOP tasks
    review: str = ""  # the heading of the review still to decide, if any
    overdue: bool = False  # task 3298 is past the business days allowed


def open_work(offer: Offer, request: FtaRequest, record: EnterpriseAssignment | None,
              first_contact_due: datetime | None, now: datetime) -> OpenWork | None:
    """What is still open for the FTA in one of their live offers; None if nothing is."""
    if offer.state is OfferState.OFFERED:  # not yet timed out by the worker, perhaps
        live = request.state is State.AWAITING_FTA and now < offer.expires_at
        return OpenWork(request, offer.offered_at, offer=offer) if live else None
    if offer.state is not OfferState.ACCEPTED or record is None \
            or request.state is not State.ASSIGNED or record.fta_id != offer.architect_id:
        return None
    tasks = tuple(t for t in record.tasks if t.state is TaskState.OPEN)
    kind = REVIEWS.get(record.request_type)
    # A decision that waits for the seller's answer is the seller's to move, not the FTA's.
    review = kind.heading if kind is not None and open_options(record) and \
        awaiting_answer(record) is None else ""
    if not tasks and not review:
        return None
    overdue = first_contact_due is not None and now >= first_contact_due and \
        any(t.task_id == FIRST_CONTACT for t in tasks)
    return OpenWork(request, record.assigned_at, tasks=tasks, review=review, overdue=overdue)


def age(since: datetime, now: datetime) -> str:
    """How long something has been waiting, in the largest whole unit ("3 days ago")."""
    seconds = max(0, int((now - since).total_seconds()))
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= length:
            count = seconds // length
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"

