"""The bundled scenarios: valid, sourced, honest about confidence, and complete for the case."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

import graph.datasets
from graph.datasets import bundled_paths
from graph.formats import read_path
from graph.model import Relation, Scenario
from graph.validation import validate_document

OP_ED = "vk22"
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]*")
FRONTLINE = ("youth workers", "district nurses", "teachers", "police officers",
             "housing consultants")  # fmt: skip
PILLARS = {
    "pillar-residents-lead": "Residents and their experience and knowledge lead",
    "pillar-long-term": "Choose the long term",
    "pillar-make-it-possible": "Make it possible",
}


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Scenario]:
    loaded = {}
    for path in bundled_paths():
        (scenario,) = read_path(path)
        loaded[scenario.id] = scenario
    return loaded


@pytest.fixture(scope="module")
def nplv(scenarios: dict[str, Scenario]) -> Scenario:
    return scenarios["nplv-2022"]


@pytest.fixture(scope="module")
def manifest(scenarios: dict[str, Scenario]) -> Scenario:
    return scenarios["wijkaanpak-manifest"]


def _of_kind(scenario: Scenario, kind: str) -> list[str]:
    return [a.id for a in scenario.actors if a.kind == kind]


def _relations(scenario: Scenario, type_: str) -> list[Relation]:
    return [r for r in scenario.relations if r.type == type_]


def _is_discourse(scenario: Scenario, relation: Relation) -> bool:
    return scenario.vocabulary.relation_type(relation.type).mode == "discourse"


# --------------------------------------------------------------------------- every file


def test_bundled_paths_are_three_sorted_files_in_the_package() -> None:
    paths = bundled_paths()
    assert len(paths) == 3
    assert [p.name for p in paths] == sorted(p.name for p in paths)
    package = Path(graph.datasets.__file__).parent
    assert all(p.is_file() and p.parent == package for p in paths)


def test_scenario_ids(scenarios: dict[str, Scenario]) -> None:
    assert set(scenarios) == {"nplv-2022", "wijkaanpak-manifest", "nprz"}


@pytest.mark.parametrize("path", bundled_paths(), ids=lambda p: p.name)
def test_each_file_validates_as_a_raw_document(path: Path) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    scenario = validate_document(doc)
    assert doc["govgraph"] == 1
    assert len(scenario.actors) == len(doc["actors"]) > 0
    assert len(scenario.relations) == len(doc["relations"]) > 0


def test_ids_are_well_formed_and_unique(scenarios: dict[str, Scenario]) -> None:
    for scenario in scenarios.values():
        ids = [a.id for a in scenario.actors] + [s.id for s in scenario.sources]
        assert all(ID_PATTERN.fullmatch(i) for i in ids), scenario.id
        assert len({a.id for a in scenario.actors}) == len(scenario.actors)
        assert len({r.id for r in scenario.relations}) == len(scenario.relations)


def test_every_actor_and_relation_cites_a_listed_source(
    scenarios: dict[str, Scenario],
) -> None:
    for scenario in scenarios.values():
        listed = set(scenario.source_map())
        for item in (*scenario.actors, *scenario.relations):
            assert item.sources, f"{scenario.id}: {item.id} cites nothing"
            assert set(item.sources) <= listed, f"{scenario.id}: {item.id}"


def test_every_source_has_a_title_and_a_web_url_and_is_cited(
    scenarios: dict[str, Scenario],
) -> None:
    for scenario in scenarios.values():
        cited = {key for item in (*scenario.actors, *scenario.relations) for key in item.sources}
        for source in scenario.sources:
            assert source.title, source.id
            assert re.match(r"https?://[^\s/]+\.[^\s/]+/?", source.url or ""), source.id
            assert source.id in cited, f"{scenario.id}: source {source.id} is never cited"


def test_inferred_and_uncertain_items_say_why(scenarios: dict[str, Scenario]) -> None:
    for scenario in scenarios.values():
        for item in (*scenario.actors, *scenario.relations):
            if item.confidence != "confirmed":
                assert item.note, f"{scenario.id}: {item.id} is {item.confidence} without a note"


def test_claims_resting_on_the_op_ed_alone_are_not_confirmed(
    scenarios: dict[str, Scenario],
) -> None:
    # The op-ed is direct evidence of what its author argues (discourse) and of the offices of
    # the people it names, not of the governance structure it describes.
    for scenario in scenarios.values():
        kinds = {a.id: a.kind for a in scenario.actors}
        for r in scenario.relations:
            about_structure = not _is_discourse(scenario, r) and kinds[r.source] != "person"
            if set(r.sources) == {OP_ED} and about_structure:
                assert r.confidence != "confirmed", f"{scenario.id}: {r.id}"


def test_op_ed_claims_and_fan_outs_are_inferred(scenarios: dict[str, Scenario]) -> None:
    for scenario in scenarios.values():
        for r in scenario.relations:
            if "op-ed-claim" in r.tags:
                assert OP_ED in r.sources and r.confidence == "inferred", r.id
            if "fan-out" in r.tags:
                assert r.confidence == "inferred", r.id


def test_amounts_only_on_funding_and_periods_in_order(scenarios: dict[str, Scenario]) -> None:
    for scenario in scenarios.values():
        for r in scenario.relations:
            if r.amount_eur is not None:
                assert r.type == "FUNDS" and r.amount_eur > 0, r.id
        for item in (*scenario.actors, *scenario.relations):
            if item.since and item.until:
                assert item.since[:4] <= item.until[:4], item.id


# --------------------------------------------------------------------------- nplv-2022


def _located_in(scenario: Scenario) -> dict[str, set[str]]:
    places: dict[str, set[str]] = defaultdict(set)
    for r in _relations(scenario, "LOCATED_IN"):
        places[r.source].add(r.target)
    return places


def test_nplv_has_twenty_focus_areas_in_nineteen_municipalities(nplv: Scenario) -> None:
    areas = _of_kind(nplv, "focus_area")
    municipalities = set(_of_kind(nplv, "municipality"))
    places = _located_in(nplv)
    assert len(areas) == 20
    assert len(municipalities) >= 19
    area_municipalities = {m for a in areas for m in places[a] if m in municipalities}
    assert all(len(places[a] & municipalities) == 1 for a in areas)
    assert len(area_municipalities) == 19


def test_nplv_programme_targets_every_focus_area(nplv: Scenario) -> None:
    targeted = {r.target for r in _relations(nplv, "TARGETS") if r.source == "nplv"}
    assert set(_of_kind(nplv, "focus_area")) <= targeted


def test_nplv_names_the_five_frontline_professional_groups(nplv: Scenario) -> None:
    names = [a.name.lower() for a in nplv.actors if a.kind == "professional_group"]
    assert len(names) >= 5
    for group in FRONTLINE:
        assert any(group in name for name in names), group


def test_nplv_has_both_manifestos_and_their_authors(nplv: Scenario) -> None:
    actors = nplv.actor_map()
    documents = {a.id: a.name for a in nplv.actors if a.kind == "document"}
    kloof = [i for i, n in documents.items() if "Dicht de kloof" in n]
    wijk = [i for i, n in documents.items() if "Manifest voor een succesvolle wijkaanpak" in n]
    assert len(kloof) == 1 and len(wijk) == 1
    authored = {(r.source, r.target) for r in _relations(nplv, "AUTHORED")}
    assert actors["lsa"].kind == actors["lpb"].kind == "civil_society_platform"
    assert {("lsa", wijk[0]), ("lpb", wijk[0])} <= authored
    assert any(t == kloof[0] and actors[s].kind == "mayor" for s, t in authored)


def test_nplv_one_alliance_per_area_chaired_by_a_mayor_of_its_municipality(
    nplv: Scenario,
) -> None:
    actors = nplv.actor_map()
    places = _located_in(nplv)
    alliances = {a.id for a in nplv.actors
                 if a.kind == "consultation_body" and "alliantieoverleg" in a.tags}  # fmt: skip
    targets = defaultdict(set)
    for r in _relations(nplv, "TARGETS"):
        if r.source in alliances:
            targets[r.target].add(r.source)
    chairs = defaultdict(set)
    for r in _relations(nplv, "CHAIRS"):
        chairs[r.target].add(r.source)
    seen: set[str] = set()
    for area in _of_kind(nplv, "focus_area"):
        (alliance,) = targets[area]
        seen.add(alliance)
        mayors = {m for m in chairs[alliance] if actors[m].kind == "mayor"}
        municipality = places[area] & set(_of_kind(nplv, "municipality"))
        assert any(_municipalities_of(nplv, m) & municipality for m in mayors), area
    assert seen == alliances and len(alliances) == 20


def _municipalities_of(scenario: Scenario, mayor: str) -> set[str]:
    """Return the municipalities a mayor belongs to (MEMBER_OF a municipality)."""
    kinds = {a.id: a.kind for a in scenario.actors}
    return {r.target for r in _relations(scenario, "MEMBER_OF")
            if r.source == mayor and kinds[r.target] == "municipality"}  # fmt: skip


def test_nplv_residents_of_each_area_are_consulted_without_a_right(nplv: Scenario) -> None:
    residents = set(_of_kind(nplv, "resident_group"))
    kinds = {a.id: a.kind for a in nplv.actors}
    voice = [r for r in _relations(nplv, "PARTICIPATES_IN")
             if r.source in residents and kinds[r.target] == "consultation_body"]  # fmt: skip
    places = _located_in(nplv)
    areas = {a for r in voice for a in places[r.source]}
    assert areas == set(_of_kind(nplv, "focus_area"))
    assert all(not r.formal and r.confidence == "inferred" and OP_ED in r.sources for r in voice)
    assert not any(r.formal for r in nplv.relations if r.source in residents)


def test_nplv_frontline_professionals_account_to_several_controllers(nplv: Scenario) -> None:
    professionals = set(_of_kind(nplv, "professional_group"))
    lines = defaultdict(set)
    for r in _relations(nplv, "REPORTS_TO"):
        if r.source in professionals:
            lines[r.source].add(r.target)
            assert "op-ed-claim" in r.tags and r.confidence == "inferred"
    assert set(lines) == professionals
    assert all(len(targets) >= 3 for targets in lines.values())


def test_nplv_imposed_structures_are_claims_of_the_op_ed(nplv: Scenario) -> None:
    alliances = {a.id for a in nplv.actors if "alliantieoverleg" in a.tags}
    imposed = [r for r in _relations(nplv, "STEERS") if r.source == "nplv"]
    assert alliances <= {r.target for r in imposed}
    assert all("op-ed-claim" in r.tags and r.confidence == "inferred" for r in imposed)


def test_nplv_minister_reports_to_parliament_and_lead_moves_to_vro(nplv: Scenario) -> None:
    kinds = {a.id: a.kind for a in nplv.actors}
    reports = {(r.source, kinds[r.target]) for r in _relations(nplv, "REPORTS_TO")}
    assert ("minister-vro", "parliament") in reports
    steers = {r.source: r for r in _relations(nplv, "STEERS") if r.target == "nplv"}
    assert steers["min-bzk"].until and steers["min-vro"].since
    assert steers["min-bzk"].until[:4] <= steers["min-vro"].since[:4]
    assert any(a.kind == "cabinet" for a in nplv.actors)


def test_nplv_instruments_carry_sourced_amounts(nplv: Scenario) -> None:
    funded = {r.target for r in _relations(nplv, "FUNDS") if r.amount_eur}
    assert "spuk-kansrijke-wijk" in funded
    instruments = set(_of_kind(nplv, "instrument"))
    assert {"spuk-kansrijke-wijk", "volkshuisvestingsfonds", "preventie-met-gezag"} <= instruments


def test_nplv_confirmed_only_keeps_the_areas_and_their_municipalities(nplv: Scenario) -> None:
    confirmed = [r for r in _relations(nplv, "LOCATED_IN") if r.confidence == "confirmed"]
    areas = set(_of_kind(nplv, "focus_area"))
    assert areas <= {r.source for r in confirmed}


# --------------------------------------------------------------------------- manifesto


def test_manifest_relations_are_each_tied_to_a_named_pillar(manifest: Scenario) -> None:
    for r in manifest.relations:
        pillars = [t for t in r.tags if t in PILLARS]
        assert pillars, r.id
        named = any(PILLARS[p] in (r.note or "") for p in pillars)
        assert named or (len(pillars) == 3 and "All three pillars" in (r.note or "")), r.id


def test_manifest_gives_residents_a_formal_voice_in_every_area(manifest: Scenario) -> None:
    residents = set(_of_kind(manifest, "resident_group"))
    formal = [r for r in manifest.relations if r.formal and r.source in residents]
    areas = {a for r in formal for a in _located_in(manifest)[r.source]}
    assert areas == set(_of_kind(manifest, "focus_area"))
    assert all(r.confidence == "inferred" for r in formal)


def test_manifest_reuses_nplv_ids_for_the_same_bodies(nplv: Scenario, manifest: Scenario) -> None:
    for kind in ("focus_area", "municipality", "professional_group"):
        assert set(_of_kind(manifest, kind)) <= set(_of_kind(nplv, kind)), kind
    nplv_actors = nplv.actor_map()
    shared = [a for a in manifest.actors if a.id in nplv_actors]
    assert len(shared) >= 60
    assert all(nplv_actors[a.id].kind == a.kind for a in shared)
    alliances = {r.target for r in manifest.relations
                 if r.type == "MEMBER_OF" and r.source.startswith("bewoners-")}  # fmt: skip
    assert alliances <= set(nplv_actors)


def test_manifest_has_fewer_imposed_layers_than_nplv(nplv: Scenario, manifest: Scenario) -> None:
    imposed = {"interdepartmental_group", "monitoring_system", "programme_office"}
    assert any(a.kind in imposed for a in nplv.actors)
    assert not any(a.kind in imposed for a in manifest.actors)


# --------------------------------------------------------------------------- nprz


def test_nprz_is_a_confirmed_local_baseline(scenarios: dict[str, Scenario]) -> None:
    nprz = scenarios["nprz"]
    items = (*nprz.actors, *nprz.relations)
    assert all(item.confidence == "confirmed" for item in items)
    chairs = {(r.source, r.target) for r in _relations(nprz, "CHAIRS")}
    assert ("burgemeester-rotterdam", "nprz-bestuur") in chairs
    assert ("nprz", "fa-rotterdam-zuid") in {(r.source, r.target) for r in nprz.relations}
