"""`SqlStorage` passes the suite Microsoft ships for every botbuilder `Storage`
(botbuilder-testing's StorageBaseTests), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from botbuilder.testing import StorageBaseTests

from bot.edge.state import SqlStorage
from storage.database import Database
from storage.documents import SqlDocuments
from tests.conftest import FIXED_NOW

CASES = sorted(name for name in vars(StorageBaseTests) if not name.startswith("_"))


def test_the_suite_has_the_eleven_cases_of_botbuilder_4_17_1() -> None:
    assert len(CASES) == 11


@pytest.mark.parametrize("case", CASES)
async def test_sql_storage_keeps_botbuilders_storage_contract(database: Database,
                                                              case: str) -> None:
    storage = SqlStorage(SqlDocuments(database, lambda: FIXED_NOW))
    assert await getattr(StorageBaseTests, case)(storage) is True
