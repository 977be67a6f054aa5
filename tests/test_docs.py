"""The README is tested: its two commands, its settings table, and every command it shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import cli
from app.settings import SETTINGS, markdown_table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def sh_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)


def test_readme_has_the_two_setup_commands_and_ci_runs_the_test_one():
    blocks = [b.strip() for b in sh_blocks(README)]
    assert "python3 -m pip install -e . && govgraph serve" in blocks
    assert "bash scripts/test.sh" in blocks
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in ci


def test_readme_settings_table_is_the_settings_table():
    assert markdown_table().strip() in README


def test_every_setting_is_documented():
    for setting in SETTINGS:
        assert f"`{setting.env}`" in README


def readme_govgraph_commands() -> list[list[str]]:
    commands = []
    for block in sh_blocks(README):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("govgraph "):
                commands.append(shlex.split(line)[1:])
    return commands


@pytest.mark.parametrize("argv", readme_govgraph_commands(), ids=" ".join)
def test_every_readme_command_exists_with_its_options(argv):
    """Each command shown in the README parses: its subcommand and options are real."""
    words = [a for a in argv if not a.startswith("-")]
    path = words[:2] if words[:1] == ["neo4j"] else words[:1]
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    for option in (a.split("=")[0] for a in argv if a.startswith("--")):
        assert option in result.output, f"{option} is not an option of govgraph {' '.join(path)}"


def test_linked_docs_exist():
    for target in re.findall(r"\]\((docs/[^)#]+)\)", README):
        assert (ROOT / target).exists(), target
