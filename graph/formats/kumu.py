"""A scenario as a Kumu workbook: the ``Elements`` and ``Connections`` sheets Kumu imports.

Elements: ``Label`` (the actor's name), ``Type`` (its kind), ``Description``, ``Tags``
(joined with ``|``, Kumu's separator) and, as further fields, ``ID``, ``Level``, ``Sector``,
``Confidence``, ``Since``, ``Until``, ``Note``. Connections: ``From`` and ``To`` (the
elements' labels; their ids when two actors share a name), ``Type`` (the relation type),
``Direction`` (``directed``), ``Description`` (the note), ``Tags`` and ``ID``, ``Weight``,
``Formal``, ``Amount (EUR)``, ``Since``, ``Until``, ``Confidence``. Sources and declared
vocabulary have no place in Kumu's sheets and are left out; govgraph reads the workbook back
as a foreign graph (:mod:`graph.formats.foreign_tables`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from graph.model import Actor, Relation, Scenario

__all__ = ["write_kumu", "ELEMENT_COLUMNS", "CONNECTION_COLUMNS"]

ELEMENT_COLUMNS = (
    "Label", "Type", "Description", "Tags", "ID", "Level", "Sector", "Confidence", "Since",
    "Until", "Note",
)  # fmt: skip
CONNECTION_COLUMNS = (
    "From", "To", "Type", "Direction", "Description", "Tags", "ID", "Weight", "Formal",
    "Amount (EUR)", "Since", "Until", "Confidence",
)  # fmt: skip


def _tags(items: tuple[str, ...]) -> str | None:
    return " | ".join(items) if items else None


def _element(actor: Actor) -> list[Any]:
    return [
        actor.name, actor.kind, actor.description, _tags(actor.tags), actor.id, actor.level,
        _tags(actor.sector), actor.confidence, actor.since, actor.until, actor.note,
    ]  # fmt: skip


def _connection(rel: Relation, ends: dict[str, str]) -> list[Any]:
    return [
        ends[rel.source], ends[rel.target], rel.type, "directed", rel.note, _tags(rel.tags),
        rel.id, rel.weight, rel.formal, rel.amount_eur, rel.since, rel.until, rel.confidence,
    ]  # fmt: skip


def _end_names(scenario: Scenario) -> dict[str, str]:
    """Return actor id -> what a connection names it by: the label, or the id when shared."""
    counts = Counter(a.name for a in scenario.actors)
    if any(n > 1 for n in counts.values()):
        return {a.id: a.id for a in scenario.actors}
    return {a.id: a.name for a in scenario.actors}


def write_kumu(scenario: Scenario, path: Path) -> None:
    """Write a scenario as a Kumu workbook (Elements and Connections sheets)."""
    book = Workbook()
    elements = book.active
    elements.title = "Elements"
    elements.append(list(ELEMENT_COLUMNS))
    for actor in scenario.actors:
        _append(elements, _element(actor))
    connections = book.create_sheet("Connections")
    connections.append(list(CONNECTION_COLUMNS))
    ends = _end_names(scenario)
    for rel in scenario.relations:
        _append(connections, _connection(rel, ends))
    book.save(path)


def _append(sheet: Any, row: list[Any]) -> None:
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # text starting with '=' stays text, not a formula
