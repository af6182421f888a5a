"""What people typed reaches cards inert: shown as typed, never as Markdown, a mention or a
reordered line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from cards.text import host_of, inert, moment, zoned
from domain.rules import EMAIL

ATTACK = "Contoso [Sign in again](https://evil.example/x) <at>Megan Bowen</at>"


def test_a_markdown_link_is_shown_as_typed_not_as_a_link() -> None:
    shown = inert(ATTACK)
    assert "[Sign" not in shown.replace("\\[", "") and "](" not in shown.replace("\\]", "")
    assert shown.startswith("Contoso \\[Sign in again\\](https://evil.example/x)")


def test_a_typed_mention_cannot_match_a_mention_the_bot_made() -> None:
    assert "<at>" not in inert(ATTACK) and "</at>" not in inert(ATTACK)
    assert "\\<at\\>Megan Bowen\\</at\\>" in inert(ATTACK)


@pytest.mark.parametrize("markup", ["**bold**", "_italic_", "`code`", "~~struck~~"])
def test_emphasis_and_code_are_escaped(markup: str) -> None:
    shown = inert(markup)
    assert all(shown[i - 1] == "\\" for i, ch in enumerate(shown) if ch in "*_`~")


def test_list_markers_at_the_start_of_a_line_are_escaped() -> None:
    assert inert("- one\n2. two\nthree - four") == "\\- one\n2\\. two\nthree - four"


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068",
                                     "\u2069", "\u200e", "\u200f", "\u200b", "\u200d",
                                     "\u2060", "\ufeff", "\u061c", "\x07"])
def test_bidi_and_zero_width_controls_are_dropped(control: str) -> None:
    assert inert(f"Contoso{control}fdp.exe") == "Contosofdp.exe"


def test_plain_names_and_line_breaks_are_untouched() -> None:
    assert inert("Fabrikam (EMEA) Ltd.\nSecond line") == "Fabrikam (EMEA) Ltd.\nSecond line"
    assert inert("") == "" and inert(None) == ""


@pytest.mark.parametrize("address", ["x<at>Megan@evil.example.com", "a b@contoso.com",
                                     "\"x\"@contoso.com", "ae@contoso", "ae@-contoso.com",
                                     "ae@contoso.com<br>", "[ae](https://x.io)@contoso.com"])
def test_an_e_mail_with_markup_or_spaces_is_refused(address: str) -> None:
    assert not EMAIL.match(address)


@pytest.mark.parametrize("address", ["ae@contoso.com", "first.last+deal@sub.contoso.co.uk",
                                     "o'neil@contoso.com"])
def test_ordinary_e_mail_addresses_pass(address: str) -> None:
    assert EMAIL.match(address)


def test_an_instant_is_written_for_the_readers_own_zone() -> None:
    paris = timezone(timedelta(hours=1))
    at = datetime(2026, 11, 26, 17, 0, tzinfo=paris)
    assert moment(at) == ("{{DATE(2026-11-26T16:00:00Z, SHORT)}} "
                          "{{TIME(2026-11-26T16:00:00Z)}}")


def test_a_time_on_a_button_names_its_zone() -> None:
    at = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    assert zoned(at, "America/New_York") == "Tue 01 Dec, 14:00 EST"


def test_a_link_is_named_by_its_host() -> None:
    assert host_of("https://Contoso.SharePoint.com/sites/deal/SOW.docx") == \
        "contoso.sharepoint.com"
