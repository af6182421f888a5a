"""The FastTrack Architects who can be assigned, and what limits each one."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

SKILLED = 3  # proficiency from which an architect counts as skilled in a workload


@dataclass(frozen=True)
class Absence:
    """Out of office on every local date from ``start`` to ``end``, both included."""

    start: date
    end: date

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Architect:
    id: str
    name: str
    capacity: int
    email: str = ""
    aad_id: str = ""
    teams_user_id: str = ""
    manager: str = ""
    skills: Mapping[str, int] = field(default_factory=dict)
    segments: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    timezone: str = "UTC"
    holiday_country: str = "US"
    holiday_subdivision: str | None = None
    active: bool = True
    out_of_office: tuple[Absence, ...] = ()

    def is_away_on(self, day: date) -> bool:
        return any(absence.covers(day) for absence in self.out_of_office)

    def skill_for(self, workloads: Iterable[str]) -> float:
        """Mean proficiency (0-5) over the requested workloads; 0 for a workload not held."""
        wanted = list(workloads)
        if not wanted:
            return 0.0
        return sum(self.skills.get(workload, 0) for workload in wanted) / len(wanted)

    def skilled_in_all(self, workloads: Iterable[str]) -> bool:
        """Proficiency 3+ in every requested workload (what the SLA report counts)."""
        return all(self.skills.get(workload, 0) >= SKILLED for workload in workloads)


class RosterIndex:
    """Architects filed by (segment, region), so a decision reads only those who cover both."""

    def __init__(self, architects: Iterable[Architect]) -> None:
        self.by_id: dict[str, Architect] = {}
        # The workloads each architect is skilled (3+) in: the skilled order's first cut asks
        # it of every eligible architect at every decision
        self.skilled_in: dict[str, frozenset[str]] = {}
        self._cells: dict[tuple[str, str], list[Architect]] = defaultdict(list)
        # Inactive architects (those who left) by the cells they covered: counted and named by a
        # decision, never checked one by one: years of them would cost every decision.
        self._inactive: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._skilled: Counter[str] = Counter()  # active architects skilled per workload
        self._rarity: dict[str, tuple[tuple[str, float], ...]] = {}
        for architect in sorted(architects, key=lambda a: a.id):
            self.by_id[architect.id] = architect
            skilled = [w for w, level in architect.skills.items() if level >= SKILLED]
            self.skilled_in[architect.id] = frozenset(skilled)
            if architect.active:
                self._skilled.update(skilled)
            cells = self._cells if architect.active else None
            for segment in architect.segments:
                for region in architect.regions:
                    if cells is not None:
                        cells[(segment, region)].append(architect)
                    else:
                        self._inactive[(segment, region)].append(architect.id)

    def covering(self, segment: str, region: str) -> list[Architect]:
        """The active architects who cover both."""
        return self._cells.get((segment, region), [])

    def inactive_covering(self, segment: str, region: str) -> list[str]:
        """The ids of inactive architects who cover both, in id order."""
        return self._inactive.get((segment, region), [])

    def __len__(self) -> int:
        return len(self.by_id)

    def scarcity(self, architect: Architect, wanted: Iterable[str]) -> float:
        """How rare the skills are that ``architect`` holds beyond ``wanted``: the sum of
        1 / (architects skilled in it) over each such workload; 1.0 for an only-of-kind one."""
        rarity = self._rarity.get(architect.id)
        if rarity is None:  # worked out once per architect: decisions ask for it often
            rarity = self._rarity[architect.id] = tuple(
                (w, 1 / self._skilled[w]) for w, level in architect.skills.items()
                if level >= SKILLED and self._skilled[w])
        return sum([value for workload, value in rarity if workload not in wanted])


class Roster(Protocol):
    async def all(self) -> list[Architect]: ...

    async def get(self, architect_id: str) -> Architect | None: ...

    async def by_aad_id(self, aad_id: str) -> Architect | None: ...

    async def save(self, architect: Architect) -> None: ...
