"""The bundled scenarios: the NPLV as designed, the manifesto's alternative and NPRZ.

Each file is one scenario in the interchange format (DESIGN section 3), built from the
sourced research notes; every actor and relation cites its sources.

Examples
--------
>>> [p.name for p in bundled_paths()]
['nplv-2022.yaml', 'nprz.yaml', 'wijkaanpak-manifest.yaml']
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["BUNDLED_NAMES", "bundled_paths"]

#: File names of the bundled scenarios, sorted.
BUNDLED_NAMES: tuple[str, ...] = ("nplv-2022.yaml", "nprz.yaml", "wijkaanpak-manifest.yaml")


def bundled_paths() -> list[Path]:
    """Return the paths of the bundled scenario files, sorted by name.

    Returns
    -------
    list of Path
        Existing files inside the installed package.

    Raises
    ------
    FileNotFoundError
        If a bundled file is missing from the installation (a packaging error).
    """
    folder = Path(__file__).parent
    paths = [folder / name for name in BUNDLED_NAMES]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"bundled scenario files missing: {', '.join(missing)}")
    return paths
