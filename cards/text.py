"""What people typed, made inert before it reaches a card: shown as typed, never read as Markdown,
a mention, a link or a reordering of the line around it."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

# Bidi embeddings, overrides and isolates, the implicit marks, and the invisible joiners and
# spaces: all can make a name read as something else ("Contoso" + RLO + "fdp.exe").
_CONTROLS = dict.fromkeys(map(ord, "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c"
                              "\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068"
                              "\u2069\u206a\u206b\u206c\u206d\u206e\u206f\ufeff\u180e"))
# What opens Markdown in the Adaptive Card subset (emphasis, links, code), and `<`, so no `<at>`
# the bot did not write matches a mention entity. A backslash shows the next character as is.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>~])")
# A list marker or a numbered item at the start of a line is Markdown too ("- x", "1. x").
_LINE_START = re.compile(r"^(\s*)([-+]|\d+\.)(?=\s)", re.MULTILINE)


def inert(text: str | None) -> str:
    """``text`` as typed, shown literally on a card: no Markdown, mentions or hidden controls."""
    if not text:
        return ""
    visible = "".join(ch for ch in text.translate(_CONTROLS)
                      if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    escaped = _MARKDOWN.sub(r"\\\1", visible)
    return _LINE_START.sub(lambda m: m.group(1) + m.group(2).replace(".", "\\.")
                           .replace("-", "\\-").replace("+", "\\+"), escaped)


def host_of(url: str) -> str:
    """The host a link opens, for a button's label ("contoso.sharepoint.com")."""
    return (urlsplit(url).hostname or "").lower()


def moment(at: datetime) -> str:
    """An instant as Adaptive Cards' date and time functions: Teams writes it in each
    reader's own locale and time zone (in a TextBlock only; the functions want UTC's ``Z``)."""
    stamp = f"{at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
    return f"{{{{DATE({stamp}, SHORT)}}}} {{{{TIME({stamp})}}}}"


def zoned(at: datetime, timezone: str) -> str:
    """An instant where the date functions cannot go (a button's title): in ``timezone``,
    named ("Tue 01 Dec, 14:00 EST")."""
    local = at.astimezone(ZoneInfo(timezone))
    return f"{local:%a %d %b, %H:%M} {local:%Z}"
