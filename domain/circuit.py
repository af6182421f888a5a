"""A circuit breaker: after so many calls in a row got no answer, stop calling for a pause,
then let one trial call through; its outcome closes the circuit or opens it again. The caller
passes the time in (monotonic seconds), so the breaker itself holds no clock."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CircuitBreaker:
    failures_to_open: int = 5
    pause_seconds: float = 30.0
    failures: int = 0  # in a row, since the last answer
    open_until: float = 0.0  # no calls before this (while failures_to_open are reached)
    trial_running: bool = False

    def is_open(self, now: float) -> bool:
        """No call may go now: the pause is running, or its one trial call is."""
        if self.failures < self.failures_to_open:
            return False
        return now < self.open_until or self.trial_running

    def wait(self, now: float) -> float:
        """Seconds until a call may be tried again; 0 when one may go now."""
        if not self.is_open(now):
            return 0.0
        return max(self.open_until - now, 0.0) or self.pause_seconds

    def start(self, now: float) -> None:
        """A call goes out (the caller checked is_open first)."""
        if self.failures >= self.failures_to_open:
            self.trial_running = True

    def answered(self) -> None:
        """The service answered (whatever it said): it is there."""
        self.failures, self.trial_running = 0, False

    def no_answer(self, now: float) -> None:
        self.failures += 1
        if self.failures >= self.failures_to_open:
            self.open_until, self.trial_running = now + self.pause_seconds, False

    def gave_up(self) -> None:
        """The call was abandoned by its caller before an outcome: neither, but the trial slot
        is free again."""
        self.trial_running = False

    @property
    def last_call_failed(self) -> bool:
        return self.failures > 0
