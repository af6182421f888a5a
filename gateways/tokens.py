"""App-only access tokens for Graph and for the Bot Connector: msal's client-credentials flow
(an app id and secret) or a user-assigned managed identity (msal's ManagedIdentityClient, from
the identity endpoint Azure gives the host: IDENTITY_ENDPOINT with IDENTITY_HEADER, else the
instance metadata service). msal blocks, so a token is fetched in a thread, and only when the
cached one is within five minutes of expiring: a send never waits on the network for a token
it has."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import msal
import requests

from domain.outbox import DeliveryError

EARLY_SECONDS = 300
IDENTITY_TIMEOUT_SECONDS = 10.0


class _CachedTokens:
    """A token kept until five minutes before it expires; ``acquire`` (blocking) gets a new
    one and says how long it lives."""

    def __init__(self, acquire: Callable[[], tuple[str, float]]) -> None:
        self._acquire = acquire
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


class AppTokens(_CachedTokens):
    def __init__(self, *, authority: str, client_id: str, client_secret: str,
                 scope: str) -> None:
        super().__init__(self._from_secret)
        self._authority, self._client = authority, (client_id, client_secret)
        self._scope = scope
        self._msal: msal.ConfidentialClientApplication | None = None

    def _from_secret(self) -> tuple[str, float]:
        if self._msal is None:  # its constructor reads the authority's metadata: not at start-up
            self._msal = msal.ConfidentialClientApplication(
                self._client[0], client_credential=self._client[1], authority=self._authority,
                validate_authority=False, instance_discovery=False)
        result = self._msal.acquire_token_for_client(scopes=[self._scope])
        if "access_token" not in result:
            raise DeliveryError(f"no token for {self._scope}: "
                                f"{result.get('error', 'unknown error')}")
        return str(result["access_token"]), float(result.get("expires_in", 3600))


class ManagedIdentityTokens(_CachedTokens):
    """Tokens of a user-assigned managed identity (its client id) for one resource, such as
    https://api.botframework.com: no secret, no tenant, no authority to name."""

    def __init__(self, *, client_id: str, resource: str) -> None:
        super().__init__(self._from_identity)
        self._client_id, self._resource = client_id, resource
        self._msal: msal.ManagedIdentityClient | None = None

    def _from_identity(self) -> tuple[str, float]:
        if self._msal is None:
            self._msal = msal.ManagedIdentityClient(
                msal.UserAssignedManagedIdentity(client_id=self._client_id),
                http_client=_TimedSession())
        result = self._msal.acquire_token_for_client(resource=self._resource)
        if "access_token" not in result:
            raise DeliveryError(f"no managed identity token for {self._resource}: "
                                f"{result.get('error', 'unknown error')}")
        return str(result["access_token"]), float(result.get("expires_in", 3600))


class _TimedSession(requests.Session):
    """An identity endpoint that hangs must not hold a send (and its thread) for ever."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", IDENTITY_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)
