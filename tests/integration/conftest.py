"""Fixtures for the integration suite's fake Microsoft services."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.graph import FakeEntra, FakeGraph


@pytest.fixture
async def fakes(monkeypatch, tmp_path) -> AsyncIterator[tuple[FakeEntra, FakeGraph]]:  # type: ignore[no-untyped-def]
    """A fake Entra token endpoint (https, its CA trusted by msal) and a fake Graph."""
    entra, graph = FakeEntra(), FakeGraph()
    await entra.start()
    await graph.start()
    bundle = tmp_path / "ca.pem"
    entra.ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    yield entra, graph
    await graph.close()
    await entra.close()
