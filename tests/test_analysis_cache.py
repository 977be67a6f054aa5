"""The analysis cache: ``analyze --json`` answered from a content-keyed entry equals a fresh
computation, byte for byte, and a changed file, option or module of code is computed afresh."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import graph.analysis.report
from app.cached_answer import early_answer
from app.cli import cli
from graph import result_cache as analysis_cache
from graph.datasets import bundled_paths
from tests.foreign_files import florentine_graphml

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"


def analyze(*args: str, cache: str | None = None) -> str:
    """Run ``govgraph analyze ... --json`` and return what it printed on stdout."""
    env = {"GOVGRAPH_CACHE_DIR": cache} if cache else {}
    result = CliRunner(env=env).invoke(cli, ["analyze", *args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def fresh(*args: str) -> str:
    """The same command with every cache off: computed from the files."""
    return analyze(*args, cache="off")


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.analysis"))


def test_a_cached_answer_equals_a_fresh_computation_byte_for_byte(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = analyze("--scenario", "nplv-2022")
    assert len(entries(cache_dir)) == 1
    expected = fresh("--scenario", "nplv-2022")
    monkeypatch.setattr(graph.analysis.report, "analyze", None)  # computing would fail
    again = analyze("--scenario", "nplv-2022")
    assert first == expected == again
    assert json.loads(again)["scenario"] == "nplv-2022"


def test_a_changed_file_is_analysed_afresh(cache_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    doc = yaml.safe_load((DATA / "web-tiny.yaml").read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    before = analyze("--data", str(path))
    removed = doc["actors"][-1]["id"]
    doc["actors"] = doc["actors"][:-1]
    doc["relations"] = [r for r in doc["relations"] if removed not in (r["from"], r["to"])]
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    after = analyze("--data", str(path))
    assert after == fresh("--data", str(path))
    assert after != before and removed not in json.loads(after)["layers"]
    assert len(entries(cache_dir)) == 2


def test_each_option_has_its_own_answer(cache_dir: Path) -> None:
    variants = [
        ("--scenario", "nplv-2022"),
        ("--scenario", "nplv-2022", "--confirmed-only"),
        ("--scenario", "nplv-2022", "--as-of", "all"),
        ("--scenario", "nprz"),
    ]
    answers = [analyze(*args) for args in variants]
    assert len(set(answers)) == len(variants)
    assert len(entries(cache_dir)) == len(variants)
    assert [analyze(*args) for args in variants] == answers == [fresh(*a) for a in variants]


def test_changed_code_gives_another_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "package"
    package.mkdir()
    (package / "measure.py").write_text("SCALE = 1\n")
    own = tmp_path / "command.py"
    own.write_text("TEXT = 'a'\n")
    monkeypatch.setattr(analysis_cache, "_PACKAGE", package)
    analysis_cache._environment.cache_clear()

    def key() -> str | None:
        analysis_cache._environment.cache_clear()
        return analysis_cache.result_key(bundled_paths(), {"as_of": None}, code=[own])

    first = key()
    assert first is not None and key() == first
    (package / "measure.py").write_text("SCALE = 2\n")
    second = key()
    own.write_text("TEXT = 'b'\n")
    third = key()
    assert len({first, second, third}) == 3
    analysis_cache._environment.cache_clear()


def test_an_installed_library_version_is_part_of_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    (site / "networkx-3.4.2.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(site))
    analysis_cache._environment.cache_clear()
    before = analysis_cache.result_key(bundled_paths(), {})
    (site / "networkx-3.4.2.dist-info").rename(site / "networkx-3.5.dist-info")
    analysis_cache._environment.cache_clear()
    assert analysis_cache.result_key(bundled_paths(), {}) != before
    analysis_cache._environment.cache_clear()


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh("--scenario", "nprz")
    assert not list(tmp_path.rglob("*.analysis"))


def test_failures_and_notices_are_never_cached(cache_dir: Path, tmp_path: Path) -> None:
    for _ in range(2):
        result = CliRunner().invoke(cli, ["analyze", "--scenario", "nope", "--json"])
        assert result.exit_code == 2 and "not loaded" in result.output
    foreign = florentine_graphml(tmp_path).paths[0]
    for _ in range(2):  # a file that needs a mapping says so on stderr at every run
        result = CliRunner().invoke(cli, ["analyze", "--data", str(foreign), "--json"])
        assert result.exit_code == 0 and "notice:" in result.stderr
    assert not entries(cache_dir)


def test_a_cached_answer_is_printed_without_importing_networkx(cache_dir: Path) -> None:
    argv = ["analyze", "--scenario", "nplv-2022", "--json"]
    code = (
        "import sys\n"
        "from app.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('networkx', 'numpy', 'igraph', 'yaml', 'click')"
        " if m in sys.modules),"
        " file=sys.stderr)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "GOVGRAPH_CACHE_DIR": str(cache_dir)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )  # fmt: skip
        for _ in range(2)
    ]
    assert "networkx" in runs[0].stderr  # the first run computed
    assert runs[1].stderr.strip() == "[]"  # the second only read the answer, before click
    assert runs[0].stdout == runs[1].stdout == fresh("--scenario", "nplv-2022")


PLAIN_FORMS = [
    ["analyze", "--scenario", "nplv-2022", "--json"],
    ["analyze", "--json", "--confirmed-only", "--scenario", "nprz"],
    ["analyze", "--as-of", "all", "--json", "--scenario", "nplv-2022"],
]


@pytest.mark.parametrize("argv", PLAIN_FORMS, ids=" ".join)
def test_the_early_answer_is_what_the_command_printed(cache_dir: Path, argv: list[str]) -> None:
    assert early_answer(argv) is None  # nothing kept yet
    printed = CliRunner().invoke(cli, argv, catch_exceptions=False).stdout
    assert early_answer(argv) is not None
    options = [a for a in argv[1:] if a != "--json"]
    assert early_answer(argv) + "\n" == printed == fresh(*options)


def test_the_early_answer_with_data_files(cache_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes((DATA / "web-tiny.yaml").read_bytes())
    printed = analyze("--data", str(path))
    assert early_answer(["analyze", "--data", str(path), "--json"]) + "\n" == printed
    assert early_answer(["analyze", "--json"]) is None  # the bundled data: another key


@pytest.mark.parametrize(
    "argv",
    [
        ["analyze", "--scenario=nplv-2022", "--json"],
        ["analyze", "--scenario", "nplv-2022"],
        ["analyze", "--scenario", "nplv-2022", "--json", "--json"],
        ["analyze", "--scenario", "nplv-2022", "--scenario", "nplv-2022", "--json"],
        ["analyze", "--scenario", "nplv-2022", "--json", "--help"],
        ["analyze", "--scenario", "nplv-2022", "--json", "--over-time"],
        ["--debug", "analyze", "--scenario", "nplv-2022", "--json"],
    ],
    ids=" ".join,
)
def test_anything_but_the_plain_form_goes_to_the_command(cache_dir: Path, argv: list[str]) -> None:
    analyze("--scenario", "nplv-2022")
    assert early_answer(["analyze", "--scenario", "nplv-2022", "--json"]) is not None
    assert early_answer(argv) is None


@pytest.mark.parametrize("variable", ["GOVGRAPH_DATA", "NEO4J_URI", "GOVGRAPH_DB"])
def test_data_chosen_by_the_environment_goes_to_the_command(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    argv = ["analyze", "--scenario", "nplv-2022", "--json"]
    analyze(*argv[1:-1])
    monkeypatch.setenv(variable, "bolt://127.0.0.1:1" if variable == "NEO4J_URI" else "x")
    assert early_answer(argv) is None
