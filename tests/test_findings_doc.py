"""docs/findings.md cannot drift from the code: every command in it reproduces its output.

Each fenced ``sh`` block in the document is followed by the output it printed, either as a
fenced ``text`` block or as Markdown between ``<!-- output -->`` and ``<!-- /output -->``.
The blocks run in document order in one fresh folder (the first block saves the analyses
as JSON files that the later blocks read), and each printed output must equal the
document's, line by line (trailing spaces and trailing blank lines aside).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import missing_part

DOC = Path(__file__).resolve().parent.parent / "docs" / "findings.md"

#: A command block and the output recorded right after it.
BLOCK = re.compile(
    r"```sh\n(?P<command>.*?)```[ \t]*\n\s*"
    r"(?:```text\n(?P<text>.*?)```|<!-- output -->\n(?P<markdown>.*?)<!-- /output -->)",
    re.DOTALL,
)

#: Seconds one block may take; the first one runs several analyses at once.
BLOCK_TIMEOUT = 300


@dataclass(frozen=True)
class Example:
    """One command of the document with the output the document claims for it."""

    line: int
    command: str
    expected: str


def normalise(text: str) -> str:
    """Drop trailing spaces on each line and trailing blank lines."""
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines())


def examples(text: str) -> list[Example]:
    """Return every ``sh`` block of ``text`` with its recorded output, in order."""
    found = []
    for match in BLOCK.finditer(text):
        expected = match.group("text") if match.group("text") is not None else match["markdown"]
        line = text.count("\n", 0, match.start()) + 1
        found.append(Example(line, match["command"], normalise(expected)))
    return found


def run(example: Example, folder: Path) -> str:
    """Run one block with bash in ``folder``; fail with its stderr when it exits non-zero."""
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", example.command],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=BLOCK_TIMEOUT,
    )
    assert done.returncode == 0, f"line {example.line}: exit {done.returncode}\n{done.stderr}"
    return normalise(done.stdout)


def test_every_command_block_is_followed_by_its_output():
    text = DOC.read_text(encoding="utf-8")
    assert text.count("```sh\n") == len(examples(text)), "an sh block lacks its recorded output"
    assert len(examples(text)) >= 5


def test_parser_pairs_commands_with_both_output_styles():
    text = (
        "```sh\necho a\n```\n\n```text\na\n```\n"
        "```sh\necho b\n```\n<!-- output -->\nb\n<!-- /output -->\n"
    )
    found = examples(text)
    assert [(e.command, e.expected) for e in found] == [("echo a\n", "a"), ("echo b\n", "b")]
    assert [e.line for e in found] == [1, 8]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Example, str]]:
    if shutil.which("govgraph") is None:
        missing_part("the govgraph command is not installed (pip install -e .)")
    folder = tmp_path_factory.mktemp("findings")
    return [(example, run(example, folder)) for example in examples(DOC.read_text("utf-8"))]


@pytest.mark.slow
def test_every_command_reproduces_the_documented_output(outputs):
    drifted = [
        f"line {example.line}:\n--- documented\n{example.expected}\n--- printed now\n{printed}"
        for example, printed in outputs
        if printed != example.expected
    ]
    assert not drifted, "\n\n".join(drifted)
