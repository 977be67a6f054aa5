"""A guard for zip-based inputs (zipped CSV folders, xlsx workbooks) against zip bombs."""

from __future__ import annotations

import io
import zipfile

from graph.errors import Problem, ValidationFailed

__all__ = ["MAX_UNZIPPED_BYTES", "check_unzipped_size"]

#: The most an archive may hold once unpacked; far above any real governance scenario.
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024


def check_unzipped_size(data: bytes, file: str, limit: int | None = None) -> None:
    """Refuse an archive whose members would unpack to more than ``limit`` bytes.

    The sizes come from the archive's directory, so nothing is unpacked to find out; a
    member that lies about its size is caught by :mod:`zipfile` itself while reading.

    Raises
    ------
    ValidationFailed
        With one ``archive-too-large`` problem.

    Examples
    --------
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("actors.csv", "x" * 5000)
    >>> check_unzipped_size(buffer.getvalue(), "a.zip", limit=1000)
    Traceback (most recent call last):
    graph.errors.ValidationFailed: 1 problem found in the input
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: the reader reports it as unreadable
    limit = MAX_UNZIPPED_BYTES if limit is None else limit
    if total > limit:
        problem = Problem(
            "archive-too-large",
            f"the archive unpacks to {total:,} bytes, more than the {limit:,} allowed",
            "Split the data into smaller scenarios, or load it from the command line.",
            file=file,
            value=total,
        )
        raise ValidationFailed([problem])
