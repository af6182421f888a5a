"""Offers reserve capacity in one serialized transaction: concurrent requests never over-fill
an architect and a request is never offered twice, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from domain.balancer import Load, Policy
from domain.offers import Offer, OfferError, OfferState
from domain.requests import FtaRequest, Requester, State
from domain.roster import Architect
from storage import migrate
from storage.assignments import SqlAssignmentDesk, offer_from
from storage.database import open_database
from storage.loads import counted, current
from storage.requests import SqlRequestRepository
from storage.roster import SqlRoster
from storage.tables import offers
from tests.conftest import FIXED_NOW, reset_postgres
from tests.support.requests import COMPLETE

SELLER = Requester("aad-seller", "Sam Seller", "America/New_York", "US")


def fta(id: str, capacity: int = 9, **fields) -> Architect:  # type: ignore[no-untyped-def]
    return Architect(id, id.title(), capacity, segments=frozenset({"enterprise"}),
                     regions=frozenset({"NA"}), timezone="America/New_York", **fields)


async def waiting_request(database, type_key: str = "discovery_workshop") -> int:  # type: ignore[no-untyped-def]
    repository = SqlRequestRepository(database)
    request = await repository.add(FtaRequest(SELLER, FIXED_NOW))
    request.choose_type(type_key)
    request.fill(COMPLETE[type_key])
    request.submit(FIXED_NOW, await repository.issue_number(FIXED_NOW))
    await repository.save(request)
    return request.id


async def test_concurrent_requests_never_overfill_an_architect(database) -> None:
    await SqlRoster(database).replace_all([fta("solo", capacity=7)])
    desk = SqlAssignmentDesk(database)
    ids = [await waiting_request(database) for _ in range(6)]  # 3 points each

    outcomes = await asyncio.gather(*(desk.offer_next(i, FIXED_NOW, Policy()) for i in ids))

    offered = [o for o in outcomes if o.offer is not None]
    assert len(offered) == 2  # 3 + 3 <= 7 < 9
    assert all("no capacity left" in o.decision.reason() for o in outcomes if o.offer is None)
    async with database.engine.connect() as connection:
        assert (await counted(connection, FIXED_NOW))["solo"].points == 6


async def test_many_requests_at_once_respect_every_capacity(database) -> None:
    roster = [fta(f"a{i}", capacity=c) for i, c in enumerate([3, 5, 7, 9, 4])]
    await SqlRoster(database).replace_all(roster)
    desk = SqlAssignmentDesk(database)
    ids = [await waiting_request(database, t) for t in
           ["discovery_workshop", "ecif_review", "migration_exception"] * 6]

    outcomes = await asyncio.gather(*(desk.offer_next(i, FIXED_NOW, Policy()) for i in ids))

    async with database.engine.connect() as connection:
        held = await counted(connection, FIXED_NOW)
    assert all(held[a.id].points <= a.capacity for a in roster if a.id in held)
    offered = [o.offer.request_id for o in outcomes if o.offer is not None]
    assert len(offered) == len(set(offered)) >= 5
    assert sum(load.points for load in held.values()) == sum(
        o.offer.weight for o in outcomes if o.offer is not None)
    assert all("no capacity left" in o.decision.reason() for o in outcomes if o.offer is None)


async def test_one_request_offered_concurrently_gets_one_offer(database) -> None:
    await SqlRoster(database).replace_all([fta("a"), fta("b")])
    desk = SqlAssignmentDesk(database)
    request_id = await waiting_request(database)

    outcomes = await asyncio.gather(*(desk.offer_next(request_id, FIXED_NOW, Policy())
                                      for _ in range(5)))

    assert sum(o.offer is not None for o in outcomes) == 1
    assert {o.note for o in outcomes if o.offer is None} == {"already offered"}


async def test_accept_assigns_the_request_and_only_the_offered_architect_may(database) -> None:
    await SqlRoster(database).replace_all([fta("a")])
    desk = SqlAssignmentDesk(database)
    request_id = await waiting_request(database)
    offer = (await desk.offer_next(request_id, FIXED_NOW, Policy())).offer
    assert offer is not None

    with pytest.raises(OfferError, match="someone else"):
        await desk.accept(offer.id, fta("intruder"), FIXED_NOW)
    accepted, assigned = await desk.accept(offer.id, fta("a"), FIXED_NOW)
    with pytest.raises(OfferError, match="already accepted"):
        await desk.accept(offer.id, fta("a"), FIXED_NOW)

    assert accepted.state is OfferState.ACCEPTED and accepted.engagement_ends_at is not None
    request = await SqlRequestRepository(database).get(request_id)
    assert request is not None and request.state is State.ASSIGNED
    assert request.agent_name == "A"
    assert assigned == request  # what accept returns is what was stored


async def test_an_offer_for_a_request_no_longer_waiting_cannot_be_accepted(database) -> None:
    """Should the request leave the FTA queue by any path while its offer is open, accepting
    the offer changes nothing rather than marking it accepted for an unassigned request."""
    await SqlRoster(database).replace_all([fta("a")])
    desk = SqlAssignmentDesk(database)
    repository = SqlRequestRepository(database)
    offer = (await desk.offer_next(await waiting_request(database), FIXED_NOW,
                                   Policy())).offer
    assert offer is not None
    request = await repository.get(offer.request_id)
    assert request is not None
    request.state = State.CANCELLED
    await repository.save(request)

    with pytest.raises(OfferError, match="no longer waiting"):
        await desk.accept(offer.id, fta("a"), FIXED_NOW)

    still = await desk.get(offer.id)
    assert still is not None and still.state is OfferState.OFFERED


async def test_a_decline_moves_the_next_offer_to_someone_else(database) -> None:
    await SqlRoster(database).replace_all([fta("a"), fta("b")])
    desk = SqlAssignmentDesk(database)
    request_id = await waiting_request(database)
    first = (await desk.offer_next(request_id, FIXED_NOW, Policy())).offer
    assert first is not None

    await desk.decline(first.id, first.architect_id, "on leave", FIXED_NOW)
    second = (await desk.offer_next(request_id, FIXED_NOW, Policy())).offer
    assert second is not None and second.architect_id != first.architect_id
    await desk.decline(second.id, second.architect_id, "too busy", FIXED_NOW)
    nobody = await desk.offer_next(request_id, FIXED_NOW, Policy())

    assert nobody.offer is None and nobody.escalate
    assert "2 declined this request or let it time out" in nobody.decision.reason()


async def test_a_roster_change_reaches_the_next_decision(database) -> None:
    """The desk keeps the roster between decisions; a change (an FTA leaving) must not be
    missed by the next one."""
    roster = SqlRoster(database)
    await roster.replace_all([fta("leaving", capacity=30)])
    desk = SqlAssignmentDesk(database)
    first = await desk.offer_next(await waiting_request(database), FIXED_NOW, Policy())
    assert first.offer is not None and first.offer.architect_id == "leaving"

    await roster.replace_all([fta("staying", capacity=30)])
    second = await desk.offer_next(await waiting_request(database), FIXED_NOW, Policy())

    assert second.offer is not None and second.offer.architect_id == "staying"
    assert second.architect is not None and second.architect.id == "staying"


async def test_an_offer_expires_only_once_its_time_is_up(database) -> None:
    await SqlRoster(database).replace_all([fta("a")])
    desk = SqlAssignmentDesk(database)
    offer = (await desk.offer_next(await waiting_request(database), FIXED_NOW, Policy())).offer
    assert offer is not None

    assert await desk.expire(offer.id, offer.expires_at - timedelta(minutes=1)) is None
    expired = await desk.expire(offer.id, offer.expires_at)
    assert expired is not None and expired.state is OfferState.EXPIRED
    assert await desk.waiting() == [offer.request_id]


async def test_loads_know_who_already_works_with_the_customer(database) -> None:
    """Continuity (the balancer's tie-break) needs to know which architects hold work for the
    request's customer; loads say so, summed in the same pass as the points."""
    await SqlRoster(database).replace_all([fta("busy", capacity=30), fta("idle", capacity=30)])
    desk = SqlAssignmentDesk(database)
    first = await desk.offer_next(await waiting_request(database), FIXED_NOW, Policy())
    assert first.offer is not None
    holder = first.offer.architect_id
    async with database.engine.connect() as connection:
        held = await counted(connection, FIXED_NOW, "Contoso Ltd")
        other = await counted(connection, FIXED_NOW, "Fabrikam")
    assert held[holder].customers == frozenset({"Contoso Ltd"}) and held[holder].points == 3
    assert other[holder].customers == frozenset() and other[holder].points == 3


async def test_kept_loads_always_equal_the_offers_summed(database) -> None:
    """Each architect's load is kept as offers change rather than summed at each decision; at
    every step of a random week (offers, accepts, declines, time-outs, a manager's assignment,
    engagements ending) what the next decision reads must equal the offers summed."""
    roster = [fta(name, capacity=12) for name in ("a", "b", "c")]
    await SqlRoster(database).replace_all(roster)
    desk = SqlAssignmentDesk(database)
    pick = random.Random(7)
    now = FIXED_NOW
    for step in range(60):
        open_offers = await _offers_in(database, OfferState.OFFERED)
        move = pick.choice(["offer", "offer", "accept", "decline", "expire", "by hand", "later"])
        if move == "offer" or (not open_offers and move != "later"):
            await desk.offer_next(await waiting_request(database, pick.choice(TYPES)), now,
                                  Policy())
        elif move == "accept":
            offer = pick.choice(open_offers)
            await desk.accept(offer.id, fta(offer.architect_id), now)
        elif move == "decline":
            offer = pick.choice(open_offers)
            await desk.decline(offer.id, offer.architect_id, "busy", now)
        elif move == "expire":
            offer = pick.choice(open_offers)
            await desk.expire(offer.id, offer.expires_at)
        elif move == "by hand":  # a request nobody holds an offer of, as managers get them
            await desk.assign_by_hand(await waiting_request(database, pick.choice(TYPES)),
                                      pick.choice(roster).id, now, Policy())
        else:  # some engagements end: 2 to 10 business days
            now += timedelta(days=pick.choice([1, 3, 9]))

        async with database.begin() as connection:
            kept = await current(connection, now, "Contoso Ltd")
        async with database.connect() as connection:
            summed = await counted(connection, now, "Contoso Ltd")
        assert _held(kept) == _held(summed), f"step {step}: {move}"


TYPES = ["discovery_workshop", "ecif_review", "migration_exception"]


def _held(loads: dict[str, Load]) -> dict[str, Load]:
    return {architect: load for architect, load in loads.items() if load.points}


async def _offers_in(database, state: OfferState) -> list[Offer]:  # type: ignore[no-untyped-def]
    async with database.connect() as connection:
        rows = (await connection.execute(select(offers).where(offers.c.state == state)
                                         )).mappings().all()
    return [offer_from(row) for row in rows]


async def test_a_database_upgraded_with_live_offers_counts_them(database_url: str) -> None:
    """Offers made before loads were kept (migration 0014) still weigh on the next decision."""
    if database_url.startswith("postgresql"):
        await reset_postgres(database_url)
    database = open_database(database_url)
    try:
        await migrate.upgrade(database, "0013")
        held = {"offered": ("a", None), "accepted": ("b", FIXED_NOW + timedelta(days=5)),
                "declined": ("c", None)}
        async with database.begin() as connection:
            await connection.execute(insert(offers), [
                {"request_id": n, "architect_id": architect, "weight": 3, "state": state,
                 "customer": "Contoso Ltd", "offered_at": FIXED_NOW, "expires_at": FIXED_NOW,
                 "engagement_ends_at": ends, "decision": {}}
                for n, (state, (architect, ends)) in enumerate(held.items())])
        await migrate.upgrade(database)

        async with database.begin() as connection:
            kept = await current(connection, FIXED_NOW, "Contoso Ltd")
        assert _held(kept) == {name: Load(3, FIXED_NOW, frozenset({"Contoso Ltd"}))
                               for name in ("a", "b")}
    finally:
        await database.dispose()
