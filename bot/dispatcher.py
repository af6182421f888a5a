"""Delivers the outbox: lane heads are leased, sent within Teams' rate limits, and recorded.
A failure Teams or Graph asks us to retry waits (exponential backoff with jitter, at least
Retry-After); anything else, or the last try, puts the item in the dead-letter state and the
FTA managers' channel is told. Every instance runs one; the lease keeps them apart, and the
shared send ledger keeps their sends together within Teams' limits.

Each claimed item is delivered by a task of its own, and the claim loop never waits for them:
a send into a Teams region that hangs holds its own lane (the claim takes only a lane's oldest
live item, so the lane waits, in order) and a few of its service URL's call slots, never the
notices to other service URLs. An item whose service URL has no call slot free is put back at
once when the calls holding them all went unanswered for a while (a hung region), rather than
take the tenant's send budget and wait for one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Protocol

from bot.edge.connector import BotConnector
from domain.conversations import CardPost, CardPosts
from domain.outbox import DEAD_LETTER_NOTICE, DeliveryError, Kind, Notice, OutboxItem, RetryPolicy
from domain.rate import TEAMS_PER_CONVERSATION, Limits, SendLedger, SlidingWindows, with_margin

log = logging.getLogger(__name__)
PRUNE_EVERY_SECONDS = 60.0  # the ledger's old rows; each instance prunes, any one would do
# An item whose service URL's call slots are all held by calls unanswered for STUCK_SECONDS
# (a region that hangs, not one that is merely busy) is put back for SLOTS_TAKEN_SECONDS.
STUCK_SECONDS, SLOTS_TAKEN_SECONDS = 1.0, 1.0
# After a wake, while sends are in flight: a moment for more of them to finish, so that one
# claim takes the next items of several lanes rather than one claim per finished send.
GATHER_SECONDS = 0.02
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
                 tenant_rate: int = 30, batch: int = 32, max_in_flight: int = 256,
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
        # Items being delivered; a hung service URL holds no more of them than its call slots.
        self._in_flight: set[asyncio.Task[bool]] = set()
        self._max_in_flight = max_in_flight
        # Claimed items that have not yet taken (or been refused) their place in the ledger:
        # the tenant's room they will take is not in self._tenants yet.
        self._unplaced: set[int] = set()
        self._claiming = asyncio.Lock()
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
        try:
            while True:
                try:
                    await self._prune_now_and_then()
                    claimed_all = await self._claim_round()
                except Exception:  # the database went away, say: try again at the next poll
                    log.exception("outbox delivery round failed")
                    claimed_all = False
                if not claimed_all:  # else more may be due at once
                    await self._until_woken(poll_seconds)
        finally:  # shutting down: what is in flight goes again when its lease lapses
            for task in list(self._in_flight):
                task.cancel()
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def _until_woken(self, poll_seconds: float) -> None:
        """Until woken by a commit or a finished send, the poll, or the next item this
        process held back."""
        now = time.monotonic()
        held = self._tenant_full_until if self._tenant_full_until > now else float("inf")
        pause = min(poll_seconds, max(0.0, min(self._next_due, held) - now))
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
        # arrives as the wait ends, and the app's shutdown then waits forever.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(pause):
                await self._wake.wait()
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=GATHER_SECONDS)
        self._wake.clear()
        if self._next_due <= time.monotonic():
            self._next_due = float("inf")

    async def deliver_due(self) -> int:
        """Lease what is due and start delivering it, each item in a task of its own; how
        many items were started. Returns without waiting for them (see drain)."""
        return len((await self._claim())[0])

    async def _claim_round(self) -> bool:
        """Claim and start what is due; True when the claim was full (more may be due)."""
        items, limit = await self._claim()
        return limit > 0 and len(items) == limit

    def _claim_limit(self) -> int:
        if time.monotonic() < self._tenant_full_until:
            return 0  # the tenant's budget is spent: claiming now would only put items back
        # No more than the tenant's budget can send now: each item claimed beyond it would
        # only be written back (postponed), its lane held, and claimed again a second later.
        now = time.monotonic()
        room = max(self._tenants.room(now) - len(self._unplaced), 0)
        if room == 0 and not self._unplaced:
            self._tenant_full_until = now + self._tenants.wait_for_room(now)
            return 0
        return max(0, min(self._batch, room, self._max_in_flight - len(self._in_flight)))

    async def _claim(self) -> tuple[list[OutboxItem], int]:
        """Claim what is due and start a task for each item; the items, and the most that
        could have been claimed."""
        async with self._claiming:  # the loop's claim and a drain's count the same room
            limit = self._claim_limit()
            if limit <= 0:
                return [], 0
            lease_end = time.monotonic() + self._lease.total_seconds()  # ours, from now on
            items = await self._store.claim(self._worker, self._lease, limit)
            for item in items:
                self._unplaced.add(item.id)
                task = asyncio.create_task(self._deliver_logged(item, lease_end))
                self._in_flight.add(task)
                task.add_done_callback(self._finished)
        return items, limit

    def _finished(self, task: asyncio.Task[bool]) -> None:
        self._in_flight.discard(task)
        self._wake.set()  # the next item of its lane may be due now

    async def drain(self, timeout_seconds: float = 10.0,
                    waiting: Callable[[], Awaitable[int]] | None = None) -> None:
        """Deliver until nothing is left to try (retries included), or the time is up."""
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            started = await self.deliver_due()
            if self._in_flight:
                await asyncio.wait(set(self._in_flight), return_when=asyncio.FIRST_COMPLETED,
                                   timeout=max(deadline - time.monotonic(), 0.0))
                continue
            if not started and (waiting is None or not await waiting()):
                return
            await asyncio.sleep(0.01)
        raise TimeoutError("the outbox did not drain in time")

    async def _deliver_logged(self, item: OutboxItem, lease_end: float) -> bool:
        try:
            return await self._deliver(item, lease_end)
        except Exception:  # a dead-letter follow-up that failed twice, say: its lease lapses
            log.exception("outbox item %s could not be handled", item.id)
            return True
        finally:
            self._unplaced.discard(item.id)

    async def _deliver(self, item: OutboxItem, lease_end: float) -> bool:
        """Try to deliver ``item``; False when it was put back for a rate limit."""
        try:
            if item.attempts > self._policy.max_attempts:  # leased again and again: a crash loop
                await self._give_up(item, 0)
                return True
            post, wait = await self._place(item)
            if wait > 0:  # back in the queue, lane and all: no round waits for one lane
                await self._store.postpone(item, wait)
                self._next_due = min(self._next_due, time.monotonic() + wait)
                return False
            result = await self._send(item, post, lease_end)
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

    async def _place(self, item: OutboxItem) -> tuple[CardPost | None, float]:
        """The card an update replaces, and how long the item must wait: 0 means go, and it
        has its place in the ledger."""
        try:
            post = await self._card_post(item)
            if self._slots_taken(item, post):
                return post, SLOTS_TAKEN_SECONDS
            return post, await self._rate_wait(item.notice)
        finally:
            self._unplaced.discard(item.id)

    async def _card_post(self, item: OutboxItem) -> CardPost | None:
        """The earlier post an update replaces (None: not an update, or it never went)."""
        if item.notice.kind is not Kind.UPDATE:
            return None
        payload = item.notice.payload
        return await self._posts.get(int(payload["request_id"]), str(payload["role"]))

    def _slots_taken(self, item: OutboxItem, post: CardPost | None) -> bool:
        """Are the call slots of the item's service URL all held by sends that hang?"""
        if item.notice.kind is Kind.POST:
            reference = item.notice.payload["reference"]
        elif post is not None:
            reference = post.reference
        else:
            return False
        return self._connector.guard.stuck(str(reference.get("serviceUrl") or ""),
                                           STUCK_SECONDS)

    async def _send(self, item: OutboxItem, post: CardPost | None,
                    lease_end: float) -> str | None:
        notice = item.notice
        if notice.kind is Kind.POST:
            return await self._post(item, lease_end)
        if notice.kind is Kind.UPDATE:
            return await self._update(item, post, lease_end)
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

    async def _update(self, item: OutboxItem, post: CardPost | None,
                      lease_end: float) -> str | None:
        payload = item.notice.payload
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
