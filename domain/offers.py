"""An offer of a request to one architect: accepted, declined (with a reason) or timed out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from domain.balancer import Decision, Policy
from domain.requests import FtaRequest
from domain.roster import Architect

OFFER_TIMEOUT_BUSINESS_HOURS = 4.0
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

    async def expire(self, offer_id: int, now: datetime) -> Offer | None: ...

    async def assign_by_hand(self, request_id: int, architect_id: str, now: datetime,
                             policy: Policy) -> Offer: ...

    async def get(self, offer_id: int) -> Offer | None: ...

    async def waiting(self, limit: int = 50) -> list[int]: ...

    async def decisions_for(self, request_id: int) -> list[dict[str, Any]]: ...

    async def points_by_architect(self, now: datetime) -> dict[str, int]: ...
