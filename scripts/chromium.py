"""Launching the machine's Debian Chromium headless, shared by browser tests and scripts.

Playwright never downloads a browser here: it drives ``/usr/bin/chromium``. Without the
background-networking flags Chromium keeps opening connections that a closed network refuses.
"""

from __future__ import annotations

from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(playwright: Any) -> Any:
    """Return a headless Chromium browser started through a Playwright instance."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
