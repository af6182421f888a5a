"""Each Teams service URL is kept apart from the others: a bulkhead (at most so many calls in
flight to it) and a circuit breaker (after calls in a row got no answer, none for a pause).

Keyed by the whole service URL, never by host: Teams' regions share one host and differ by
path (…/amer/, …/emea/), and a hung region must not take the connection pool, the turns or
the outbox of the others with it. A call refused here fails at once with a DeliveryError
whose retry_after says when the service URL may be tried again."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from domain.circuit import CircuitBreaker
from domain.outbox import NO_ANSWER, DeliveryError

# Answers that mean the region is not serving: the call counts against the breaker.
NOT_SERVING = frozenset({NO_ANSWER, 502, 503, 504})


@dataclass
class _ServiceUrl:
    calls: asyncio.Semaphore
    breaker: CircuitBreaker
    in_flight: int = field(default=0)
    since: dict[object, float] = field(default_factory=dict)  # each call in flight: its start


class ServiceUrlGuard:
    MAX_SERVICE_URLS = 256  # Teams uses a handful; past this, idle ones are forgotten

    def __init__(self, max_calls: int = 16, failures_to_open: int = 5,
                 pause_seconds: float = 30.0) -> None:
        self._max_calls, self._failures, self._pause = max_calls, failures_to_open, pause_seconds
        self._urls: dict[str, _ServiceUrl] = {}

    @asynccontextmanager
    async def call(self, service_url: str, patience_seconds: float) -> AsyncIterator[None]:
        """Hold one of the service URL's call slots for one call, waiting at most
        ``patience_seconds`` for it; the call's outcome (a DeliveryError's status, or none)
        feeds the breaker."""
        url = self._url(service_url)
        self._refuse_if_open(url)
        try:
            async with asyncio.timeout(patience_seconds):
                await url.calls.acquire()
        except TimeoutError:
            raise DeliveryError("too many calls in flight to this Teams service URL",
                                NO_ANSWER) from None
        this = object()
        try:
            self._refuse_if_open(url)  # it may have opened while this call waited
            url.breaker.start(time.monotonic())
            url.in_flight += 1
            url.since[this] = time.monotonic()
            try:
                yield
            except DeliveryError as error:
                if error.status in NOT_SERVING:
                    url.breaker.no_answer(time.monotonic())
                else:
                    url.breaker.answered()
                raise
            except BaseException:
                url.breaker.gave_up()
                raise
            url.breaker.answered()
        finally:
            url.since.pop(this, None)
            url.in_flight = max(url.in_flight - 1, 0)
            url.calls.release()

    def stuck(self, service_url: str, seconds: float) -> bool:
        """Every call slot of ``service_url`` is taken, and none was freed for another call
        these ``seconds``: a call now would wait behind calls that hang (the outbox puts such
        an item back rather than spend the tenant's send budget waiting behind them)."""
        url = self._urls.get(_key(service_url))
        if url is None or not url.calls.locked() or not url.since:
            return False
        return time.monotonic() - max(url.since.values()) > seconds

    def last_call_failed(self, service_url: str) -> bool:
        """The last call to ``service_url`` got no answer (or the breaker is open): another
        one now would most likely hang too."""
        url = self._urls.get(_key(service_url))
        return url is not None and url.breaker.last_call_failed

    def _refuse_if_open(self, url: _ServiceUrl) -> None:
        wait = url.breaker.wait(time.monotonic())
        if wait > 0:
            raise DeliveryError("this Teams service URL is not answering; not called for now",
                                NO_ANSWER, retry_after=wait)

    def _url(self, service_url: str) -> _ServiceUrl:
        key = _key(service_url)
        found = self._urls.get(key)
        if found is None:
            if len(self._urls) >= self.MAX_SERVICE_URLS:
                self._forget_idle()
            found = self._urls[key] = _ServiceUrl(
                asyncio.Semaphore(self._max_calls),
                CircuitBreaker(self._failures, self._pause))
        return found

    def _forget_idle(self) -> None:
        for key, url in list(self._urls.items()):
            if url.in_flight == 0 and not url.breaker.last_call_failed:
                del self._urls[key]


def _key(service_url: str) -> str:
    return service_url.rstrip("/").lower()
