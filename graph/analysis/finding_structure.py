"""Findings on the structure: layers, chains, fragmentation, centrality and hierarchy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from graph.analysis.finding_base import Analysis, Context, Figure, Path, resolve
from graph.analysis.finding_base import make_finding as _finding
from graph.analysis.wording import count_noun, decimal, join_words, kind_noun, percent, plural

__all__ = [
    "depth",
    "layer_profile",
    "chains",
    "focus_areas",
    "professionals",
    "cross_sector",
    "centrality",
    "hierarchy",
    "tops",
]

# ---- layers and chains ---------------------------------------------------------------------


def depth(c: Context) -> dict[str, Any]:
    depth = int(c.all.get("steering_depth") or 0)
    path = ("steering_depth",)
    say = Figure(path, lambda a: plural(resolve(a, path) or 0, "layer"), unit="layers of control")
    if not depth:
        text = "No actor controls another: the structure has no layers of control."
        return _finding(
            c,
            "steering_depth",
            "layers",
            text,
            say,
            [(("steering_depth",), False)],
            c.link("The explorer"),
        )
    isolated = set(c.all.get("isolated") or ())
    deepest = [
        a
        for a, layer in (c.all.get("layers") or {}).items()
        if layer == depth and a not in isolated
    ]
    kinds = Counter(c.kind(a) for a in deepest).most_common(3)
    held = join_words([count_noun(n, k) for k, n in kinds])
    if len(kinds) < len({c.kind(a) for a in deepest}):
        held += " and others"
    if len(kinds) > 1:
        held = f"{plural(len(deepest), 'actor')}: {held}"
    text = (
        f"Control runs up to {plural(depth, 'layer')} deep: the deepest layer holds {held}, "
        f"{plural(depth, 'step')} below the top."
    )
    chains = c.all.get("steering_chains") or []
    end = chains[0][-1] if chains else deepest[0]
    numbers = [(("steering_depth",), False), (("layer_sizes", str(depth)), False)]
    return _finding(
        c,
        "steering_depth",
        "layers",
        text,
        say,
        numbers,
        c.link(f"The longest chain down to {c.name(end)}", hl=f"chain:{end}", select=end),
    )


def layer_profile(c: Context) -> dict[str, Any] | None:
    sizes = {int(k): v for k, v in (c.all.get("layer_sizes") or {}).items()}
    actors = int(resolve(c.all, ("counts", "actors")) or 0)
    if not actors:
        return None
    alone = len(c.all.get("isolated") or ())
    say = Figure(
        ("isolated",),
        lambda a: f"{len(a.get('isolated') or ())} actors outside control",
        count=True,
        unit="actors outside control",
    )
    numbers: list[tuple[Path, bool]] = [(("isolated",), True), (("counts", "actors"), False)]
    if not sizes:
        text = f"All {actors} actors stand outside every control relation."
        return _finding(c, "isolated", "layers", text, say, numbers, c.link("The explorer"))
    crowded = max(sorted(sizes), key=lambda layer: sizes[layer])
    text = (
        (
            f"{alone} of {actors} actors have no control relation at all; the others sit in "
            if alone
            else f"Every one of the {actors} actors has a control relation; they sit in "
        )
        + f"{len(sizes)} layers, the largest being layer {crowded} "
        f"({plural(sizes[crowded], 'actor')})."
    )
    numbers.append((("layer_sizes", str(crowded)), False))
    return _finding(
        c,
        "isolated",
        "layers",
        text,
        say,
        numbers,
        c.link(f"The actors in layer {crowded}", layer_min=str(crowded), layer_max=str(crowded)),
    )


def _pattern_words(kinds: Sequence[str]) -> str:
    return " → ".join(kind_noun(k) for k in kinds)


def chains(c: Context) -> dict[str, Any] | None:
    count = int(c.all.get("steering_chain_count") or 0)
    patterns = c.all.get("steering_chain_patterns") or []
    say = Figure(
        ("steering_chain_count",),
        lambda a: f"{resolve(a, ('steering_chain_count',)) or 0} chains",
        unit="longest chains",
    )
    if not count or not patterns:
        return None  # the depth finding already says there is no control
    top = patterns[0]
    listed = sum(p["count"] for p in patterns)
    numbers: list[tuple[Path, bool]] = [(("steering_chain_count",), False)]
    if count == 1:
        chain = top["chains"][0]
        text = f"There is 1 longest steering chain: {' → '.join(c.name(a) for a in chain)}."
    elif len(patterns) == 1 and listed == count:
        text = (
            f"All {count} longest steering chains follow one pattern, {len(top['kinds'])} actors "
            f"long: {_pattern_words(top['kinds'])}."
        )
    else:
        of = f"the first {listed} of {count}" if listed < count else f"the {count}"
        text = (
            f"Of {of} longest steering chains, {top['count']} "
            f"follow{'s' if top['count'] == 1 else ''} the most common of "
            f"{len(patterns)} patterns: {_pattern_words(top['kinds'])}."
        )
        numbers.append((("steering_chain_patterns", "0", "count"), False))
    end = top["chains"][0][-1]
    kinds = ",".join(sorted(set(top["kinds"])))
    return _finding(
        c,
        "steering_chains",
        "steering_chains",
        text,
        say,
        numbers,
        c.link("The chain pattern in the explorer", kinds=kinds, hl=f"chain:{end}"),
    )


# ---- fragmentation ---------------------------------------------------------------------------


def _bearing(a: Analysis, group: str, actor: str) -> Callable[[Analysis], str]:
    def say(x: Analysis) -> str:
        b = resolve(x, ("fragmentation", group, actor))
        if b is None:
            return "not in the structure"
        return f"{plural(b['controllers'], 'controller')}, {plural(b['instruments'], 'instrument')}"

    return say


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low} to {high}"


def _among(instruments: int) -> str:
    return f"{plural(instruments, 'instrument')} among them" if instruments else "no instrument"


def focus_areas(c: Context) -> dict[str, Any] | None:
    areas = resolve(c.all, ("fragmentation", "focus_area")) or {}
    if not areas:
        return None
    most = sorted(areas, key=lambda a: (-areas[a]["controllers"], -areas[a]["instruments"], a))[0]
    least = sorted(areas, key=lambda a: (areas[a]["controllers"], areas[a]["instruments"], a))[0]
    lo, hi = areas[least], areas[most]
    fewest = min(sorted(areas), key=lambda a: areas[a]["instruments"])
    most_i = max(sorted(areas), key=lambda a: areas[a]["instruments"])
    low_i, high_i = areas[fewest]["instruments"], areas[most_i]["instruments"]
    if not hi["controllers"]:
        text = (
            f"No control relation reaches any of the {plural(len(areas), 'focus area')} directly."
        )
    elif len(areas) == 1:
        text = (
            f"The one focus area, {c.name(most)}, is steered straight by "
            f"{plural(hi['controllers'], 'controller')} ({_among(hi['instruments'])})."
        )
    else:
        text = (
            f"Each of the {len(areas)} focus areas is steered straight by "
            f"{_span(lo['controllers'], hi['controllers'])} "
            f"controller{'' if hi['controllers'] == 1 else 's'} "
            + (
                f"({_span(low_i, high_i)} instrument{'' if high_i == 1 else 's'} among them)"
                if high_i
                else "(no instrument)"
            )
        )
        text += (
            f"; {c.name(most)} has the most ({hi['controllers']})."
            if hi["controllers"] > lo["controllers"]
            else "."
        )
    path = ("fragmentation", "focus_area")
    numbers = [
        (path, True),
        (path + (least, "controllers"), False),
        (path + (most, "controllers"), False),
        (path + (fewest, "instruments"), False),
        (path + (most_i, "instruments"), False),
    ][1 if len(areas) == 1 else 0 :]  # "the one focus area" quotes no count
    return _finding(
        c,
        "fragmentation.focus_area",
        "fragmentation",
        text,
        Figure(
            path + (most, "controllers"),
            _bearing(c.all, "focus_area", most),
            unit="controllers at most",
        ),
        numbers,
        c.link(
            f"What bears on {c.name(most)}",
            focus=most,
            depth="1",
            types=c.types_with("control"),
            select=most,
        ),
    )


def professionals(c: Context) -> dict[str, Any] | None:
    groups = resolve(c.all, ("fragmentation", "professional_group")) or {}
    if not groups:
        return None
    most = sorted(groups, key=lambda a: (-groups[a]["controllers"], -groups[a]["instruments"], a))[
        0
    ]
    b = groups[most]
    text = (
        f"{c.name(most)} are steered straight by {plural(b['controllers'], 'controller')} "
        f"({_among(b['instruments'])})"
    )
    text += f", the most of the {len(groups)} professional groups." if len(groups) > 1 else "."
    if not b["controllers"]:
        text = f"No control relation reaches any of the {len(groups)} professional groups directly."
    path = ("fragmentation", "professional_group", most)
    numbers: list[tuple[Path, bool]] = [
        (path + ("controllers",), False),
        (path + ("instruments",), False),
    ]
    if len(groups) > 1:
        numbers.append((("fragmentation", "professional_group"), True))
    return _finding(
        c,
        "fragmentation.professional_group",
        "fragmentation",
        text,
        Figure(
            path + ("controllers",), _bearing(c.all, "professional_group", most), unit="controllers"
        ),
        numbers,
        c.link(
            f"What bears on {c.name(most)}",
            focus=most,
            depth="1",
            types=c.types_with("control"),
            select=most,
        ),
    )


def cross_sector(c: Context) -> dict[str, Any] | None:
    path = ("fragmentation", "cross_sector_share")
    share = resolve(c.all, path)
    if share is None:
        return None
    text = f"{percent(share)} of all relations join two actors whose sectors do not overlap."
    return _finding(
        c,
        "fragmentation.cross_sector",
        "fragmentation",
        text,
        Figure(path, lambda a: percent(resolve(a, path)), unit="of relations cross sectors"),
        [(path, False)],
        c.link("All relations in the explorer"),
    )


# ---- centrality and hierarchy ------------------------------------------------------------------


def centrality(c: Context) -> dict[str, Any] | None:
    scores = resolve(c.all, ("centrality", "betweenness")) or {}
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    if not ranked:
        return None
    sampled = (
        " (estimated from sampled actors)" if resolve(c.all, ("centrality", "sampled")) else ""
    )
    first, value = ranked[0]
    path = ("centrality", "betweenness", first)
    say = Figure(
        path,
        lambda a: (
            percent(resolve(a, path)) + " of control paths"
            if resolve(a, path) is not None
            else "not in the structure"
        ),
        unit="of control paths",
    )
    if not value:
        text = "No actor stands between two others on a control path" + (
            ": control runs in one step." if resolve(c.all, ("counts", "control_arcs")) else "."
        )
        return _finding(
            c, "centrality", "centrality", text, say, [(path, False)], c.link("The explorer")
        )
    text = (
        f"{c.name(first)} sits on {percent(value)} of the shortest control paths between "
        f"other actors{sampled}"
    )
    numbers = [(path, False)]
    if len(ranked) > 1 and ranked[1][1] > 0:
        second, next_value = ranked[1]
        text += (
            f", {value / next_value:.1f} times as many as the next, {c.name(second)} "
            f"({percent(next_value)})."
        )
        numbers.append((("centrality", "betweenness", second), False))
    else:
        text += "; no other actor lies on any."
    return _finding(
        c,
        "centrality",
        "centrality",
        text,
        say,
        numbers,
        c.link(
            f"{c.name(first)} in the explorer",
            select=first,
            focus=first,
            depth="1",
            types=c.types_with("control"),
        ),
    )


def hierarchy(c: Context) -> dict[str, Any] | None:
    path = ("hierarchy", "hierarchy")
    h = resolve(c.all, path)
    flow = resolve(c.all, ("hierarchy", "flow_hierarchy"))
    eff = resolve(c.all, ("hierarchy", "efficiency"))
    if h is None:
        return None
    if h >= 1:
        text = (
            "Control runs one way only: no actor is controlled, directly or through others, "
            "by an actor it controls"
        )
    else:
        text = (
            f"In {percent(1 - h)} of the actor pairs joined by control, each side controls "
            "the other, directly or through others"
        )
    text += f" (Krackhardt hierarchy {decimal(h)}, flow hierarchy {decimal(flow)})"
    if eff is not None:
        text += f"; with efficiency {decimal(eff)}, " + (
            "no control line is redundant."
            if eff >= 1
            else "hardly a control line is redundant."
            if eff >= 0.95
            else f"{percent(1 - eff)} of the possible extra control lines exist."
        )
    else:
        text += "."
    numbers = [
        (path, False),
        (("hierarchy", "flow_hierarchy"), False),
        (("hierarchy", "efficiency"), False),
    ]
    return _finding(
        c,
        "hierarchy",
        "hierarchy",
        text,
        Figure(path, lambda a: decimal(resolve(a, path)), unit="Krackhardt hierarchy"),
        numbers,
        c.link("The control relations by layer", types=c.types_with("control")),
    )


def tops(c: Context) -> dict[str, Any] | None:
    path = ("hierarchy", "lub")
    lub = resolve(c.all, path)
    conn = resolve(c.all, ("hierarchy", "connectedness"))
    if lub is None or conn is None:
        return None
    text = (
        f"{percent(lub)} of the actor pairs within one control structure answer to a common "
        f"top (least upper boundedness {decimal(lub)}); {percent(conn)} of all pairs are "
        f"joined by control at all (connectedness {decimal(conn)})."
    )
    numbers = [(path, False), (("hierarchy", "connectedness"), False)]
    return _finding(
        c,
        "hierarchy.lub",
        "hierarchy",
        text,
        Figure(path, lambda a: decimal(resolve(a, path)), unit="least upper boundedness"),
        numbers,
        c.link(
            "The top layer of control", layer_min="0", layer_max="0", types=c.types_with("control")
        ),
    )
