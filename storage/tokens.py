"""App-only access tokens from msal's client-credentials flow, for Graph and for the Bot
Connector. msal blocks, so a token is fetched in a thread, and only when the cached one is
within five minutes of expiring: a send never waits on the network for a token it has."""

from __future__ import annotations

import asyncio
import time

import msal

from domain.outbox import DeliveryError

EARLY_SECONDS = 300


class AppTokens:
    def __init__(self, *, authority: str, client_id: str, client_secret: str,
                 scope: str) -> None:
        self._authority, self._client = authority, (client_id, client_secret)
        self._scope = scope
        self._msal: msal.ConfidentialClientApplication | None = None
        self._token, self._expires = "", 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        if time.monotonic() < self._expires:
            return self._token
        async with self._lock:  # one fetch, however many sends wait for it
            if time.monotonic() >= self._expires:
                self._token, lifetime = await asyncio.to_thread(self._acquire)
                self._expires = time.monotonic() + max(0.0, lifetime - EARLY_SECONDS)
        return self._token

    def _acquire(self) -> tuple[str, float]:
        if self._msal is None:  # its constructor reads the authority's metadata: not at start-up
            self._msal = msal.ConfidentialClientApplication(
                self._client[0], client_credential=self._client[1], authority=self._authority,
                validate_authority=False, instance_discovery=False)
        result = self._msal.acquire_token_for_client(scopes=[self._scope])
        if "access_token" not in result:
            raise DeliveryError(f"no token for {self._scope}: "
                                f"{result.get('error', 'unknown error')}")
        return str(result["access_token"]), float(result.get("expires_in", 3600))
