"""Dates in scenarios and views: ISO years, months and days read as periods, and the
``as_of`` moment a view shows (DESIGN section 3 and 5).

Kept apart from :mod:`graph.network` so that reading, validating and the command line's
option checks need no graph library.
"""

from __future__ import annotations

import calendar
import datetime as dt

__all__ = ["period", "parse_as_of", "resolve_as_of", "ALL_TIME"]


def period(text: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day covered by an ISO year, year-month or date.

    Examples
    --------
    >>> period("2022-02")
    (datetime.date(2022, 2, 1), datetime.date(2022, 2, 28))
    >>> period("2023")
    (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    """
    parts = [int(p) for p in str(text).split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last)
    day = dt.date(parts[0], parts[1], parts[2])
    return day, day


#: The ``as_of`` value that asks for every fact whatever its dates (``--as-of all``).
ALL_TIME = "all"


def parse_as_of(value: str | dt.date | None) -> dt.date | None:
    """Return the day an ``as_of`` value stands for: a year or month means its *last* day.

    "As of 2022-07" is the structure as it stood at the end of July 2022, so a fact that
    began on 4 July 2022 is in force then and one that ended in June 2022 is not.

    Raises
    ------
    ValueError
        If the text is not an ISO year, year-month or date.

    Examples
    --------
    >>> parse_as_of("2023-06"), parse_as_of("2024")
    (datetime.date(2023, 6, 30), datetime.date(2024, 12, 31))
    """
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return period(value)[1]
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"'{value}' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD) or '{ALL_TIME}'"
        ) from exc


def resolve_as_of(value: str | dt.date | None, scenario_date: str | None) -> dt.date | None:
    """Return the day a view of a scenario shows, or None for all time.

    This is the one place where the default moment is decided: no value means the scenario's
    own ``date`` (all time when it has none), ``"all"`` means all time, anything else is read
    by :func:`parse_as_of`.

    Examples
    --------
    >>> resolve_as_of(None, "2022-07"), resolve_as_of("all", "2022-07")
    (datetime.date(2022, 7, 31), None)
    >>> resolve_as_of("2025-01-01", "2022-07"), resolve_as_of(None, None)
    (datetime.date(2025, 1, 1), None)
    """
    if value is None:
        value = scenario_date
    if value is None or (isinstance(value, str) and value.strip().lower() == ALL_TIME):
        return None
    return parse_as_of(value)
