"""Plain words for numbers, kinds and lists, shared by the findings, the comparison and reports.

Every sentence govgraph writes about a structure is made from these helpers, so a share is
always written the same way ("23 %") and a kind always has the same plural.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["KIND_NOUNS", "kind_noun", "count_noun", "plural", "percent", "join_words", "decimal"]

#: Actor kind -> (singular, plural) as a reader would say them; other kinds are derived.
KIND_NOUNS: dict[str, tuple[str, str]] = {
    "cabinet": ("cabinet", "cabinets"),
    "programme": ("programme", "programmes"),
    "ministry": ("ministry", "ministries"),
    "parliament": ("parliament", "parliaments"),
    "interdepartmental_group": ("interdepartmental group", "interdepartmental groups"),
    "programme_office": ("programme office", "programme offices"),
    "consultation_body": ("consultation body", "consultation bodies"),
    "advisory_body": ("advisory body", "advisory bodies"),
    "municipality": ("municipality", "municipalities"),
    "mayor": ("mayor", "mayors"),
    "focus_area": ("focus area", "focus areas"),
    "neighbourhood": ("neighbourhood", "neighbourhoods"),
    "resident_group": ("resident group", "resident groups"),
    "professional_group": ("professional group", "professional groups"),
    "housing_corporation": ("housing corporation", "housing corporations"),
    "police": ("police force", "police forces"),
    "school": ("school", "schools"),
    "care_provider": ("care provider", "care providers"),
    "welfare_organisation": ("welfare organisation", "welfare organisations"),
    "private_partner": ("private partner", "private partners"),
    "knowledge_institution": ("knowledge institution", "knowledge institutions"),
    "civil_society_platform": ("civil society platform", "civil society platforms"),
    "instrument": ("instrument", "instruments"),
    "monitoring_system": ("monitoring system", "monitoring systems"),
    "document": ("document", "documents"),
    "person": ("person", "persons"),
    "other": ("other actor", "other actors"),
}


def kind_noun(kind: str, plural: bool = False) -> str:
    """Return how a reader names one actor (or several) of a kind.

    Examples
    --------
    >>> kind_noun("consultation_body", plural=True), kind_noun("city_council", plural=True)
    ('consultation bodies', 'city councils')
    """
    words = KIND_NOUNS.get(kind)
    if words:
        return words[1] if plural else words[0]
    noun = kind.replace("_", " ")
    return noun + "s" if plural and not noun.endswith("s") else noun


def count_noun(n: int, kind: str) -> str:
    """Return ``n`` actors of a kind in words.

    Examples
    --------
    >>> count_noun(1, "ministry"), count_noun(20, "focus_area")
    ('1 ministry', '20 focus areas')
    """
    return f"{n} {kind_noun(kind, plural=n != 1)}"


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """Return ``n`` and the noun, plural unless ``n`` is 1.

    Examples
    --------
    >>> plural(1, "controller"), plural(4, "controller"), plural(2, "body", "bodies")
    ('1 controller', '4 controllers', '2 bodies')
    """
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"


def percent(share: float | None) -> str:
    """Return a share as a percentage a reader can quote: whole numbers, one decimal below 10.

    Examples
    --------
    >>> percent(0.2258), percent(0.0221), percent(0.0), percent(1.0), percent(None)
    ('23 %', '2.2 %', '0 %', '100 %', 'undefined')
    """
    if share is None:
        return "undefined"
    value = share * 100
    if 0 < value < 10 and round(value, 1) != round(value):
        return f"{value:.1f} %"
    return f"{round(value)} %"


def decimal(value: float | None, digits: int = 2) -> str:
    """Return a measure between 0 and 1 with a fixed number of decimals, or 'undefined'.

    Examples
    --------
    >>> decimal(0.10234), decimal(None), decimal(1.0)
    ('0.10', 'undefined', '1.00')
    """
    return "undefined" if value is None else f"{value:.{digits}f}"


def join_words(words: Sequence[str], conjunction: str = "and") -> str:
    """Join words as in a sentence.

    Examples
    --------
    >>> join_words(["a"]), join_words(["a", "b"]), join_words(["a", "b", "c"])
    ('a', 'a and b', 'a, b and c')
    """
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"
