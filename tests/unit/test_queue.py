"""The deadline queue: on-time requests earliest deadline first (lighter first among those due
the same day), then those past their deadline by more than the hold (longest overdue first),
then the held ones, which may only take an FTA who keeps the reserve free."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.queue import DEFAULT_HOLD, DeadlineQueue, LateLane, lane_of, order_waiting, serve_order

NOW = datetime(2027, 2, 3, 15, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)


def test_requests_that_can_still_meet_their_deadline_go_first_earliest_deadline_first() -> None:
    waiting = [(at(-10), "late", "late"), (at(30), "later", "later"), (at(5), "soon", "soon")]

    assert order_waiting(waiting, NOW) == [("soon", "on_time"), ("later", "on_time"),
                                           ("late", "held")]


SIZES = {"workshop": 45, "review": 20, "migration": 5}  # points x estimated business days
DAY = timedelta(hours=24)


def size(name: str) -> int:
    return SIZES[name.split("-")[0]]


def test_on_time_requests_due_the_same_day_go_lighter_first_and_the_next_days_after() -> None:
    waiting = [(at(5), "workshop", "workshop"), (at(10), "review", "review"),
               (at(20), "migration", "migration"), (at(30), "migration-tomorrow",
                                                    "migration-tomorrow"),
               (at(-2), "workshop-late", "workshop-late")]

    lighter = order_waiting(waiting, NOW, lighter_first=DAY, size=size)
    by_deadline = order_waiting(waiting, NOW, lighter_first=timedelta(0), size=size)

    assert [item for item, _ in lighter] == ["migration", "review", "workshop",
                                             "migration-tomorrow", "workshop-late"]
    assert [item for item, _ in by_deadline] == ["workshop", "review", "migration",
                                                 "migration-tomorrow", "workshop-late"]


def test_past_the_hold_a_request_comes_after_the_on_time_ones_and_before_the_held_ones() -> None:
    week = DEFAULT_HOLD / timedelta(hours=1)
    waiting = [(at(-week - 1), "aged", "aged"), (at(1), "soon", "soon"),
               (at(-2), "late", "late"), (at(-week - 100), "older", "older")]

    assert [item for item, _ in order_waiting(waiting, NOW)] == ["soon", "older", "aged",
                                                                 "late"]
    assert [lane_of(d, NOW) for d, _, _ in waiting] == ["overdue", "on_time", "held", "overdue"]


def test_a_held_request_must_leave_the_reserve_free_and_an_overdue_one_need_not() -> None:
    lane = LateLane(hold=timedelta(days=7), reserve=3)

    assert lane.keep_free(at(5), NOW) == 0
    assert lane.keep_free(at(-5), NOW) == 3
    assert lane.keep_free(at(-7 * 24 - 1), NOW) == 0
    assert lane.keep_free(None, NOW) == 0  # no deadline: nothing to hold it for
    assert lane.held_until(at(-5)) == at(-5 + 7 * 24)


def test_the_queue_keeps_its_order_as_requests_come_and_go() -> None:
    queue: DeadlineQueue[str] = DeadlineQueue()
    for hours, key in ((5, "b"), (-200, "a"), (5, "c"), (-1, "d")):
        queue.add(at(hours), key, key)
    queue.remove(at(5), "b")

    assert queue.in_order(NOW) == [("c", "on_time"), ("a", "overdue"), ("d", "held")]
    lanes = queue.lanes(NOW)
    assert (lanes.on_time, lanes.overdue, lanes.held, lanes.waiting) == (1, 1, 1, 3)


@given(st.lists(st.integers(min_value=-400, max_value=300), max_size=40),
       st.integers(min_value=1, max_value=300))
def test_lanes_keep_their_order_and_each_lane_is_served_earliest_deadline_first(
        deadlines: list[int], hold_hours: int) -> None:
    """Every request once; on time before overdue before held; within each lane by deadline,
    so no overdue request is passed over by another past the hold with a later deadline."""
    hold = timedelta(hours=hold_hours)
    entries = sorted((at(h), f"r{i:03d}", (h, i)) for i, h in enumerate(deadlines))
    order = list(serve_order(entries, NOW, hold))

    assert sorted(item for item, _ in order) == sorted((h, i) for i, h in enumerate(deadlines))
    ranks = {"on_time": 0, "overdue": 1, "held": 2}
    assert [ranks[lane] for _, lane in order] == sorted(ranks[lane] for _, lane in order)
    for (hours, _), lane in order:
        assert lane == lane_of(at(hours), NOW, hold)
    for wanted in ranks:
        in_lane = [hours for (hours, _), lane in order if lane == wanted]
        assert in_lane == sorted(in_lane)


@given(st.lists(st.tuples(st.integers(min_value=-400, max_value=300),
                          st.sampled_from(sorted(SIZES))), max_size=40),
       st.integers(min_value=1, max_value=72))
def test_lighter_first_only_reorders_on_time_requests_due_in_the_same_slot(
        waiting: list[tuple[int, str]], slot_hours: int) -> None:
    """The same requests in the same lanes; an on-time request is never passed over by one
    due a slot later; within a slot, never by a heavier one; the late lanes as before."""
    slot = timedelta(hours=slot_hours)
    entries = sorted((at(h), f"r{i:03d}", (h, kind, i)) for i, (h, kind) in enumerate(waiting))
    plain = list(serve_order(entries, NOW))
    lighter = list(serve_order(entries, NOW, lighter_first=slot, size=lambda e: SIZES[e[1]]))

    assert sorted(lighter) == sorted(plain)
    assert [x for x in lighter if x[1] != "on_time"] == [x for x in plain if x[1] != "on_time"]
    on_time = [(at(h) - NOW) // slot for (h, _, _), lane in lighter if lane == "on_time"]
    assert on_time == sorted(on_time)
    keys = [((at(h) - NOW) // slot, SIZES[kind]) for (h, kind, _), lane in lighter
            if lane == "on_time"]
    assert keys == sorted(keys)
