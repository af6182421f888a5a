"""botbuilder's `Storage` over the database's documents, keeping botbuilder's contract (the one
its `StorageBaseTests` check, and the next dialog added here relies on):

- an item without an e-tag, or with `*`, replaces whatever is stored (last writer wins);
- an item with the e-tag it was read with replaces only that version: a write over a newer
  one raises KeyError, as botbuilder's storages do, so no instance silently overwrites
  another's state; an empty e-tag is refused;
- content goes through jsonpickle as in botbuilder's Blob and Cosmos DB storages, so its own
  state objects (a dialog stack's `DialogState`) come back as the objects they were."""

from __future__ import annotations

from typing import Any

from botbuilder.core import Storage, TurnContext, UserState
from jsonpickle.pickler import Pickler
from jsonpickle.unpickler import Unpickler

from bot.edge.turn import ContextTurn
from bot.turn import Turn
from domain.documents import Documents, EtagConflict


class SqlStorage(Storage):
    def __init__(self, documents: Documents) -> None:
        super().__init__()
        self._documents = documents

    async def read(self, keys: list[str]) -> dict[str, Any]:
        if keys is None:
            raise ValueError("Keys are required when reading")
        found = await self._documents.read(list(keys))
        return {key: Unpickler().restore({**document.content, "e_tag": document.e_tag})
                for key, document in found.items()}

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise ValueError("Changes are required when writing")
        if not changes:  # botbuilder's tests pass an empty list: nothing to do
            return
        for key, item in changes.items():
            content = Pickler().flatten(item)
            e_tag = content.pop("e_tag", None)
            try:
                new = await self._documents.write(key, content, e_tag)
            except EtagConflict as conflict:
                raise KeyError(f"Etag conflict: {conflict}") from conflict
            # The caller's copy now matches what is stored: saving it again in the same turn
            # is not taken for someone else's change.
            if isinstance(item, dict):
                item["e_tag"] = new
            else:
                item.e_tag = new

    async def delete(self, keys: list[str]) -> None:
        await self._documents.delete(list(keys or []))


class UserStateProperty:
    """A `bot.turn.UserProperty` in botbuilder's UserState: read once per turn, written at
    once; a write over one made meanwhile (the same user, from another window or instance)
    reads the state anew and writes once more."""

    def __init__(self, user_state: UserState, name: str) -> None:
        self._state = user_state
        self._property = user_state.create_property(name)

    async def get(self, turn: Turn) -> Any:
        return await self._property.get(_context(turn))

    async def set(self, turn: Turn, value: Any) -> None:
        context = _context(turn)
        for attempt in (1, 2):
            await self._property.set(context, value)
            try:
                await self._state.save_changes(context)
                return
            except KeyError:  # written meanwhile: read anew
                if attempt == 2:
                    raise
                await self._state.load(context, force=True)


def user_property(documents: Documents, name: str) -> UserStateProperty:
    """A value per user named ``name``, stored in the database's documents."""
    return UserStateProperty(UserState(SqlStorage(documents)), name)


def _context(turn: Turn) -> TurnContext:
    if not isinstance(turn, ContextTurn):
        raise TypeError("user state is kept for the turns the edge runs")
    return turn.context
