"""botbuilder's bot state in the database: `SqlStorage` keeps e-tags (a write over a newer
version raises, as botbuilder's own storages do), and the seller's next form starts from their
last request (UserState through it)."""

from __future__ import annotations

import pytest
from botbuilder.core import StoreItem

from bot.form_defaults import PREFILLED
from bot.state import SqlStorage
from storage.database import Database
from storage.documents import SqlDocuments
from tests.conftest import FIXED_NOW
from tests.support.driver import User, card_state, input_values, texts_of
from tests.support.requests import COMPLETE

KEY = "msteams/users/29:seller-1"


@pytest.fixture
def storage(database: Database) -> SqlStorage:
    return SqlStorage(SqlDocuments(database, lambda: FIXED_NOW))


async def test_items_carry_e_tags_and_a_stale_write_is_refused(storage: SqlStorage) -> None:
    assert await storage.read([KEY]) == {}
    await storage.write({KEY: {"form_defaults": {"region": "NA"}}})
    first = (await storage.read([KEY]))[KEY]
    assert first["form_defaults"] == {"region": "NA"} and first["e_tag"]

    second = dict(first, form_defaults={"region": "EMEA"})
    await storage.write({KEY: second})  # over the version it read: taken
    assert second["e_tag"] != first["e_tag"]  # the caller's copy has the new e-tag
    with pytest.raises(KeyError, match="Etag conflict"):
        await storage.write({KEY: dict(first, form_defaults={"region": "APAC"})})  # stale
    with pytest.raises(KeyError):
        await storage.write({KEY: {"form_defaults": {}}})  # "new", but it exists meanwhile
    assert (await storage.read([KEY]))[KEY]["form_defaults"] == {"region": "EMEA"}

    await storage.write({KEY: {"form_defaults": {"region": "LATAM"}, "e_tag": "*"}})  # any
    assert (await storage.read([KEY]))[KEY]["form_defaults"] == {"region": "LATAM"}


async def test_store_items_and_deletes(storage: SqlStorage) -> None:
    item = StoreItem(count=1)
    await storage.write({"a": item, "b": {"count": 2}})
    assert item.e_tag
    found = await storage.read(["a", "b", "c"])
    assert {key: value["count"] for key, value in found.items()} == {"a": 1, "b": 2}
    await storage.delete(["a", "c"])
    assert list(await storage.read(["a", "b"])) == ["b"]


async def test_the_next_form_starts_from_the_sellers_last_request(bot, connector) -> None:
    seller = User(bot, connector, number=1)
    form = await seller.open_form("ecif_review")
    assert PREFILLED not in texts_of(form)  # nothing to start from yet
    await seller.press("submit_request", {**card_state(form), **COMPLETE["ecif_review"],
                                          "region": "EMEA", "atu_contact": "ae2@contoso.com"})

    form = await seller.open_form("discovery_workshop")
    assert PREFILLED in texts_of(form)
    values = input_values(form)
    assert values["segment"] == "enterprise" and values["region"] == "EMEA"
    assert values["atu_contact"] == "ae2@contoso.com"
    assert values["csu_contact"] == COMPLETE["ecif_review"]["csu_contact"]
    assert not values.get("customer")  # the customer is the new request's own

    other = await User(bot, connector, number=2).open_form("discovery_workshop")
    assert PREFILLED not in texts_of(other)  # one seller's defaults are theirs alone
