"""The local Neo4j launcher: start, status and stop through app.neo4j_server (real processes)."""

from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path

import pytest
from conftest import missing_part

from app import neo4j_server
from app.neo4j_server import LauncherError

pytestmark = pytest.mark.neo4j


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _needs_launcher() -> None:
    if shutil.which("java") is None:
        missing_part("Java is not installed")
    if not any((neo4j_server.launcher_directory() / "lib").glob("neo4j-5.*.jar")):
        missing_part(f"Neo4j jars not fetched: {neo4j_server.FETCH_COMMAND}")


def _answers(uri: str) -> int:
    import neo4j

    with neo4j.GraphDatabase.driver(uri) as driver:
        records, _, _ = driver.execute_query("RETURN 40 + 2 AS n")
    return int(records[0]["n"])


def test_start_status_stop_on_a_given_port(tmp_path: Path) -> None:
    _needs_launcher()
    port = _free_port()
    info = neo4j_server.start(port=port, directory=tmp_path)
    try:
        assert info.uri == f"bolt://127.0.0.1:{port}"
        assert info.dir == str(tmp_path.resolve())
        assert _answers(info.uri) == 42
        state = json.loads((tmp_path / "neo4j-server.json").read_text())
        assert (state["uri"], state["pid"], state["port"]) == (info.uri, info.pid, port)
        assert neo4j_server.status(directory=tmp_path) == info
        assert neo4j_server.start(directory=tmp_path) == info  # already running: reused
        assert (tmp_path / "launcher.log").is_file()
        assert (tmp_path / "import").is_dir() and not any((tmp_path / "import").iterdir())
    finally:
        assert neo4j_server.stop(directory=tmp_path) is True
    assert neo4j_server.status(directory=tmp_path) is None
    assert not (tmp_path / "neo4j-server.json").exists()
    with pytest.raises(ProcessLookupError):
        os.kill(info.pid, 0)
    assert neo4j_server.stop(directory=tmp_path) is False


def _listening(port: int) -> list[str]:
    """Return the local addresses listening on ``port``, from /proc/net/tcp and tcp6."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.append(address)
    return found


def _is_loopback(hex_address: str) -> bool:
    if len(hex_address) == 8:  # IPv4, little-endian: 127.x.x.x ends in 7F
        return hex_address.endswith("7F")
    ipv4_mapped_loopback = hex_address.startswith("0000000000000000FFFF0000") and (
        hex_address.endswith("7F")
    )
    return ipv4_mapped_loopback or hex_address == "00000000000000000000000001000000"


def test_bolt_listens_on_loopback_only(neo4j_uri: str) -> None:
    port = int(neo4j_uri.rsplit(":", 1)[1])
    addresses = _listening(port)
    assert addresses, f"nothing listens on port {port}"
    assert all(_is_loopback(a) for a in addresses), addresses


def test_port_in_use_is_refused_before_starting(tmp_path: Path) -> None:
    _needs_launcher()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(LauncherError) as caught:
            neo4j_server.start(port=port, directory=tmp_path)
    assert caught.value.code == "port-in-use"
    assert neo4j_server.status(directory=tmp_path) is None


def test_start_timeout_reports_the_log_and_leaves_nothing_running(tmp_path: Path) -> None:
    _needs_launcher()
    with pytest.raises(LauncherError) as caught:
        neo4j_server.start(directory=tmp_path, timeout=0.5)
    assert caught.value.code == "neo4j-start-timeout"
    assert "launcher log" in caught.value.message
    assert neo4j_server.status(directory=tmp_path) is None
    assert not (tmp_path / "launcher.ready").exists()


def test_missing_java_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(LauncherError) as caught:
        neo4j_server.start(directory=tmp_path)
    assert caught.value.code == "java-missing"


def test_missing_jars_hint_at_the_fetch_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _needs_launcher()
    bare = tmp_path / "launcher"
    bare.mkdir()
    shutil.copy(neo4j_server.launcher_directory() / "Launcher.java", bare)
    monkeypatch.setattr(neo4j_server, "launcher_directory", lambda: bare)
    with pytest.raises(LauncherError) as caught:
        neo4j_server.start(directory=tmp_path / "data")
    assert caught.value.code == "neo4j-jars-missing"
    assert "mvn -q -B -f scripts/neo4j/pom.xml dependency:copy-dependencies" in caught.value.hint


def test_status_ignores_a_stale_state_file(tmp_path: Path) -> None:
    (tmp_path / "neo4j-server.json").write_text(
        json.dumps({"uri": "bolt://127.0.0.1:1", "pid": 2**22 + 1, "dir": str(tmp_path)})
    )
    assert neo4j_server.status(directory=tmp_path) is None
    assert neo4j_server.stop(directory=tmp_path) is False
    assert not (tmp_path / "neo4j-server.json").exists()


def test_default_directory_is_per_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert neo4j_server.default_directory() == tmp_path / "govgraph" / "neo4j"
    assert neo4j_server.status() is None
