"""botbuilder's `Storage` over the database's documents, with optimistic concurrency: every
item read carries its e-tag, and writing it back over a newer version raises (KeyError, as
botbuilder's own storages do), so one instance never silently overwrites another's state."""

from __future__ import annotations

from typing import Any

from botbuilder.core import Storage

from domain.documents import Documents, EtagConflict


class SqlStorage(Storage):
    def __init__(self, documents: Documents) -> None:
        super().__init__()
        self._documents = documents

    async def read(self, keys: list[str]) -> dict[str, Any]:
        found = await self._documents.read(keys or [])
        return {key: {**document.content, "e_tag": document.e_tag}
                for key, document in found.items()}

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        for key, item in changes.items():
            content = dict(item) if isinstance(item, dict) else dict(vars(item))
            e_tag = content.pop("e_tag", None)
            try:
                new = await self._documents.write(key, content, e_tag)
            except EtagConflict as conflict:
                raise KeyError(f"Etag conflict: {conflict}") from conflict
            if isinstance(item, dict):  # the caller's copy now matches what is stored
                item["e_tag"] = new
            else:
                item.e_tag = new

    async def delete(self, keys: list[str]) -> None:
        await self._documents.delete(keys or [])
