"""Launching the machine's Debian Chromium headless, shared by browser tests and scripts.

The launcher lives in :mod:`app.chromium` (the report command prints PDFs with it); this
module keeps the names the scripts and tests import.
"""

from __future__ import annotations

from app.chromium import CHROMIUM, CHROMIUM_ARGS, launch

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "launch"]
