"""The edge's admission gate: a bounded number of turns at once, the rest first come, first
served, and a turn that waits past its patience refused without running."""

from __future__ import annotations

import asyncio

import pytest

from bot.edge.admission import Admission, Busy


async def test_turns_beyond_the_limit_wait_and_start_in_arrival_order() -> None:
    gate = Admission(limit=2, patience_seconds=5)
    running, started, peak = 0, [], 0
    release = asyncio.Event()

    async def turn(number: int) -> None:
        nonlocal running, peak
        async with gate.turn():
            started.append(number)
            running += 1
            peak = max(peak, running)
            await release.wait()
            await asyncio.sleep(0)
            running -= 1

    tasks = [asyncio.create_task(turn(n)) for n in range(6)]
    await asyncio.sleep(0.01)
    assert started == [0, 1] and gate.waiting == 4
    release.set()
    await asyncio.gather(*tasks)
    assert started == list(range(6)) and peak == 2 and gate.waiting == 0


async def test_a_turn_that_waits_past_its_patience_is_refused_and_frees_its_place() -> None:
    gate = Admission(limit=1, patience_seconds=0.05)
    hold = asyncio.Event()

    async def long_turn() -> None:
        async with gate.turn():
            await hold.wait()

    holder = asyncio.create_task(long_turn())
    await asyncio.sleep(0)
    with pytest.raises(Busy):
        async with gate.turn():
            pytest.fail("ran without a slot")
    assert gate.waiting == 0
    hold.set()
    await holder
    async with gate.turn():  # the refused turn took no slot with it
        assert gate.waiting == 0
