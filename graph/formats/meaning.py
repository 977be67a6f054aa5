"""Whether a scenario's actors and relations carry governance meaning (foreign files often
do not): the notice every entry point shows, kept apart from the foreign readers so that
showing it needs no parser.
"""

from __future__ import annotations

from graph.model import Scenario

__all__ = ["mapping_notice"]


def mapping_notice(scenario: Scenario) -> str | None:
    """Return a notice when actors or relations lack governance meaning, else None.

    Counts actors of kind ``other`` and relations of declared types that carry no control,
    voice or accountability: the steering analyses see neither. A scenario whose actors
    carry no foreign attributes and are mostly of a real kind gets no notice for its few
    ``other`` actors (govgraph's own files use the kind on purpose).

    Examples
    --------
    >>> from graph.model import Actor, Relation, ScenarioInfo
    >>> from graph.vocabulary import RelationType, Vocabulary
    >>> related = RelationType("RELATED_TO", "other", "none", "none")
    >>> s = Scenario(ScenarioInfo("g", "G"), vocabulary=Vocabulary(declared_types=(related,)),
    ...              actors=(Actor("a", "A", "other"), Actor("b", "B", "other")),
    ...              relations=(Relation("a:RELATED_TO:b", "a", "b", "RELATED_TO"),))
    >>> print(mapping_notice(s))
    2 of 2 actors have kind 'other' and 1 of 1 relations a type without control, voice or accountability (RELATED_TO): the steering analyses need a mapping to governance meaning.
    """  # noqa: E501
    others = sum(1 for a in scenario.actors if a.kind == "other")
    empty = {t.type for t in scenario.vocabulary.declared_types
             if t.control == "none" and t.voice == "none" and not t.accountability}  # fmt: skip
    bare = [r for r in scenario.relations if r.type in empty]
    # A govgraph author may file a few actors under 'other' on purpose; a foreign file's
    # actors carry attributes (or are mostly 'other').
    foreign = any(a.attributes for a in scenario.actors) or others * 2 > len(scenario.actors)
    if not bare and not (others and foreign):
        return None
    parts = []
    if others:
        parts.append(f"{others} of {len(scenario.actors)} actors have kind 'other'")
    if bare:
        names = ", ".join(sorted({r.type for r in bare})[:5])
        parts.append(
            f"{len(bare)} of {len(scenario.relations)} relations a type without control, "
            f"voice or accountability ({names})"
        )
    return " and ".join(parts) + (": the steering analyses need a mapping to governance meaning.")
