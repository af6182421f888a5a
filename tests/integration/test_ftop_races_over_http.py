"""The seller's withdrawal and the FTA's action on the same FTOP record at the same moment,
over HTTP on the real app: each reads the record, changes it and stores it whole. Whichever
stores second no longer overwrites the first unseen: the withdrawal reads the record again
and withdraws over the FTA's change; the FTA's action is refused with a message that says
why. The moment is made exact by holding one read of the record until the other side is done."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from domain.ftop import FIRST_CONTACT, EnterpriseAssignment, TaskState
from domain.requests import State
from storage.ftop import SqlFtopGateway
from tests.integration.test_assignment_work_over_http import accepted, ftop_record
from tests.integration.test_offers_over_http import request_state
from tests.support.driver import texts_of


class HeldRead:
    """Holds the next read of an FTOP record, once armed, until released."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.armed, self.read, self.go = False, asyncio.Event(), asyncio.Event()
        get = SqlFtopGateway.get

        async def held(gateway: SqlFtopGateway, request_id: int) -> EnterpriseAssignment | None:
            found = await get(gateway, request_id)
            if self.armed:
                self.armed = False
                self.read.set()
                await self.go.wait()
            return found

        monkeypatch.setattr(SqlFtopGateway, "get", held)

    async def while_held(self, press: Any) -> asyncio.Task[Any]:
        """Start ``press`` (a coroutine) and return once it has read the record."""
        self.armed = True
        task = asyncio.create_task(press)
        await asyncio.wait_for(self.read.wait(), 10)
        return task


async def test_an_fta_action_that_read_before_a_withdrawal_is_refused_not_stored(
        bot, connector, database_url, monkeypatch) -> None:
    architect, seller, request_id, _ = await accepted(bot, connector, database_url,
                                                      "discovery_workshop")
    hold = HeldRead(monkeypatch)
    done = await hold.while_held(architect.press("call_completed", {"request_id": request_id}))

    withdrawn = await seller.press("withdraw_request", {"request_id": request_id})
    hold.go.set()
    refused = await done

    assert "Withdrawn by the seller" in texts_of(withdrawn["value"])
    assert refused["value"].startswith("Someone else changed this request's FTOP record")
    record = await ftop_record(database_url, request_id)
    assert record.task(FIRST_CONTACT).state is TaskState.WITHDRAWN  # not "done" over it
    assert [r.kind for r in record.reviews] == ["request"]
    assert await request_state(database_url, request_id) is State.WITHDRAWN


async def test_a_withdrawal_that_read_before_an_fta_action_withdraws_over_it(
        bot, connector, database_url, monkeypatch) -> None:
    architect, seller, request_id, _ = await accepted(bot, connector, database_url,
                                                      "discovery_workshop")
    hold = HeldRead(monkeypatch)
    withdrawing = await hold.while_held(seller.press("withdraw_request",
                                                     {"request_id": request_id}))

    done = await architect.press("call_completed", {"request_id": request_id})
    hold.go.set()
    withdrawn = await withdrawing

    assert "Task 3298 done" in texts_of(done["value"])
    assert "Withdrawn by the seller" in texts_of(withdrawn["value"])
    record = await ftop_record(database_url, request_id)
    assert record.task(FIRST_CONTACT).state is TaskState.DONE  # the FTA's work is kept
    assert [r.kind for r in record.reviews][-2:] == ["key_outputs", "request"]
    assert await request_state(database_url, request_id) is State.WITHDRAWN
