"""Requests round-trip through SQLite and PostgreSQL, and a stale save is refused."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from domain.requests import FtaRequest, ReceivedFile, Requester, StaleRequest, State
from storage.requests import SqlRequestRepository
from tests.conftest import FIXED_NOW
from tests.support.requests import COMPLETE

SELLER = Requester("aad-seller", "Sam Seller", "Europe/Paris", "FR")


async def test_a_submitted_request_round_trips(database) -> None:
    repository = SqlRequestRepository(database)
    request = await repository.add(FtaRequest(SELLER, FIXED_NOW))
    request.choose_type("discovery_workshop")
    request.fill(COMPLETE["discovery_workshop"])
    request.attach("sow", ReceivedFile("SOW.docx", "https://contoso.sharepoint.com/SOW.docx"))
    request.submit(FIXED_NOW, await repository.issue_number(FIXED_NOW))
    await repository.save(request)

    loaded = await repository.get(request.id)

    assert loaded == request
    assert loaded is not None and loaded.state is State.AWAITING_FTA
    assert loaded.number == f"FTA-2026-{request.id:05d}"
    assert loaded.deadline == request.deadline


async def test_a_save_from_an_older_read_is_refused(database) -> None:
    repository = SqlRequestRepository(database)
    request = await repository.add(FtaRequest(SELLER, FIXED_NOW))
    first, second = await repository.get(request.id), await repository.get(request.id)
    assert first is not None and second is not None
    first.choose_type("ecif_review")
    await repository.save(first)

    second.choose_type("sales_support")
    with pytest.raises(StaleRequest):
        await repository.save(second)
    assert (await repository.get(request.id)).type_key == "ecif_review"  # type: ignore[union-attr]


async def test_concurrent_saves_of_one_version_let_exactly_one_win(database) -> None:
    repository = SqlRequestRepository(database)
    request = await repository.add(FtaRequest(SELLER, FIXED_NOW))
    copies = [replace(request, values={}) for _ in range(5)]
    for number, copy in enumerate(copies):
        copy.choose_type("sales_support")
        copy.fill({"question": f"attempt {number}"})

    results = await asyncio.gather(*(repository.save(c) for c in copies),
                                   return_exceptions=True)

    assert sum(r is None for r in results) == 1
    assert all(isinstance(r, StaleRequest) for r in results if r is not None)


async def test_a_seller_sees_only_their_own_requests_newest_first(database) -> None:
    repository = SqlRequestRepository(database)
    mine = [await repository.add(FtaRequest(SELLER, FIXED_NOW)) for _ in range(3)]
    other = replace(SELLER, id="aad-someone-else")
    await repository.add(FtaRequest(other, FIXED_NOW))

    listed = await repository.list_of(SELLER.id)

    assert [r.id for r in listed] == [r.id for r in reversed(mine)]
    assert (await repository.draft_of(SELLER.id)).id == mine[-1].id  # type: ignore[union-attr]


async def test_numbers_come_from_a_counter_and_a_rolled_back_submission_gives_its_back(
        database) -> None:
    repository = SqlRequestRepository(database)
    await repository.add(FtaRequest(SELLER, FIXED_NOW))  # a draft never submitted: no number
    first = await repository.issue_number(FIXED_NOW)
    with pytest.raises(RuntimeError):
        async with database.unit_of_work():
            await repository.issue_number(FIXED_NOW)
            raise RuntimeError("the submission failed")
    second = await repository.issue_number(FIXED_NOW.replace(year=2027))

    assert (first, second) == ("FTA-2026-00001", "FTA-2027-00002")
    assert await repository.by_number("FTA-2026-00001") is None  # issued to no row here
