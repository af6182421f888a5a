"""The Bot Framework's signing keys, fetched without holding up the process.

botbuilder 4.17 fetches the OpenID metadata and its keys with blocking `requests.get`, no
time-out, on the event loop: on the first authenticated request, daily, and for an unknown key
id. While that endpoint hung, nothing else ran (/healthz included). Every botbuilder token
check looks its keys up in one class-level cache, `JwtTokenExtractor.metadataCache`, keyed by
metadata URL; `install` puts `SigningKeys` in its place, so each URL's keys come from a
`KeySet` here: fetched over aiohttp with a time-out, once for all who wait, and kept (and
used) while a refresh fails."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from botframework.connector.auth import JwtTokenExtractor
from jwt.algorithms import RSAAlgorithm

log = logging.getLogger(__name__)
DAY = 24 * 3600.0


class UnknownSigningKey(Exception):
    """The token names a key the metadata does not publish (now, or in the cache)."""


@dataclass(frozen=True)
class SigningKey:
    """What botbuilder's JwtTokenExtractor reads of a key: the key and its channels."""

    public_key: Any
    endorsements: list[str] = field(default_factory=list)


class KeySet:
    """The keys published at one metadata URL. Refreshed daily, and for an unknown key id at
    most once per ``retry_seconds``; a refresh that fails leaves the cached keys in use."""

    def __init__(self, metadata_url: str, timeout_seconds: float, *, max_age_seconds: float = DAY,
                 retry_seconds: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._url, self._timeout = metadata_url, timeout_seconds
        self._max_age, self._retry, self._clock = max_age_seconds, retry_seconds, clock
        self._keys: dict[str, SigningKey] = {}
        self._fresh_until = self._next_try = 0.0
        self._flight: asyncio.Task[dict[str, SigningKey]] | None = None

    async def get(self, key_id: str | None) -> SigningKey:
        now = self._clock()
        if not self._keys or now >= self._fresh_until or key_id not in self._keys:
            await self._refresh(now)
        found = self._keys.get(key_id or "")
        if found is None:
            raise UnknownSigningKey(f"no signing key {key_id!r} at {self._url}")
        return found

    async def _refresh(self, now: float) -> None:
        if self._keys and now < self._next_try:
            return  # refreshed (or tried) a moment ago: the cached keys will do
        flight = self._flight
        if flight is None or flight.done() or flight.get_loop() is not asyncio.get_running_loop():
            self._next_try = now + self._retry
            flight = self._flight = asyncio.ensure_future(self._fetch())
        try:
            self._keys = await asyncio.shield(flight)
            self._fresh_until = now + self._max_age
        except Exception as error:
            if not self._keys:
                raise
            log.warning("signing keys not refreshed (%s); the cached ones stay in use",
                        type(error).__name__)

    async def _fetch(self) -> dict[str, SigningKey]:
        async with aiohttp.ClientSession(raise_for_status=True) as session, \
                asyncio.timeout(self._timeout):
            async with session.get(self._url) as response:
                metadata = await response.json(content_type=None)
            async with session.get(metadata["jwks_uri"]) as response:
                published = await response.json(content_type=None)
        return {key["kid"]: SigningKey(RSAAlgorithm.from_jwk(json.dumps(key)),
                                       list(key.get("endorsements") or []))
                for key in published["keys"] if key.get("kty") == "RSA" and key.get("kid")}


class SigningKeys(dict[str, KeySet]):
    """botbuilder's metadata cache: a KeySet for whichever metadata URL it asks for."""

    def __init__(self, timeout_seconds: float, clock: Callable[[], float]) -> None:
        super().__init__()
        self._timeout, self._clock = timeout_seconds, clock

    def get(self, metadata_url: str, default: Any = None) -> KeySet:
        found = super().get(metadata_url)
        if found is None:
            found = self[metadata_url] = KeySet(metadata_url, self._timeout, clock=self._clock)
        return found


def install(timeout_seconds: float, clock: Callable[[], float] = time.time) -> None:
    """From now on botbuilder's token checks take their keys from SigningKeys; ``clock`` (in
    seconds) tells when keys are a day old."""
    JwtTokenExtractor.metadataCache = SigningKeys(timeout_seconds, clock)
