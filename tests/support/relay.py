"""A TCP relay between the app and PostgreSQL that can be cut, as a network fault cuts a
database connection: every open connection dropped, new ones refused for a while."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from contextlib import suppress
from urllib.parse import urlsplit, urlunsplit


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DatabaseLine:
    """A TCP relay to PostgreSQL on a thread of its own (so that blocking callers do not stall
    it) that can be cut: open connections dropped, new ones refused until it is restored."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.port = target, _free_port()
        self._refuse_until = 0.0
        self._open: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result()
        self.cuts = 0

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)

    async def _relay(self, client_in: asyncio.StreamReader,
                     client_out: asyncio.StreamWriter) -> None:
        if time.monotonic() < self._refuse_until:
            client_out.transport.abort()
            return
        try:
            server_in, server_out = await asyncio.open_connection(*self.target)
        except OSError:
            client_out.transport.abort()
            return
        self._open |= {client_out, server_out}
        await asyncio.gather(_pipe(client_in, server_out), _pipe(server_in, client_out))
        self._open -= {client_out, server_out}

    def cut(self, seconds: float) -> None:
        """Drop every open connection now and refuse new ones for ``seconds``."""
        async def now() -> None:
            self._refuse_until = time.monotonic() + seconds
            for writer in list(self._open):
                writer.transport.abort()
            self.cuts += 1

        asyncio.run_coroutine_threadsafe(now(), self._loop).result()

    def restore(self) -> None:
        """Take new connections again, now."""
        self._refuse_until = 0.0

    def close(self) -> None:
        """Stop listening and drop every connection (a client closing later fails at once)."""
        async def now() -> None:
            self._server.close()
            for writer in list(self._open):
                writer.transport.abort()

        asyncio.run_coroutine_threadsafe(now(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with suppress(OSError, asyncio.IncompleteReadError, RuntimeError):
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()
    sink.transport.abort()


def via(url: str, port: int) -> str:
    """``url`` with its host and port replaced by the relay's."""
    parts = urlsplit(url)
    user = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{port}"))
