"""Scenarios known by their headers and read only when one is asked for.

A command about one scenario (``govgraph analyze --scenario nplv-2022``) and a server showing
its first page need every scenario's id, title and size, but the facts of only the scenarios
they show. A file read before is kept in the cache folder (:mod:`graph.formats.cache`) with
its scenarios' :class:`Header` in front, so the headers come without unpickling the facts;
a :class:`Shelf` holds those headers and reads a file's scenarios the first time one of
them is asked for. A file not in the cache is read (and validated) at once, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from graph.formats.meaning import mapping_notice
from graph.model import Scenario

__all__ = ["Header", "ShelvedFile", "Shelf"]


@dataclass(frozen=True)
class Header:
    """What is known of a scenario without its facts: header, size and mapping notice."""

    id: str
    title: str
    description: str | None
    date: str | None
    actors: int
    relations: int
    #: The notice that the scenario lacks governance meaning (see ``mapping_notice``), or None.
    notice: str | None

    @classmethod
    def of(cls, scenario: Scenario) -> Header:
        """Return the header of a scenario that has been read."""
        info = scenario.info
        return cls(info.id, info.title, info.description, info.date, len(scenario.actors),
                   len(scenario.relations), mapping_notice(scenario))  # fmt: skip


class ShelvedFile:
    """One file's scenario headers, and its scenarios once something asked for them.

    ``load`` returns the file's scenarios, in the order of ``headers``; it is called at most
    once (under the shelf's lock).
    """

    def __init__(self, file: str, headers: Sequence[Header], load: Callable[[], list[Scenario]]):
        self.file = file
        self.headers = tuple(headers)
        self._load: Callable[[], list[Scenario]] | None = load
        self._scenarios: dict[str, Scenario] | None = None

    @classmethod
    def read(cls, file: str, scenarios: Sequence[Scenario]) -> ShelvedFile:
        """Shelve scenarios already read."""
        held = list(scenarios)
        shelved = cls(file, [Header.of(s) for s in held], lambda: held)
        shelved.scenarios()
        return shelved

    @property
    def is_read(self) -> bool:
        """True once the file's scenarios are held."""
        return self._scenarios is not None

    def scenarios(self) -> dict[str, Scenario]:
        """Return the file's scenarios by id, reading them the first time."""
        if self._scenarios is None:
            assert self._load is not None
            found = {s.id: s for s in self._load()}
            if list(found) != [h.id for h in self.headers]:  # a cache entry replaced meanwhile
                raise RuntimeError(f"{self.file}: its scenarios changed while it was open")
            self._scenarios, self._load = found, None
        return self._scenarios


class Shelf:
    """The scenarios of several files: every header at hand, the facts read on demand.

    Scenario ids are distinct across the files (the reader checked it from the headers).

    Examples
    --------
    >>> from graph.model import Actor, ScenarioInfo
    >>> s = Scenario(ScenarioInfo("demo", "Demo"), actors=(Actor("a", "A", "ministry"),))
    >>> reads = []
    >>> shelf = Shelf([ShelvedFile("demo.yaml", [Header.of(s)], lambda: reads.append(1) or [s])])
    >>> [h.actors for h in shelf.headers()], reads
    ([1], [])
    >>> shelf.scenario("demo") is s, shelf.scenario("demo") is s, reads
    (True, True, [1])
    """

    def __init__(self, files: Sequence[ShelvedFile]):
        self._files = list(files)
        self._file_of = {h.id: f for f in self._files for h in f.headers}
        self._lock = threading.Lock()

    @classmethod
    def of(cls, scenarios: Sequence[Scenario], file: str = "") -> Shelf:
        """Return a shelf holding scenarios already read."""
        return cls([ShelvedFile.read(file, scenarios)])

    def headers(self) -> list[Header]:
        """Return every scenario's header, in the order of the files."""
        return [h for f in self._files for h in f.headers]

    def ids(self) -> list[str]:
        """Return every scenario id, in the order of the files."""
        return [h.id for h in self.headers()]

    def __contains__(self, scenario_id: object) -> bool:
        return scenario_id in self._file_of

    def scenario(self, scenario_id: str) -> Scenario:
        """Return one scenario, reading its file if it was not read yet; KeyError if absent."""
        shelved = self._file_of[scenario_id]
        with self._lock:
            return shelved.scenarios()[scenario_id]

    def scenarios(self) -> list[Scenario]:
        """Return every scenario, reading every file not read yet."""
        with self._lock:
            return [s for f in self._files for s in f.scenarios().values()]

    def files_read(self) -> int:
        """Return how many of the files have had their scenarios read."""
        return sum(f.is_read for f in self._files)
