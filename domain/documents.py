"""Documents kept by key with an e-tag, for botbuilder's bot state (user state here): a write
that names the e-tag it read is refused over a newer version, so two instances never silently
overwrite each other; a write that names none replaces whatever is there (botbuilder's rule)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

ANY = "*"  # the e-tag that writes whatever is there, as in botbuilder's storages


@dataclass(frozen=True)
class Document:
    content: dict[str, Any]
    e_tag: str


class EtagConflict(Exception):
    """The document changed (or went) since it was read; read it again and redo the change."""


class Documents(Protocol):
    async def read(self, keys: Sequence[str]) -> dict[str, Document]: ...

    async def write(self, key: str, content: dict[str, Any], e_tag: str | None) -> str:
        """Store ``content``; with an e-tag other than None or ANY, only over that version
        (EtagConflict otherwise, and for an empty e-tag). The new e-tag."""
        ...

    async def delete(self, keys: Sequence[str]) -> None: ...
