"""docs/cypher.md lists every difference between the stores with the error the embedded store
gives; each listed example is run here and must give exactly that error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.datasets import bundled_paths
from graph.errors import GraphError
from graph.formats import load_paths
from graph.storage import GraphStore, open_store

DOC = (Path(__file__).resolve().parents[1] / "docs" / "cypher.md").read_text(encoding="utf-8")


def documented_differences() -> list[tuple[str, str, str]]:
    """(example, error class, message) of each row of the differences table."""
    table = DOC.split("<!-- differences -->")[1].split("<!-- /differences -->")[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        example = cells[1].strip("`")
        kind, message = re.fullmatch(r"`(\w+)`: (.*)", cells[2]).groups()  # type: ignore[union-attr]
        rows.append((example, kind, message))
    return rows


DIFFERENCES = documented_differences()


@pytest.fixture(scope="module")
def embedded() -> GraphStore:
    store = open_store(None)
    store.load(load_paths(bundled_paths()))
    return store


def test_the_table_lists_the_differences() -> None:
    assert len(DIFFERENCES) >= 20
    examples = " ".join(example for example, _, _ in DIFFERENCES)
    for construct in ("labels(", "shortestPath(", "SHORTEST 1", "a {.id", "[n IN", "range("):
        assert construct in examples


@pytest.mark.parametrize(
    ("example", "kind", "message"), DIFFERENCES, ids=[d[0] for d in DIFFERENCES]
)
def test_each_listed_example_gives_the_listed_error(
    embedded: GraphStore, example: str, kind: str, message: str
) -> None:
    with pytest.raises(GraphError) as info:
        embedded.query(example)
    assert type(info.value).__name__ == kind
    shown = info.value.message.split("\n")[0]
    if message.endswith(" …"):
        assert shown.startswith(message[: -len(" …")])
    else:
        assert shown == message
