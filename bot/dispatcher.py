"""Delivers the outbox: lane heads are leased, sent within Teams' rate limits, and recorded.
A failure Teams or Graph asks us to retry waits (exponential backoff with jitter, at least
Retry-After); anything else, or the last try, puts the item in the dead-letter state and the
FTA managers' channel is told. Every instance runs one; the lease keeps them apart, and the
shared send ledger keeps their sends together within Teams' limits."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Protocol

from bot.connector import BotConnector
from domain.conversations import CardPost, CardPosts
from domain.outbox import DEAD_LETTER_NOTICE, DeliveryError, Kind, Notice, OutboxItem, RetryPolicy
from domain.rate import TEAMS_PER_CONVERSATION, Limits, SendLedger, SlidingWindows, with_margin

log = logging.getLogger(__name__)
PRUNE_EVERY_SECONDS = 60.0  # the ledger's old rows; each instance prunes, any one would do
Deliver = Callable[[dict[str, Any]], Awaitable[str]]
OnDead = Callable[[OutboxItem], Awaitable[None]]


class NotRecorded(Exception):
    """A send went through but the database did not take the record of it."""


class OutboxStore(Protocol):
    async def claim(self, worker: str, lease: timedelta, limit: int) -> list[OutboxItem]: ...

    async def delivered(self, item_id: int, result: str = "") -> None: ...

    async def skipped(self, item_id: int) -> None: ...

    async def dead(self, item_id: int, status: int) -> None: ...

    async def retry_later(self, item: OutboxItem, status: int, delay_seconds: float) -> None: ...

    async def postpone(self, item: OutboxItem, delay_seconds: float) -> None: ...

    async def superseded(self, item: OutboxItem) -> bool: ...


class Dispatcher:
    def __init__(self, *, store: OutboxStore, posts: CardPosts, connector: BotConnector,
                 ledger: SendLedger, worker: str, policy: RetryPolicy,
                 undelivered: Callable[[OutboxItem, int], Awaitable[None]],
                 unit_of_work: Callable[[], Any], deliverers: dict[Kind, Deliver] | None = None,
                 tenant_rate: int = 30, batch: int = 32,
                 lease: timedelta = timedelta(seconds=60)) -> None:
        self._store, self._posts, self._connector = store, posts, connector
        self._ledger = ledger
        # A round's sends reserve one after the other: they would queue for their tenant's
        # lock in the database anyway, each holding a pooled connection the turns need.
        self._reserving = asyncio.Lock()
        self._worker, self._policy = worker, policy
        self._undelivered, self._unit_of_work = undelivered, unit_of_work
        self._deliverers = deliverers or {}
        self._on_dead: dict[str, OnDead] = {}
        self._per_conversation = with_margin(TEAMS_PER_CONVERSATION)
        self._per_tenant = with_margin([(tenant_rate, 1.0)])
        # This instance's own sends: a claim takes no more than they leave room for (the
        # ledger, which counts every instance's, may leave less).
        self._tenants = SlidingWindows(self._per_tenant)
        self._next_prune = 0.0
        self._batch, self._lease = batch, lease
        self._wake = asyncio.Event()
        self._next_due = float("inf")  # monotonic time of the soonest item held back here
        self._tenant_full_until = 0.0  # no claims before this: a tenant's budget is spent

    def on_dead(self, purpose: str, callback: OnDead) -> None:
        """Call ``callback`` when an item whose purpose names ``purpose`` goes dead."""
        self._on_dead[purpose] = callback

    def wake(self) -> None:
        """Something was just written: look now rather than at the next poll."""
        self._wake.set()

    async def run_forever(self, poll_seconds: float = 1.0) -> None:
        while True:
            try:
                await self._prune_now_and_then()
                busy = await self.deliver_due()
            except Exception:  # the database went away, say: try again at the next poll
                log.exception("outbox delivery round failed")
                busy = 0
            if not busy:
                # Until woken by a commit, the poll, or the next item this process held back.
                now = time.monotonic()
                held = self._tenant_full_until if self._tenant_full_until > now else float("inf")
                pause = min(poll_seconds, max(0.0, min(self._next_due, held) - now))
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
                # that arrives as the wait ends, and the app's shutdown then waits forever.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(pause):
                        await self._wake.wait()
                self._wake.clear()
                self._next_due = float("inf")

    async def deliver_due(self) -> int:
        """Lease what is due, deliver it lane by lane concurrently; how many items were tried
        (not counting those put back for Teams' rate limits)."""
        if time.monotonic() < self._tenant_full_until:
            return 0  # the tenant's budget is spent: claiming now would only put items back
        # No more than the tenant's budget can send now: each item claimed beyond it would
        # only be written back (postponed), its lane held, and claimed again a second later.
        now = time.monotonic()
        room = self._tenants.room(now)
        if room == 0:
            self._tenant_full_until = now + self._tenants.wait_for_room(now)
            return 0
        lease_end = now + self._lease.total_seconds()  # ours, from the claim on
        items = await self._store.claim(self._worker, self._lease, min(self._batch, room))
        tried = await asyncio.gather(*(self._deliver(item, lease_end) for item in items))
        return sum(tried)

    async def drain(self, timeout_seconds: float = 10.0,
                    waiting: Callable[[], Awaitable[int]] | None = None) -> None:
        """Deliver until nothing is left to try (retries included), or the time is up."""
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            if not await self.deliver_due() and (waiting is None or not await waiting()):
                return
            await asyncio.sleep(0.01)
        raise TimeoutError("the outbox did not drain in time")

    async def _deliver(self, item: OutboxItem, lease_end: float) -> bool:
        """Try to deliver ``item``; False when it was put back for a rate limit."""
        try:
            if item.attempts > self._policy.max_attempts:  # leased again and again: a crash loop
                await self._give_up(item, 0)
                return True
            wait = await self._rate_wait(item.notice)
            if wait > 0:  # back in the queue, lane and all: no round waits for one lane
                await self._store.postpone(item, wait)
                self._next_due = min(self._next_due, time.monotonic() + wait)
                return False
            result = await self._send(item, lease_end)
        except DeliveryError as error:
            delay = self._policy.delay(item.attempts, error.status, error.retry_after)
            if delay is None:
                await self._give_up(item, error.status)
            else:
                log.info("outbox item %s: HTTP %s, retry %s in %.2fs", item.id, error.status,
                         item.attempts + 1, delay)
                await self._store.retry_later(item, error.status, delay)
                self._next_due = min(self._next_due, time.monotonic() + delay)
            return True
        except NotRecorded:
            log.error("outbox item %s was sent but could not be recorded; it goes again when "
                      "its lease lapses", item.id)
            return True
        except Exception:  # the database out of reach, or a bug: never silently lost
            log.exception("outbox item %s could not be handled; tried again when its lease "
                          "lapses, given up after %s tries", item.id, self._policy.max_attempts)
            return True
        if result is None:
            await self._store.skipped(item.id)
        return True

    async def _send(self, item: OutboxItem, lease_end: float) -> str | None:
        notice = item.notice
        if notice.kind is Kind.POST:
            return await self._post(item, lease_end)
        if notice.kind is Kind.UPDATE:
            return await self._update(item, lease_end)
        deliver = self._deliverers.get(notice.kind)
        if deliver is None:
            raise DeliveryError(f"nothing delivers {notice.kind} here", 501)
        result = await deliver(notice.payload)
        await self._recorded(item, lambda: self._store.delivered(item.id, result), lease_end)
        return result

    async def _post(self, item: OutboxItem, lease_end: float) -> str:
        payload = item.notice.payload
        reference = payload["reference"]
        conversation = reference["conversation"]["id"]
        thread = payload.get("thread_of")
        if thread:
            parent = await self._posts.get(int(thread[0]), str(thread[1]))
            if parent is not None:  # else the thread's first post never went: a new post
                conversation = f"{conversation};messageid={parent.activity_id}"
        activity = {**payload["activity"], "conversation": {**reference["conversation"],
                                                            "id": conversation},
                    "from": reference.get("bot"), "channelId": reference.get("channelId")}
        posted = await self._connector.post(reference["serviceUrl"], conversation, activity)

        async def record() -> None:
            async with self._unit_of_work():
                await self._store.delivered(item.id, posted)
                remember = payload.get("remember")
                if remember and posted:
                    await self._posts.remember(CardPost(int(remember[0]), str(remember[1]),
                                                        reference, posted))

        await self._recorded(item, record, lease_end)
        return posted

    async def _update(self, item: OutboxItem, lease_end: float) -> str | None:
        payload = item.notice.payload
        post = await self._posts.get(int(payload["request_id"]), str(payload["role"]))
        if post is None or await self._store.superseded(item):
            return None  # the card never went out, or a newer version of it follows
        reference = post.reference
        activity = {**payload["activity"], "conversation": reference["conversation"],
                    "from": reference.get("bot"), "channelId": reference.get("channelId")}
        await self._connector.update(reference["serviceUrl"], reference["conversation"]["id"],
                                     post.activity_id, activity)
        await self._recorded(item, lambda: self._store.delivered(item.id, post.activity_id),
                             lease_end)
        return post.activity_id

    async def _recorded(self, item: OutboxItem, record: Callable[[], Awaitable[None]],
                        lease_end: float) -> None:
        """Record a send that Teams accepted. Teams takes no idempotency key, so an item whose
        lease lapses unrecorded is sent again: while the database is out of reach, keep
        trying until shortly before the lease ends."""
        deadline = lease_end - min(1.0, self._lease.total_seconds() / 10)
        pause = 0.05
        while True:
            try:
                await record()
                return
            except Exception as error:
                if time.monotonic() + pause > deadline:
                    raise NotRecorded from error
                log.warning("outbox item %s sent, not recorded yet (%s); trying again",
                            item.id, type(error).__name__)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 0.5)

    async def _rate_wait(self, notice: Notice) -> float:
        """Seconds until one more send stays within Teams' limits for the lane and tenant,
        across every instance; 0 means go, and the send has its place in the ledger."""
        if notice.kind not in (Kind.POST, Kind.UPDATE):
            return 0.0
        tenant = f"tenant:{notice.tenant_id}"
        async with self._reserving:
            waits = await self._ledger.reserve((
                Limits(f"conversation:{notice.lane}", self._per_conversation),
                Limits(tenant, self._per_tenant)))
        now = time.monotonic()
        if tenant in waits:  # hold every claim until the window frees (one tenant, usually)
            self._tenant_full_until = max(self._tenant_full_until, now + waits[tenant])
        if not waits:
            self._tenants.record(notice.tenant_id, now)
        return max(waits.values(), default=0.0)

    async def _prune_now_and_then(self) -> None:
        if time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        await self._ledger.prune()

    async def _give_up(self, item: OutboxItem, status: int) -> None:
        """Dead letter: kept for the record, and the managers hear what did not arrive."""
        log.warning("outbox item %s (%s) dead after %s attempts, last HTTP %s", item.id,
                    item.notice.kind, item.attempts, status)
        # The follow-up (an offer moved to the next FTA, say) commits with the dead letter: no
        # moment in between shows the outbox with nothing left to do while work remains.
        try:
            async with self._unit_of_work():
                await self._dead_letter(item, status)
                for purpose, callback in self._on_dead.items():
                    if purpose in item.notice.purpose:
                        await callback(item)
        except Exception:  # a follow-up that keeps failing must not hold its lane for ever
            log.exception("dead-letter follow-up for outbox item %s failed", item.id)
            async with self._unit_of_work():
                await self._dead_letter(item, status)

    async def _dead_letter(self, item: OutboxItem, status: int) -> None:
        await self._store.dead(item.id, status)
        if not item.notice.purpose.get(DEAD_LETTER_NOTICE):
            await self._undelivered(item, status)
