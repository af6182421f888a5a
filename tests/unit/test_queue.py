"""The deadline queue: on-time requests earliest deadline first, late ones after them, and
none past its deadline by more than the ageing allowance passed over by a fresher one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.queue import DeadlineQueue, lane_of, order_waiting, serve_order

NOW = datetime(2027, 2, 3, 15, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)


def test_requests_that_can_still_meet_their_deadline_go_first_earliest_deadline_first() -> None:
    waiting = [(at(-10), "late", "late"), (at(30), "later", "later"), (at(5), "soon", "soon")]

    assert order_waiting(waiting, NOW) == ["soon", "later", "late"]


def test_a_request_past_its_deadline_by_more_than_the_ageing_allowance_goes_ahead_of_all() -> None:
    waiting = [(at(-73), "aged", "aged"), (at(1), "soon", "soon"), (at(-2), "late", "late"),
               (at(-100), "older", "older")]

    assert order_waiting(waiting, NOW) == ["older", "aged", "soon", "late"]
    assert [lane_of(d, NOW) for d, _, _ in waiting] == ["overdue", "on_time", "late", "overdue"]


def test_the_queue_keeps_its_order_as_requests_come_and_go() -> None:
    queue: DeadlineQueue[str] = DeadlineQueue()
    for hours, key in ((5, "b"), (-80, "a"), (5, "c"), (-1, "d")):
        queue.add(at(hours), key, key)
    queue.remove(at(5), "b")

    assert queue.in_order(NOW) == ["a", "c", "d"]
    assert (queue.lanes(NOW).overdue, queue.lanes(NOW).on_time, queue.lanes(NOW).late) == (1, 1, 1)


@given(st.lists(st.integers(min_value=-300, max_value=300), max_size=40),
       st.integers(min_value=1, max_value=200))
def test_no_request_is_passed_over_by_a_fresher_one_once_past_the_ageing_bound(
        deadlines: list[int], ageing_hours: int) -> None:
    """The bound: ``ageing`` past its deadline, a request is served before every request
    whose deadline is later, whichever lane that one is in."""
    ageing = timedelta(hours=ageing_hours)
    entries = sorted((at(h), f"r{i:03d}", (h, i)) for i, h in enumerate(deadlines))
    order = list(serve_order(entries, NOW, ageing))

    assert sorted(order) == sorted((h, i) for i, h in enumerate(deadlines))
    for position, (hours, _) in enumerate(order):
        if at(hours) <= NOW - ageing:
            assert all(later >= hours for later, _ in order[position:])
    on_time = [hours for hours, _ in order if at(hours) > NOW]
    assert on_time == sorted(on_time)

