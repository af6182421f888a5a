"""botbuilder's bot state in the database: `SqlStorage` keeps e-tags (a write over a newer
version raises, as botbuilder's own storages do; one without an e-tag replaces, as theirs do),
and the seller's next form starts from their last request (UserState through it). Its whole
contract is botbuilder's own suite, in tests/conformance."""

from __future__ import annotations

import pytest
from botbuilder.core import StoreItem

from bot.edge.state import SqlStorage
from bot.form_defaults import PREFILLED
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
    with pytest.raises(KeyError, match="Etag conflict"):
        await storage.write({KEY: dict(first, e_tag="")})  # an empty e-tag names no version
    assert (await storage.read([KEY]))[KEY]["form_defaults"] == {"region": "EMEA"}

    await storage.write({KEY: {"form_defaults": {"region": "LATAM"}, "e_tag": "*"}})  # any
    assert (await storage.read([KEY]))[KEY]["form_defaults"] == {"region": "LATAM"}


async def test_a_write_without_an_e_tag_replaces_what_is_there_as_in_botbuilder(
        storage: SqlStorage) -> None:
    await storage.write({KEY: {"form_defaults": {"region": "NA"}}})
    await storage.write({KEY: {"form_defaults": {"region": "EMEA"}}})  # last writer wins
    assert (await storage.read([KEY]))[KEY]["form_defaults"] == {"region": "EMEA"}


async def test_missing_keys_or_changes_are_refused_in_botbuilders_words(
        storage: SqlStorage) -> None:
    with pytest.raises(ValueError, match=r"^Keys are required when reading$"):
        await storage.read(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^Changes are required when writing$"):
        await storage.write(None)  # type: ignore[arg-type]
    await storage.write({})  # nothing to write: nothing happens
    assert await storage.read([KEY]) == {}


async def test_store_items_come_back_as_the_objects_they_were_and_deletes(
        storage: SqlStorage) -> None:
    item = StoreItem(count=1)
    await storage.write({"a": item, "b": {"count": 2}})
    assert item.e_tag
    found = await storage.read(["a", "b", "c"])
    assert isinstance(found["a"], StoreItem) and found["a"].count == 1
    assert found["a"].e_tag == item.e_tag
    assert found["b"] == {"count": 2, "e_tag": found["b"]["e_tag"]}
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
