"""A local Bot Framework identity provider: our own RSA key, OpenID metadata and JWKS.

Served from a thread, not the test's event loop: botbuilder fetches them with blocking
requests.get, which would otherwise wait on the very loop it blocks. ``hang_keys`` makes the
key endpoint hold every request (up to a bound, so that a blocked loop still ends the test)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class IdentityProvider:
    def __init__(self, kid: str = "test-key") -> None:
        self.key, self.kid = new_key(), kid
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = {"keys": [{**jwk, "kid": kid, "use": "sig", "endorsements": ["msteams"]}]}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._hang_seconds = 0.0
        self._released = threading.Event()
        self.key_requests = 0

    def hang_keys(self, at_most_seconds: float = 3.0) -> None:
        """Hold each request for the keys until release_keys, or ``at_most_seconds``."""
        self._released.clear()
        self._hang_seconds = at_most_seconds

    def release_keys(self) -> None:
        self._hang_seconds = 0.0
        self._released.set()

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def __enter__(self) -> IdentityProvider:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.release_keys()
        self._server.shutdown()
        self._server.server_close()

    def token(self, audience: str, service_url: str, *, key: Any = None, kid: str | None = None,
              issuer: str = ISSUER, expires_in: int | None = 3600, not_before_in: int = 0,
              **claims: Any) -> str:
        """A signed token; ``expires_in=None`` leaves out ``exp``, as a forger might."""
        now = int(time.time())
        body = {"iss": issuer, "aud": audience, "iat": now, "nbf": now + not_before_in,
                "serviceurl": service_url, **claims}
        if expires_in is not None:
            body["exp"] = now + expires_in
        return jwt.encode(body, key or self.key, algorithm="RS256",
                          headers={"kid": kid or self.kid})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.endswith("openid-configuration"):
                    body = {"issuer": ISSUER, "jwks_uri": f"{provider.url}/keys",
                            "id_token_signing_alg_values_supported": ["RS256"]}
                elif self.path == "/keys":
                    provider.key_requests += 1
                    if provider._hang_seconds:
                        provider._released.wait(provider._hang_seconds)
                    body = provider.jwks
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: Any) -> None:
                """Quiet: the standard library would print every request to stderr."""

        return Handler
