"""An offer of a request to one architect: accepted, declined (with a reason) or timed out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from domain.balancer import Decision, Load, Policy
from domain.lookahead import LIMIT, Waiting
from domain.requests import FtaRequest, State
from domain.roster import Architect, RosterIndex

OFFER_TIMEOUT_BUSINESS_HOURS = 4.0
UNREACHABLE = "not reachable in Teams (no chat with the bot yet)"  # the reason it moved on
ENGAGEMENT_CHECK = "engagement_check"  # the timer: the estimate passed, ask the FTA
EXTENSION_BUSINESS_DAYS = 5  # "still working on it" holds the capacity this much longer
WITHDRAWN_BY_SELLER = "the seller withdrew the request"  # an offer's end, as managers read it
# The start of a declined offer's reason when the FTA sent the request back to the seller: that
# FTA is not ruled out when the seller submits it again.
SENT_BACK = "sent back to the seller"
ENGAGEMENT_BUSINESS_DAYS = {"discovery_workshop": 15, "ecif_review": 10,
                            "migration_exception": 5, "engage_before_license": 5}


class OfferState(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


@dataclass
class Offer:
    request_id: int
    architect_id: str
    weight: int
    offered_at: datetime
    expires_at: datetime
    decision: dict[str, Any]
    id: int = 0
    state: OfferState = OfferState.OFFERED
    customer: str = ""
    override: bool = False
    decided_at: datetime | None = None
    reason: str = ""
    engagement_ends_at: datetime | None = None


def outcome_of(offer: Offer) -> str:
    """How an offer ended, for managers: "declined: on leave that week", "accepted"..."""
    if offer.state is OfferState.OFFERED:
        return "offered, waiting for their answer"
    if offer.state is OfferState.ACCEPTED:
        if offer.decision.get("policy") != "manager":
            return "accepted"
        by = offer.decision.get("assigned_by")
        return ("assigned by hand" + (f" by {by}" if by else "")
                + (", over capacity (flagged)" if offer.override else ""))
    if offer.state is OfferState.DECLINED and offer.reason.startswith(SENT_BACK):
        return offer.reason
    if offer.state is OfferState.DECLINED:
        return "could not be reached in Teams" if offer.reason == UNREACHABLE \
            else f"declined: {offer.reason}"
    if offer.reason == "no answer in time":
        return "did not answer in time"
    return f"withdrawn: {offer.reason}" if offer.reason else "withdrawn"


@dataclass(frozen=True)
class Outcome:
    """What asking the balancer for a request produced: an offer, or nobody and why."""

    request: FtaRequest
    offer: Offer | None
    decision: Decision | None = None
    note: str = field(default="")
    architect: Architect | None = None  # whom the offer went to, as the roster had them

    @property
    def escalate(self) -> bool:
        return self.offer is None and not self.note


class OfferError(Exception):
    """An offer action that does not apply (not yours, already answered); for the user."""


class AssignmentDesk(Protocol):
    """Offers and assignments; each decision reserves capacity atomically."""

    async def offer_next(self, request_id: int, now: datetime, policy: Policy) -> Outcome: ...

    async def accept(self, offer_id: int, architect: Architect,
                     now: datetime) -> tuple[Offer, FtaRequest]: ...

    async def decline(self, offer_id: int, architect_id: str, reason: str,
                      now: datetime) -> Offer: ...

    async def finish_engagement(self, request_id: int, now: datetime) -> list[str]: ...

    async def extend_engagement(self, request_id: int, now: datetime) -> datetime | None: ...

    async def expire(self, offer_id: int, now: datetime) -> Offer | None: ...

    async def assign_by_hand(self, request_id: int, architect_id: str, now: datetime,
                             policy: Policy, by: str = "") -> Offer: ...

    async def offers_for(self, request_id: int) -> list[Offer]: ...

    async def withdraw(self, request_id: int, seen: State,
                       now: datetime) -> tuple[FtaRequest, list[Offer]]:
        """The seller withdraws a request waiting for an FTA or assigned to one: its open
        offer ends, or its accepted engagement ends now, and either frees the FTA's points.
        The request and the offers ended; OfferError if it can no longer be withdrawn."""
        ...

    async def live_offers_of(self, architect_id: str) -> list[Offer]:
        """Every one of the architect's offers still to answer and accepted ones, newest
        first (accepted ones stay: an FTA's history of them grows for as long as they serve,
        and an old one may still have a task open)."""
        ...

    async def explain(self, request_id: int, now: datetime,
                      policy: Policy) -> Decision | None: ...

    async def get(self, offer_id: int) -> Offer | None: ...

    async def waiting(self, limit: int = 50) -> list[int]: ...

    async def waiting_by_deadline(self, limit: int = 200) -> list[tuple[datetime, int]]: ...

    async def lookahead_state(self, now: datetime, limit: int = LIMIT
                              ) -> tuple[list[Waiting], RosterIndex, dict[str, Load]]: ...

    async def offer_matched(self, request_id: int, decision: Decision,
                            now: datetime) -> Outcome: ...

    async def points_by_architect(self, now: datetime) -> dict[str, int]: ...
