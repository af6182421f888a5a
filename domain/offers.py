"""An offer of a request to one architect: accepted, declined (with a reason) or timed out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

from domain.balancer import Decision, DecisionClock, Demand, Load, Policy, hard_rule
from domain.lookahead import LIMIT, Waiting
from domain.queue import LateLane
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
OFFERED_BY = "offered_by"  # in a decision: the manager who re-offered the request
REOFFERED = "a manager re-offered it to the next FTA"  # how the offer it replaced ended


class Queued(NamedTuple):
    """A request waiting for an FTA with no live offer, as the queue orders it."""

    deadline: datetime  # its submission time when it has none
    request_id: int
    type_key: str


class OfferState(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    REASSIGNED = "reassigned"  # accepted, then a manager gave the request to another FTA


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
    if offer.state is OfferState.REASSIGNED:
        return f"reassigned by a manager: {offer.reason}" if offer.reason else "reassigned"
    if offer.state is OfferState.DECLINED and offer.reason.startswith(SENT_BACK):
        return offer.reason
    if offer.state is OfferState.DECLINED:
        return "could not be reached in Teams" if offer.reason == UNREACHABLE \
            else f"declined: {offer.reason}"
    if offer.reason == "no answer in time":
        return "did not answer in time"
    if offer.reason == REOFFERED:
        return f"passed over: {REOFFERED}"
    return f"withdrawn: {offer.reason}" if offer.reason else "withdrawn"


@dataclass(frozen=True)
class Outcome:
    """What asking the balancer for a request produced: an offer, or nobody and why."""

    request: FtaRequest
    offer: Offer | None
    decision: Decision | None = None
    note: str = field(default="")
    architect: Architect | None = None  # whom the offer went to, as the roster had them
    # Not asked: the FTA a manager offered it to declined or let it time out, and the engine
    # never undoes a manager's choice, so it goes back to the managers (returned_to_managers).
    returned: bool = False

    @property
    def escalate(self) -> bool:
        return self.offer is None and not self.note


def hand_candidates(architects: Iterable[Architect], demand: Demand, loads: Mapping[str, int],
                    now: datetime) -> list[Architect]:
    """Whom a manager may assign by hand: every hard rule holds but capacity (as
    balancer.override), the FTAs covering the request's segment and region first, then the
    lightest relative load."""
    clock = DecisionClock(now)
    fits = [a for a in architects
            if hard_rule(a, demand, 0, clock, enforce_capacity=False) is None]
    return sorted(fits, key=lambda a: (not (demand.segment in a.segments
                                            and demand.region in a.regions),
                                       loads.get(a.id, 0) / max(a.capacity, 1), a.name))


def returned_to_managers(history: Sequence[tuple[OfferState, str, Mapping[str, object]]]
                         ) -> bool:
    """The engine leaves a request to the FTA managers when the last offer of it, in the order
    made (state, reason, decision), was a manager's re-offer that its FTA declined or let time
    out: the balancer does not overrule the managers' choice with one of its own. A manager
    acts next (assign by hand, re-offer again). An offer sent back to the seller does not
    count: the seller's resubmission starts afresh."""
    if not history:
        return False
    state, reason, decision = history[-1]
    return (bool(decision.get(OFFERED_BY)) and not reason.startswith(SENT_BACK)
            and state in (OfferState.DECLINED, OfferState.EXPIRED))


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

    async def reoffer(self, request_id: int, now: datetime, policy: Policy,
                      by: str) -> tuple[Outcome, Offer | None]:
        """A manager's re-offer: the open offer, if any, ends (its FTA is passed over) and
        the request is offered to the best eligible FTA left, as made by ``by``. The outcome
        and the offer that ended; OfferError when the request no longer waits for an FTA."""
        ...

    async def reassign(self, request_id: int, from_id: str, architect_id: str, now: datetime,
                       policy: Policy, by: str, reason: str) -> tuple[Offer, Offer, FtaRequest]:
        """A manager gives an accepted request held by ``from_id`` to another FTA: the old
        engagement ends (its points freed), a new accepted one holds the new FTA's points.
        (old offer, new offer, request); OfferError if it is no longer ``from_id``'s,
        ValueError if the new FTA breaks a hard rule other than capacity."""
        ...

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

    async def waiting_by_deadline(self, limit: int = 200) -> list[Queued]: ...

    async def lookahead_state(self, now: datetime, limit: int = LIMIT
                              ) -> tuple[list[Waiting], RosterIndex, dict[str, Load]]: ...

    async def offer_matched(self, request_id: int, decision: Decision, now: datetime,
                            late: LateLane | None = None) -> Outcome: ...

    async def points_by_architect(self, now: datetime) -> dict[str, int]: ...


def demand_of(request: FtaRequest, declined: frozenset[str] = frozenset()) -> Demand:
    """What the hard rules read of a request: its type, segment, region, the seller's zone,
    the workloads, the customer; ``declined``: the FTAs the engine must pass over (a manager
    may still pick one of them by hand); its deadline, past which the late lane's rule applies
    (domain/queue.py)."""
    values = request.values
    return Demand(str(request.id), request.type_key or "", values.get("segment", ""),
                  values.get("region", ""), request.requester.timezone,
                  tuple(w for w in values.get("workloads", "").split(",") if w),
                  values.get("customer", ""), declined, request.deadline)
