"""Actor kinds, levels and relation types with their modes and flows (DESIGN section 2)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "CORE_KINDS",
    "LEVELS",
    "MODES",
    "CONFIDENCES",
    "RelationType",
    "CORE_RELATION_TYPES",
    "Vocabulary",
    "kind_label",
]

Flow = Literal["forward", "reverse", "none"]

CORE_KINDS: tuple[str, ...] = (
    "cabinet",
    "programme",
    "ministry",
    "parliament",
    "interdepartmental_group",
    "programme_office",
    "consultation_body",
    "advisory_body",
    "municipality",
    "mayor",
    "focus_area",
    "neighbourhood",
    "resident_group",
    "professional_group",
    "housing_corporation",
    "police",
    "school",
    "care_provider",
    "welfare_organisation",
    "private_partner",
    "knowledge_institution",
    "civil_society_platform",
    "instrument",
    "monitoring_system",
    "document",
    "person",
    "other",
)

#: Levels, ordered from the top of government to the street.
LEVELS: tuple[str, ...] = ("national", "regional", "municipal", "district", "neighbourhood")

#: Relation modes; the explorer draws each in its own line style.
MODES: tuple[str, ...] = (
    "control",
    "resource",
    "accountability",
    "coordination",
    "membership",
    "voice",
    "collaboration",
    "intervention",
    "structure",
    "discourse",
)

CONFIDENCES: tuple[str, ...] = ("confirmed", "inferred", "uncertain")

FLOWS: tuple[str, ...] = ("forward", "reverse", "none")


@dataclass(frozen=True)
class RelationType:
    """A relation type and which way control and voice flow along ``A -TYPE-> B``.

    Examples
    --------
    >>> t = RelationType("REPORTS_TO", "accountability", control="reverse", accountability=True)
    >>> t.control_arc("a", "b")
    ('b', 'a')
    >>> t.voice_arc("a", "b") is None
    True
    """

    type: str
    mode: str
    control: Flow = "none"
    voice: Flow = "none"
    accountability: bool = False
    core: bool = True

    def control_arc(self, source: str, target: str) -> tuple[str, str] | None:
        """Return the control arc ``(controller, controlled)`` for a relation, or None."""
        return _arc(self.control, source, target)

    def voice_arc(self, source: str, target: str) -> tuple[str, str] | None:
        """Return the voice arc ``(speaker, listener)`` for a relation, or None."""
        return _arc(self.voice, source, target)

    def to_dict(self) -> dict[str, object]:
        """Return the interchange form (``vocabulary.relation_types`` entry)."""
        return {
            "type": self.type,
            "mode": self.mode,
            "control": self.control,
            "voice": self.voice,
            "accountability": self.accountability,
        }


def _arc(flow: str, source: str, target: str) -> tuple[str, str] | None:
    if flow == "forward":
        return (source, target)
    if flow == "reverse":
        return (target, source)
    return None


def _core(type_: str, mode: str, control: Flow = "none", voice: Flow = "none", acc: bool = False):
    return RelationType(type_, mode, control, voice, acc, core=True)


CORE_RELATION_TYPES: dict[str, RelationType] = {
    t.type: t
    for t in (
        _core("STEERS", "control", control="forward"),
        _core("FUNDS", "resource", control="forward", acc=True),
        _core("MONITORS", "control", control="forward", acc=True),
        _core("REPORTS_TO", "accountability", control="reverse", acc=True),
        _core("IMPLEMENTS", "control", control="reverse"),
        _core("COORDINATES", "coordination", control="forward"),
        _core("CHAIRS", "control", control="forward"),
        _core("MEMBER_OF", "membership", voice="forward"),
        _core("PARTICIPATES_IN", "voice", voice="forward"),
        _core("ADVISES", "voice", voice="forward"),
        _core("REPRESENTS", "voice", voice="reverse"),
        _core("COLLABORATES_WITH", "collaboration"),
        _core("TARGETS", "intervention", control="forward"),
        _core("LOCATED_IN", "structure"),
        _core("AUTHORED", "discourse"),
        _core("CRITICISES", "discourse"),
        _core("SUPPORTS", "discourse"),
    )
}


@dataclass(frozen=True)
class Vocabulary:
    """The core vocabulary plus the kinds and relation types a scenario declares.

    Examples
    --------
    >>> extra = RelationType("ALLOCATES", "resource", "forward", "none", True, core=False)
    >>> v = Vocabulary.with_declared(kinds=["district_council"], relation_types=[extra])
    >>> v.relation_type("ALLOCATES").accountability, v.has_kind("district_council")
    (True, True)
    >>> v.relation_type("STEERS").control
    'forward'
    """

    declared_kinds: tuple[str, ...] = ()
    declared_types: tuple[RelationType, ...] = ()
    _types: Mapping[str, RelationType] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def with_declared(
        cls, kinds: Iterable[str] = (), relation_types: Iterable[RelationType] = ()
    ) -> Vocabulary:
        """Return the core vocabulary extended by declared kinds and relation types."""
        declared = tuple(relation_types)
        types = dict(CORE_RELATION_TYPES)
        types.update({t.type: t for t in declared})
        return cls(tuple(kinds), declared, types)

    def relation_type(self, name: str) -> RelationType:
        """Return the relation type called ``name``; raise KeyError if unknown."""
        types = self._types or CORE_RELATION_TYPES
        return types[name]

    def has_type(self, name: str) -> bool:
        """Return True if ``name`` is a core or declared relation type."""
        return name in (self._types or CORE_RELATION_TYPES)

    def has_kind(self, name: str) -> bool:
        """Return True if ``name`` is a core or declared actor kind."""
        return name in CORE_KINDS or name in self.declared_kinds

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every actor kind: core first, then declared ones."""
        return CORE_KINDS + tuple(k for k in self.declared_kinds if k not in CORE_KINDS)

    @property
    def relation_types(self) -> dict[str, RelationType]:
        """Every relation type by name: core first, then declared ones."""
        return dict(self._types or CORE_RELATION_TYPES)

    def to_dict(self) -> dict[str, object]:
        """Return the interchange ``vocabulary`` section (empty dict when nothing is declared)."""
        data: dict[str, object] = {}
        if self.declared_kinds:
            data["kinds"] = list(self.declared_kinds)
        if self.declared_types:
            data["relation_types"] = [t.to_dict() for t in self.declared_types]
        return data


def kind_label(kind: str) -> str:
    """Return the Neo4j label for a kind: snake_case to PascalCase.

    Examples
    --------
    >>> kind_label("interdepartmental_group")
    'InterdepartmentalGroup'
    """
    return "".join(part.capitalize() for part in kind.split("_"))
