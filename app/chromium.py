"""The machine's Debian Chromium, headless: one place for how it is started.

Browser tests, screenshots and benchmarks drive it through Playwright (:func:`launch`);
``govgraph report -o FILE.pdf`` and the report route print a page to PDF with it
(:func:`print_pdf`), so no other rendering stack is needed. Playwright never downloads a
browser here. Without the background-networking flags Chromium keeps opening connections
that a closed network refuses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from graph.errors import GraphError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Seconds Chromium may take to print one report.
PRINT_TIMEOUT = 120


class PrintUnavailable(GraphError):
    """No PDF could be printed: Chromium is missing or failed (HTTP 503, exit 1)."""

    code = "pdf-unavailable"


def launch(playwright: Any) -> Any:
    """Return a headless Chromium browser started through a Playwright instance."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def executable() -> str:
    """Return the Chromium to print with (``GOVGRAPH_CHROMIUM`` overrides the Debian one).

    Raises GraphError (code ``chromium-missing``) when there is none.
    """
    found = os.environ.get("GOVGRAPH_CHROMIUM") or shutil.which("chromium") or CHROMIUM
    if not Path(found).is_file():
        raise PrintUnavailable(
            f"no Chromium to print the PDF with (looked for {found})",
            code="chromium-missing",
            hint="Install Debian's chromium package, set GOVGRAPH_CHROMIUM to a Chromium "
            "executable, or write the report as .html instead.",
        )
    return found


def print_pdf(html: str, pdf: Path) -> None:
    """Print a self-contained HTML page to ``pdf`` with headless Chromium (A4, no headers).

    The page is written to a temporary file and opened from there, with the network off.
    """
    with tempfile.TemporaryDirectory(prefix="govgraph-print-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        command = [
            executable(),
            "--headless",
            *CHROMIUM_ARGS,
            f"--user-data-dir={Path(folder) / 'profile'}",
            "--no-pdf-header-footer",
            "--proxy-server=127.0.0.1:9",  # nothing may be fetched while printing
            f"--print-to-pdf={pdf.resolve()}",
            page.as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT)
    if done.returncode != 0 or not pdf.is_file():
        raise PrintUnavailable(
            f"Chromium could not print the report to {pdf} (exit {done.returncode})",
            code="pdf-failed",
            hint=(done.stderr.strip().splitlines() or ["write the report as .html instead"])[-1],
        )
