"""Retry decisions and Teams' rate limits, as pure functions of time."""

from __future__ import annotations

import random

import pytest

from domain.outbox import RetryPolicy, parse_retry_after
from domain.rate import TEAMS_PER_CONVERSATION, SlidingWindows, seconds_until_room, with_margin


@pytest.mark.parametrize("status", [0, 408, 412, 429, 500, 502, 503, 504])
def test_transient_answers_are_retried_with_growing_jittered_delays(status: int) -> None:
    policy, rng = RetryPolicy(max_attempts=6, base_seconds=1.0), random.Random(7)
    delays = [policy.delay(attempt, status, None, rng) for attempt in range(1, 6)]
    for attempt, delay in enumerate(delays, start=1):
        ceiling = 2.0 ** (attempt - 1)
        assert delay is not None and ceiling / 2 <= delay <= ceiling
    assert policy.delay(6, status, None, rng) is None  # the last try is spent: dead letter


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413])
def test_other_client_errors_are_never_retried(status: int) -> None:
    assert RetryPolicy().delay(1, status, None) is None


def test_retry_after_is_a_floor_and_the_backoff_is_capped() -> None:
    policy = RetryPolicy(max_attempts=30, base_seconds=1.0, cap_seconds=60.0)
    assert policy.delay(1, 429, 12.0) == 12.0
    assert policy.delay(20, 503, None) <= 60.0  # type: ignore[operator]


@pytest.mark.parametrize(("header", "seconds"), [("3", 3.0), ("0.5", 0.5), ("", None),
                                                 (None, None), ("soon", None), ("-1", None)])
def test_retry_after_is_read_as_seconds(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


def test_a_conversation_gets_at_most_seven_sends_a_second_and_eight_in_two() -> None:
    limits = SlidingWindows(TEAMS_PER_CONVERSATION)
    sent, now = [], 0.0
    while len(sent) < 20:
        wait = limits.wait("conversation", now)
        if wait > 0:
            now += wait
            continue
        limits.record("conversation", now)
        sent.append(now)
    for i, start in enumerate(sent):
        assert sum(1 for t in sent[i:] if t < start + 1.0) <= 7
        assert sum(1 for t in sent[i:] if t < start + 2.0) <= 8
    assert sent[7] >= 1.0 and sent[8] >= 2.0  # the 8th waits a second, the 9th two


def test_limits_are_kept_per_key() -> None:
    limits = SlidingWindows([(1, 1.0)])
    limits.record("a", 0.0)
    assert limits.wait("a", 0.5) == pytest.approx(0.5)
    assert limits.wait("b", 0.5) == 0.0


def test_room_is_what_the_busiest_key_may_still_send() -> None:
    limits = SlidingWindows([(3, 1.0)])
    assert limits.room(0.0) == 3
    limits.record("a", 0.0)
    limits.record("a", 0.1)
    limits.record("b", 0.2)
    assert limits.room(0.5) == 1  # "a" sent twice of three
    limits.record("a", 0.5)
    assert limits.room(0.6) == 0
    assert limits.wait_for_room(0.6) == pytest.approx(0.4)  # "a"'s first send ages out at 1.0
    assert limits.room(1.05) == 1


def test_the_shared_ledger_keeps_every_window_a_little_longer_than_teams_does() -> None:
    assert with_margin(((7, 1.0), (60, 30.0)), margin=0.25) == ((7, 1.25), (60, 30.25))


def test_a_send_waits_for_the_window_that_frees_last() -> None:
    windows = ((7, 1.0), (8, 2.0), (60, 30.0))
    assert seconds_until_room(windows, (0.25, 0.5, None)) == 1.5
    assert seconds_until_room(windows, (None, None, None)) == 0.0
