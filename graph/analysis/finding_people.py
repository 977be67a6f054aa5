"""Findings on people: residents' and professionals' voice reach, and accountability load."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graph.analysis.finding_base import Analysis, Context, Figure, resolve
from graph.analysis.finding_base import make_finding as _finding
from graph.analysis.wording import join_words, kind_noun, percent, plural

__all__ = ["voice", "no_voice", "decisive", "accountability"]

# ---- voice reach -------------------------------------------------------------------------

_VOICE_WHO = {"resident_group": "Residents'", "professional_group": "Professionals'"}


def _reach(a: Analysis, which: str, kind: str) -> tuple[int, int, float | None]:
    r = resolve(a, (which, kind)) or {}
    return len(r.get("reached") or {}), int(r.get("deciders") or 0), r.get("share")


def _say_reach(which: str, kind: str) -> Callable[[Analysis], str]:
    def say(a: Analysis) -> str:
        reached, deciders, share = _reach(a, which, kind)
        if not deciders:
            return "no deciders"
        return f"{reached} of {deciders} deciders ({percent(share)})"

    return say


def voice(c: Context, kind: str) -> dict[str, Any] | None:
    reached, deciders, share = _reach(c.all, "voice_reach", kind)
    formal, _, _ = _reach(c.all, "decisive_voice_reach", kind)
    who = _VOICE_WHO[kind]
    actors = (resolve(c.all, ("voice_reach", kind)) or {}).get("actors", 0)
    path = ("voice_reach", kind)
    if not actors:
        text = f"No {kind_noun(kind)} is modelled, so {who.lower()} voice cannot be traced."
    elif not deciders:
        text = (
            f"No actor controls another, so there is no decider for {who.lower()} voice to reach."
        )
    else:
        how = (
            "none through a formal channel"
            if not formal
            else f"{formal} ({percent(formal / deciders)}) through a formal channel"
        )
        text = f"{who} voice reaches {reached} of {deciders} deciders ({percent(share)}), {how}."
    numbers = [
        (path + ("reached",), True),
        (path + ("deciders",), False),
        (path + ("share",), False),
        (("decisive_voice_reach", kind, "reached"), True),
    ]
    view = {"hl": "voice"} if kind == "resident_group" else {"hl": f"voice:{kind}"}
    if not actors or not deciders:  # the sentence quotes no number: it lists what is missing
        view, numbers = {}, [(path + ("actors" if not actors else "deciders",), False)]
    return _finding(
        c,
        f"voice_reach.{kind}",
        "voice_reach",
        text,
        Figure(path + ("share",), _say_reach("voice_reach", kind), unit="of deciders reached"),
        numbers,
        c.link(f"{who} voice paths to the deciders", **view),
    )


def no_voice(c: Context) -> dict[str, Any]:
    text = (
        "The structure has no voice relations: neither residents nor professionals reach "
        "a decider, formally or otherwise."
    )
    return _finding(
        c,
        "voice_reach",
        "voice_reach",
        text,
        Figure(
            ("counts", "voice_arcs"),
            lambda a: f"{resolve(a, ('counts', 'voice_arcs')) or 0} voice relations",
            unit="voice relations",
        ),
        [(("counts", "voice_arcs"), False)],
        c.link("Voice relations in the explorer", modes="voice"),
    )


def decisive(c: Context) -> dict[str, Any] | None:
    kind = "resident_group"
    reached, deciders, share = _reach(c.all, "decisive_voice_reach", kind)
    pro, _, pro_share = _reach(c.all, "decisive_voice_reach", "professional_group")
    if not deciders:
        return None
    pros = f"professionals {pro} ({percent(pro_share)})" if pro else "professionals none"
    if reached:
        text = (
            f"Through formal channels, residents reach {reached} of {deciders} deciders "
            f"({percent(share)}) and {pros}: that is their decisive voice reach."
        )
    else:
        text = (
            f"Through formal channels, residents reach none of the {deciders} deciders "
            f"(decisive voice reach {percent(share)}), and {pros}."
        )
    path = ("decisive_voice_reach", kind)
    numbers = [
        (path + ("reached",), True),
        (path + ("deciders",), False),
        (path + ("share",), False),
        (("decisive_voice_reach", "professional_group", "reached"), True),
    ]
    return _finding(
        c,
        "decisive_voice_reach.resident_group",
        "decisive_voice_reach",
        text,
        Figure(
            path + ("share",), _say_reach("decisive_voice_reach", kind), unit="reached formally"
        ),
        numbers,
        c.link("Residents' formal voice paths", hl=f"decisive:{kind}"),
    )


# ---- accountability ----------------------------------------------------------------------


def _loads_of(c: Context, kinds: Sequence[str]) -> list[tuple[str, int]]:
    loads = c.all.get("accountability_load") or {}
    return sorted(
        ((a, n) for a, n in loads.items() if n > 0 and c.kind(a) in kinds),
        key=lambda item: (-item[1], item[0]),
    )


def _say_load(actor: str) -> Callable[[Analysis], str]:
    def say(a: Analysis) -> str:
        n = resolve(a, ("accountability_load", actor))
        if n is None:
            return "not in the structure"
        return plural(n, "controller")

    return say


_FRONTLINE = ("professional_group", "resident_group")


def accountability(c: Context, frontline: bool) -> dict[str, Any] | None:
    kinds = _FRONTLINE if frontline else tuple({c.kind(a) for a in c.G})
    loads = _loads_of(c, kinds)
    if not loads:
        if frontline:
            return None
        text = "No actor must account to anyone: the structure has no accountability relations."
        return _finding(
            c,
            "accountability_load",
            "accountability_load",
            text,
            Figure(
                ("accountability_summary", "max"),
                lambda a: plural(resolve(a, ("accountability_summary", "max")) or 0, "controller"),
                unit="controllers at most",
            ),
            [(("accountability_summary", "max"), False)],
            c.link("The explorer"),
        )
    top = loads[0][1]
    heaviest = [a for a, n in loads if n == top]
    if not frontline and all(c.kind(a) in _FRONTLINE for a in heaviest):
        return None  # the frontline finding already names them, with the same load
    names = join_words([c.name(a) for a in heaviest])
    if frontline:
        verb = "each account" if len(heaviest) > 1 else "account"  # groups: plural nouns
        text = f"{names} {verb} to {plural(top, 'controller')}, the most of any frontline group."
    elif len(heaviest) > 1:
        text = (
            f"{names} carry the heaviest accountability load: each accounts to "
            f"{plural(top, 'controller')}."
        )
    else:
        text = (
            f"{names} carries the heaviest accountability load: it accounts to "
            f"{plural(top, 'controller')}."
        )
    first = heaviest[0]
    return _finding(
        c,
        "accountability_load.frontline" if frontline else "accountability_load.max",
        "accountability_load",
        text,
        Figure(("accountability_load", first), _say_load(first), unit="controllers to account to"),
        [(("accountability_load", a), False) for a in heaviest],
        c.link(
            f"Whom {c.name(first)} accounts to",
            focus=first,
            depth="1",
            types=c.types_with("accountability"),
            select=first,
        ),
    )
