"""The bundled scenarios' dated facts are consistent, and the checked facts hold.

The general rules hold for every bundled scenario (and any scenario added later): no relation
of a person to an office runs past a documented end of term (the person's own ``until``,
the office's ``until``, or a term the relation calls former), and single-seat offices
(director, vice-president, chair) never have two holders at once. The facts checked by hand
(docs/facts-checked.md) are then asserted as views show them.
"""

from __future__ import annotations

import re
from itertools import combinations

import pytest

from graph.analysis.report import analyze
from graph.datasets import bundled_paths
from graph.formats import read_path
from graph.model import Actor, Relation, Scenario
from graph.network import period, to_networkx

#: Relation types that put a person in an office or a seat of a body.
OFFICE_TYPES = frozenset({"MEMBER_OF", "CHAIRS", "REPRESENTS"})
#: Words that make an office a single seat (one holder at a time).
SINGLE_SEAT = re.compile(r"\b(director|vice-president|chair(man|woman)?|president)\b", re.I)
#: Words that say a term lies in the past.
FORMER = re.compile(r"\b(former|past office|ex-)\b", re.I)

SCENARIOS = [s for path in bundled_paths() for s in read_path(path)]


def office_relations(scenario: Scenario) -> list[tuple[Actor, Relation, Actor]]:
    """Every relation of a person to a body that is an office (not a document or a person)."""
    actors = scenario.actor_map()
    return [
        (actors[r.source], r, actors[r.target])
        for r in scenario.relations
        if r.type in OFFICE_TYPES
        and actors[r.source].kind == "person"
        and actors[r.target].kind not in ("person", "document")
    ]


def _end(text: str | None):
    return period(text)[1] if text else None


def _start(text: str | None):
    return period(text)[0] if text else None


def test_the_rules_see_the_offices_they_check():
    offices = [o for s in SCENARIOS for o in office_relations(s)]
    assert len(offices) >= 3
    assert any(SINGLE_SEAT.search(r.note or "") for _, r, _ in offices)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_no_office_relation_runs_past_a_documented_end_of_term(scenario):
    late = []
    for person, rel, body in office_relations(scenario):
        for end_of_term in (person.until, body.until):
            if end_of_term and (not rel.until or _end(rel.until) > _end(end_of_term)):
                late.append(f"{rel.id} runs past {end_of_term}")
        text = f"{rel.note or ''} {person.description or ''}"
        if FORMER.search(text) and scenario.info.date:
            if not rel.until or _end(rel.until) >= _end(scenario.info.date):
                late.append(f"{rel.id}: a former office still in force on {scenario.info.date}")
    assert not late, late


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_single_seat_offices_have_one_holder_at_a_time(scenario):
    seats: dict[tuple[str, str], list[Relation]] = {}
    for _, rel, body in office_relations(scenario):
        match = SINGLE_SEAT.search(rel.note or "")
        if match:
            seats.setdefault((body.id, match.group(1).lower()), []).append(rel)
    clashes = []
    for (body, seat), holders in seats.items():
        for a, b in combinations(holders, 2):
            a_end, b_end = _end(a.until), _end(b.until)
            a_start, b_start = _start(a.since), _start(b.since)
            apart = (a_end and b_start and a_end < b_start) or (
                b_end and a_start and b_end < a_start
            )
            if not apart:
                clashes.append(f"{body} {seat}: {a.id} and {b.id} overlap")
    assert not clashes, clashes


def test_the_rule_catches_a_term_that_runs_on():
    from graph.model import ScenarioInfo

    bad = Scenario(
        ScenarioInfo("x", "X", date="2022-07"),
        actors=(Actor("p", "P", "person", until="2012"), Actor("b", "B", "advisory_body")),
        relations=(Relation("p:MEMBER_OF:b", "p", "b", "MEMBER_OF", note="Former chair"),),
    )
    with pytest.raises(AssertionError, match="runs past 2012"):
        test_no_office_relation_runs_past_a_documented_end_of_term(bad)


# The facts checked in docs/facts-checked.md, as the default view (July 2022) shows them.

NPLV = next(s for s in SCENARIOS if s.id == "nplv-2022")


def _members(G, body: str) -> set[str]:
    return {u for u, v, t in G.edges(data="type") if v == body and t == "MEMBER_OF"}


def test_office_holders_as_of_july_2022_and_later():
    july = to_networkx(NPLV)  # the scenario's own date: 2022-07
    assert july.graph["as_of"] == "2022-07-31"
    assert "herman-tjeenk-willink" not in _members(july, "raad-van-state")
    assert "kim-putters" not in _members(july, "scp")
    assert "karen-van-oudenhoven" not in _members(july, "scp")
    autumn = to_networkx(NPLV, as_of="2022-10-01")
    assert _members(autumn, "scp") == {"karen-van-oudenhoven"}
    spring = to_networkx(NPLV, as_of="2022-06-30")
    assert "kim-putters" in _members(spring, "scp")


def test_dicht_de_kloof_co_signers_named_in_the_press():
    G = to_networkx(NPLV)
    signers = {u for u, v, t in G.edges(data="type")
               if v == "manifest-dicht-de-kloof-2021" and t == "AUTHORED"}  # fmt: skip
    named = {"politie", "openbaar-ministerie", "mbo-raad", "mkb-nederland", "divosa", "uwv"}
    assert named | {"burgemeesters-15"} <= signers
    sources = NPLV.source_map()
    for rel in NPLV.relations:
        if rel.source in named and rel.target == "manifest-dicht-de-kloof-2021":
            assert "nu21" in rel.sources and sources["nu21"].url.startswith("https://")


def test_the_ministry_of_vro_exists_from_july_2024_only():
    launch = analyze(to_networkx(NPLV, as_of="2022-07-04"))
    default = analyze(to_networkx(NPLV))
    later = analyze(to_networkx(NPLV, as_of="2025-01-01"))
    assert "min-vro" not in launch["layers"] and "min-vro" not in default["layers"]
    assert not any("min-vro" in chain for chain in default["steering_chains"])
    assert any("min-vro" in chain for chain in later["steering_chains"])
    assert "min-vro" not in analyze(to_networkx(NPLV, as_of="2024-07-01"))["layers"]
    assert "min-vro" in analyze(to_networkx(NPLV, as_of="2024-07-02"))["layers"]
