"""Validation: every problem at once, each with its code, place, culprit and hint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import ValidationFailed
from graph.formats import load_paths, read_bytes, read_path
from graph.validation import validate_document

DATA = Path(__file__).parent / "data"

# A valid document; each case below changes one line of it (line numbers are 1-based).
BASE = """\
govgraph: 1
scenario: {id: demo, title: Demo}
sources:
  - {id: src, title: A source}
actors:
  - {id: a, name: A, kind: ministry}
  - {id: b, name: B, kind: municipality}
relations:
  - {from: a, to: b, type: STEERS}
"""


def _with(line: int, text: str, **more: str) -> str:
    """Return BASE with ``line`` replaced (and lines ``l7=...`` etc. too)."""
    lines = BASE.splitlines()
    lines[line - 1] = text
    for key, other in more.items():
        lines[int(key[1:]) - 1] = other
    return "\n".join(lines) + "\n"


YAML_CASES = [
    # the parser notices the unclosed mapping on the next line
    ("syntax-error", 7, None, _with(6, "  - {id: a, name: A, kind: ministry")),
    ("missing-version", 1, None, _with(1, "# no version")),
    ("unknown-version", 1, 2, _with(1, "govgraph: 2")),
    ("missing-field", 2, None, _with(2, "scenario: {id: demo}")),
    ("missing-field", 6, None, _with(6, "  - {id: a, kind: ministry}")),
    ("missing-field", 9, None, _with(9, "  - {from: a, to: b}")),
    ("bad-id", 6, "Min BZK", _with(6, "  - {id: Min BZK, name: A, kind: ministry}",
                                   l9="  - {from: Min BZK, to: b, type: STEERS}")),
    ("bad-id", 2, "Demo", _with(2, "scenario: {id: Demo, title: Demo}")),
    ("bad-id", 4, "src 1", _with(4, "  - {id: src 1}")),
    ("duplicate-id", 7, "a", _with(7, "  - {id: a, name: B, kind: municipality}",
                                   l9="  - {from: a, to: a, type: STEERS}")),
    ("unknown-actor", 9, "c", _with(9, "  - {from: a, to: c, type: STEERS}")),
    ("unknown-source", 6, "nope", _with(6, "  - {id: a, name: A, kind: ministry, sources: nope}")),
    ("unknown-kind", 6, "ministy", _with(6, "  - {id: a, name: A, kind: ministy}")),
    ("unknown-relation-type", 9, "STEER", _with(9, "  - {from: a, to: b, type: STEER}")),
    ("unknown-level", 6, "nation", _with(6, "  - {id: a, name: A, kind: ministry, level: nation}")),
    ("bad-confidence", 9, "sure", _with(9, "  - {from: a, to: b, type: STEERS, confidence: sure}")),
    ("bad-weight", 9, 1.5, _with(9, "  - {from: a, to: b, type: STEERS, weight: 1.5}")),
    ("bad-date", 6, "2022-13", _with(6, "  - {id: a, name: A, kind: ministry, since: 2022-13}")),
    ("bad-boolean", 9, "often", _with(9, "  - {from: a, to: b, type: STEERS, formal: often}")),
    ("bad-number", 9, "lots", _with(9, "  - {from: a, to: b, type: STEERS, amount_eur: lots}")),
    ("unknown-field", 6, "lavel", _with(6, "  - {id: a, name: A, kind: ministry, lavel: x}")),
    ("wrong-type", 5, "a", _with(5, "actors: a", l6="#", l7="#", l9="  []")),
    ("bad-period", 6, "2021", _with(6, "  - {id: a, name: A, kind: ministry, since: 2022, "
                                       "until: 2021}")),
]  # fmt: skip


def _problems(text: str, name: str = "case.yaml") -> list:
    with pytest.raises(ValidationFailed) as info:
        read_bytes(text.encode(), name)
    return info.value.problems


def test_base_document_is_valid() -> None:
    scenario = read_bytes(BASE.encode(), "base.yaml")[0]
    assert [a.id for a in scenario.actors] == ["a", "b"]


@pytest.mark.parametrize(("code", "line", "value", "text"), YAML_CASES)
def test_yaml_problem_has_code_line_and_culprit(code: str, line: int, value: object, text: str):
    problems = _problems(text)
    assert [(p.code, p.line) for p in problems] == [(code, line)]
    assert problems[0].file == "case.yaml" and problems[0].hint
    if value is not None:
        assert problems[0].value == value


@pytest.mark.parametrize(("code", "line", "value", "text"), YAML_CASES[2:])
def test_json_problems_have_lines(code: str, line: int, value: object, text: str) -> None:
    doc = yaml.safe_load(text)
    lines = json.dumps(doc, indent=1).splitlines()
    problems = _problems("\n".join(lines), "case.json")
    assert [p.code for p in problems] == [code]
    assert problems[0].line is not None and 1 <= problems[0].line <= len(lines)
    if value is not None:
        assert problems[0].value == value


def test_json_line_points_at_the_field() -> None:
    text = '{"govgraph": 1,\n "scenario": {"id": "d", "title": "D"},\n "actors": [\n'
    text += '  {"id": "a", "name": "A",\n   "kind": "nope"}]}'
    problem = _problems(text, "x.json")[0]
    assert (problem.code, problem.line, problem.value) == ("unknown-kind", 5, "nope")


def test_json_syntax_error_has_its_line() -> None:
    problem = _problems('{"govgraph": 1,\n "scenario": {\n}}}', "x.json")[0]
    assert (problem.code, problem.line) == ("syntax-error", 3)


def test_hints_suggest_the_closest_name() -> None:
    problems = _problems(_with(6, "  - {id: a, name: A, kind: ministry, lavel: x}"))
    assert "'level'" in problems[0].hint
    problems = _problems(_with(9, "  - {from: a, to: b, type: STEERS, source: src}"))
    assert "'sources'" in problems[0].hint


def test_three_problems_are_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as info:
        read_path(DATA / "three-problems.yaml")
    found = [(p.code, p.line, p.value) for p in info.value.problems]
    assert found == [("unknown-kind", 5, "minstry"), ("duplicate-id", 6, "a"),
                     ("unknown-actor", 8, "nowhere")]  # fmt: skip


def test_sample_file_loads_with_derived_ids_and_lists() -> None:
    scenario = read_path(DATA / "sample.yaml")[0]
    assert scenario.relations[0].id == "min-bzk:STEERS:nplv-office"
    assert scenario.actor_map()["min-bzk"].sector == ("governance",)
    assert scenario.info.date == "2022-07" and scenario.relations[1].amount_eur == 256e6
    assert scenario.vocabulary.relation_type("ALLOCATES").accountability is True


def test_yaml_date_objects_become_iso_text() -> None:
    scenario = read_bytes(
        _with(2, "scenario: {id: d, title: D, date: 2022-07-04}").encode(), "d.yaml"
    )
    assert scenario[0].info.date == "2022-07-04"


def test_repeated_relations_get_numbered_ids_and_duplicates_are_caught() -> None:
    text = BASE + "  - {from: a, to: b, type: STEERS}\n"
    assert [r.id for r in read_bytes(text.encode(), "r.yaml")[0].relations] == [
        "a:STEERS:b",
        "a:STEERS:b:2",
    ]
    text = BASE + "  - {id: 'a:STEERS:b', from: b, to: a, type: ADVISES}\n"
    assert [(p.code, p.line) for p in _problems(text)] == [("duplicate-id", 10)]


def test_declared_types_are_checked() -> None:
    text = (
        BASE + "vocabulary:\n  relation_types:\n    - {type: ALLOCATES, mode: money, control: up}\n"
    )
    assert sorted(p.code for p in _problems(text)) == ["bad-flow", "bad-mode"]
    text = BASE + "vocabulary:\n  relation_types:\n    - {type: STEERS, mode: control}\n"
    assert [p.code for p in _problems(text)] == ["duplicate-type"]


def test_csv_problems_have_file_and_row(tmp_path: Path) -> None:
    (tmp_path / "actors.csv").write_text("id,name,knd\na,A,ministry\nb,B,municipality\n")
    (tmp_path / "relations.csv").write_text("from,to,type\na,b,STEERS\na,c,STEERS\n")
    with pytest.raises(ValidationFailed) as info:
        read_path(tmp_path)
    found = {(p.code, Path(p.file or "").name, p.row, p.value) for p in info.value.problems}
    assert found == {
        ("unknown-column", "actors.csv", 1, "knd"),
        ("missing-column", "actors.csv", 1, "kind"),
        ("unknown-actor", "relations.csv", 3, "c"),
    }


def test_two_files_with_one_scenario_id(tmp_path: Path) -> None:
    for name in ("one.yaml", "two.yaml"):
        (tmp_path / name).write_text(BASE)
    with pytest.raises(ValidationFailed) as info:
        load_paths([tmp_path / "one.yaml", tmp_path / "two.yaml"])
    (problem,) = info.value.problems
    assert problem.code == "duplicate-scenario" and problem.value == "demo"
    assert "one.yaml" in problem.message and problem.file.endswith("two.yaml")


def test_all_paths_are_checked_before_failing(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(_with(6, "  - {id: a, name: A, kind: x}"))
    (tmp_path / "worse.json").write_text("{")
    with pytest.raises(ValidationFailed) as info:
        load_paths([tmp_path / "bad.yaml", tmp_path / "worse.json", tmp_path / "missing.yaml"])
    assert [p.code for p in info.value.problems] == [
        "unknown-kind",
        "syntax-error",
        "file-not-found",
    ]


def test_document_that_is_not_a_mapping() -> None:
    with pytest.raises(ValidationFailed) as info:
        validate_document([1, 2], file="x")  # type: ignore[arg-type]
    assert info.value.problems[0].code == "wrong-type"


def test_not_utf8_is_reported() -> None:
    assert _problems("govgraph: 1\nname: \xe9".encode("latin-1").decode("latin-1"))  # sanity
    with pytest.raises(ValidationFailed) as info:
        read_bytes(b"govgraph: 1\n\xff\xfe", "x.yaml")
    assert (info.value.problems[0].code, info.value.problems[0].line) == ("bad-encoding", 2)


# --- fuzzing: nothing but ValidationFailed ever comes out -----------------------------------

SUFFIXES = ["x.yaml", "x.json", "x.xlsx", "x.zip", "x.graphml", "x.gexf"]
yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.dates(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["govgraph", "scenario", "actors", "relations", "id", "name", "kind",
                         "from", "to", "type", "sources", "vocabulary", "kinds", "weight",
                         "since", "relation_types", "mode", "x"]), inner, max_size=5),
    max_leaves=20,
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=300), name=st.sampled_from(SUFFIXES))
def test_random_bytes_never_raise_anything_else(data: bytes, name: str) -> None:
    with pytest.raises(ValidationFailed):
        read_bytes(data, name)


@settings(max_examples=200, deadline=None)
@given(doc=yaml_values)
def test_random_yaml_never_raises_anything_else(doc: object) -> None:
    text = yaml.safe_dump(doc)
    try:
        read_bytes(text.encode(), "fuzz.yaml")
    except ValidationFailed as exc:
        assert exc.problems and all(p.code for p in exc.problems)


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet="{}[]:,-'\" \nabc1&*!#|>", max_size=60))
def test_random_yaml_text_never_raises_anything_else(text: str) -> None:
    try:
        read_bytes(text.encode(), "fuzz.yaml")
    except ValidationFailed as exc:
        assert exc.problems


def test_repeated_yaml_keys_are_reported_with_their_line() -> None:
    text = BASE.replace(
        "  - {id: b, name: B, kind: municipality}",
        "  - {id: b, name: B, kind: x, kind: municipality}",
    )
    problems = _problems(text)
    assert [(p.code, p.line, p.value) for p in problems] == [("duplicate-key", 7, "kind")]


def test_repeated_json_keys_are_reported_with_the_rest() -> None:
    doc = yaml.safe_load(BASE)
    text = json.dumps(doc, indent=1).replace('"name": "B",', '"name": "B", "name": "Bee",')
    text = text.replace('"kind": "ministry"', '"kind": "ministery"')
    problems = _problems(text, "case.json")
    codes = sorted((p.code, p.value) for p in problems)
    assert codes == [("duplicate-key", "name"), ("unknown-kind", "ministery")]
    line = next(p.line for p in problems if p.code == "duplicate-key")
    assert '"Bee"' in text.splitlines()[line - 1]


def test_lone_surrogates_are_refused_with_their_place(tmp_path: Path) -> None:
    # A JSON escape such as \ud800 makes a string no store can keep (LadybugDB crashes on it).
    text = '{"govgraph": 1,\n "scenario": {"id": "h", "title": "\\ud800"},\n "actors": []}'
    problems = _problems(text, "case.json")
    assert [(p.code, p.line) for p in problems] == [("bad-text", 2)]
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed):
        load_paths([path])
