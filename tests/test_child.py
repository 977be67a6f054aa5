"""A computation in a forked child never hangs the request that waits for it: locks another
thread held at the fork are either renewed in the child (Python 3.11's cached properties,
networkx's ``G.edges`` among them) or, unknown, end in an error that says to try again."""

from __future__ import annotations

import importlib
import multiprocessing
import sys
import threading
import time
import types
from functools import cached_property
from pathlib import Path

import pytest

from app import child
from app.child import frozen_children, in_a_child, in_child
from graph.errors import GraphError
from tests.conftest import missing_part


@pytest.fixture(autouse=True)
def _forking() -> None:
    """Without fork there is no child to test: a failure in CI, as any missing part."""
    if not child.CAN_FORK:
        missing_part("this platform cannot fork, so computations run in the calling thread")


class _Guarded:
    """A cached property that, computed in the parent, waits until the test lets it go."""

    entered = threading.Event()
    leave = threading.Event()

    @cached_property
    def who(self) -> str:
        if in_a_child():
            return "child"
        _Guarded.entered.set()
        _Guarded.leave.wait(60)
        return "parent"


def _ask_a_new_one() -> str:
    return _Guarded().who


def test_a_cached_property_another_thread_was_computing_at_the_fork_does_not_stop_the_child(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(child, "STUCK_AFTER_S", 3.0)
    computing = threading.Thread(target=lambda: _Guarded().who)
    computing.start()
    try:
        assert _Guarded.entered.wait(30)
        assert in_child(_ask_a_new_one) == "child"
    finally:
        _Guarded.leave.set()
        computing.join(30)


_held = threading.Lock()


def _take_the_held_lock() -> str:
    with _held:
        return "never"


def test_a_child_waiting_on_a_lock_it_inherited_held_is_stopped_with_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(child, "STUCK_AFTER_S", 1.0)
    started = time.monotonic()
    with _held, pytest.raises(GraphError) as stopped:
        in_child(_take_the_held_lock)
    assert time.monotonic() - started < 15
    assert stopped.value.code == "computation-failed"
    assert "Try again" in (stopped.value.hint or "")
    assert multiprocessing.active_children() == []  # the stuck child was killed, and reaped
    assert frozen_children() == 0  # the heap is thawed as after any child


def _busy(seconds: float) -> int:
    """Compute (use processor time) for ``seconds``, answering only at the end."""
    end, count = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        count += 1
    return count


def test_a_child_that_computes_longer_than_the_stuck_limit_is_left_to_finish(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(child, "STUCK_AFTER_S", 1.0)
    assert in_child(_busy, 3.0) > 0


def _import_it(name: str) -> bool:
    return bool(importlib.import_module(name).done)


def test_a_fork_waits_for_an_import_another_thread_has_under_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module half imported at the fork would leave the child waiting for a thread it does
    not have; the fork waits until the import is done, and the child sees the whole module."""
    monkeypatch.setattr(child, "STUCK_AFTER_S", 3.0)
    gate = types.ModuleType("govgraph_test_gate")
    gate.entered, gate.leave = threading.Event(), threading.Event()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "govgraph_test_gate", gate)
    (tmp_path / "govgraph_test_slow.py").write_text(
        "import govgraph_test_gate as gate\ngate.entered.set()\ngate.leave.wait(60)\ndone = True\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "govgraph_test_slow", raising=False)
    importing = threading.Thread(target=importlib.import_module, args=("govgraph_test_slow",))
    importing.start()
    answers: list[object] = []
    try:
        assert gate.entered.wait(30)
        asking = threading.Thread(
            target=lambda: answers.append(_answer_or_error(_import_it, "govgraph_test_slow"))
        )
        asking.start()
        time.sleep(0.5)  # the fork now waits for the import
        assert answers == []
    finally:
        gate.leave.set()
        importing.join(30)
    asking.join(30)
    assert answers == [True]
    sys.modules.pop("govgraph_test_slow", None)


def _answer_or_error(function: object, *args: object) -> object:
    try:
        return in_child(function, *args)  # type: ignore[arg-type]
    except GraphError as error:
        return error
