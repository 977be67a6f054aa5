"""The local Neo4j: start, stop and find the launcher in ``scripts/neo4j`` (DESIGN section 4).

The launcher embeds Neo4j Community 5.26 (jars fetched once from Maven Central into
``scripts/neo4j/lib``) and opens Bolt on 127.0.0.1 with authentication off. ``start`` runs it
detached, logging to ``launcher.log`` in its folder, and returns once Bolt answers a handshake;
a state file (``neo4j-server.json``) in the folder lets ``status`` and ``stop`` find it again.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from graph.errors import StoreUnavailable

__all__ = [
    "ServerInfo",
    "LauncherError",
    "start",
    "stop",
    "status",
    "default_directory",
    "launcher_directory",
    "FETCH_COMMAND",
]

FETCH_COMMAND = "mvn -q -B -f scripts/neo4j/pom.xml dependency:copy-dependencies"
STATE_FILE = "neo4j-server.json"
READY_FILE = "launcher.ready"
LOG_FILE = "launcher.log"
MAIN_CLASS = "Launcher"
# Options Neo4j's own start script passes; they let the page cache use direct buffers.
JVM_OPTIONS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-XX:+ExitOnOutOfMemoryError",
    "-Dfile.encoding=UTF-8",
)
BOLT_MAGIC = b"\x60\x60\xb0\x17"


@dataclass(frozen=True)
class ServerInfo:
    """A running launcher: its Bolt URI, process id and data folder."""

    uri: str
    pid: int
    dir: str


class LauncherError(StoreUnavailable):
    """The local Neo4j could not be started or stopped."""

    code = "neo4j-launcher"


def default_directory() -> Path:
    """Return the per-user data folder: ``$XDG_DATA_HOME/govgraph/neo4j``."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "govgraph" / "neo4j"


def launcher_directory() -> Path:
    """Return ``scripts/neo4j`` of the source checkout this package runs from."""
    folder = Path(__file__).resolve().parents[1] / "scripts" / "neo4j"
    if not (folder / "Launcher.java").is_file():
        raise LauncherError(
            f"the Neo4j launcher is not at {folder}",
            hint="Run govgraph from a source checkout installed with `pip install -e .`.",
            code="neo4j-launcher-missing",
        )
    return folder


def _folder(directory: str | os.PathLike[str] | None) -> Path:
    return Path(directory).expanduser().resolve() if directory else default_directory()


# Status and stop.


def status(*, directory: str | os.PathLike[str] | None = None) -> ServerInfo | None:
    """Return the launcher running in the folder, or None when none is."""
    state = _read_state(_folder(directory))
    if state is None or not _is_launcher(int(state["pid"])):
        return None
    return ServerInfo(uri=state["uri"], pid=int(state["pid"]), dir=state["dir"])


def stop(*, directory: str | os.PathLike[str] | None = None, timeout: float = 60) -> bool:
    """Stop the launcher running in the folder; return False when none was running."""
    folder = _folder(directory)
    info = status(directory=folder)
    if info is None:
        _remove_state(folder)
        return False
    _terminate(info.pid, timeout)
    _remove_state(folder)
    return True


def _terminate(pid: int, timeout: float) -> None:
    """Send SIGTERM (a clean database shutdown), then SIGKILL if it lingers past ``timeout``."""
    _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            _signal(pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
        time.sleep(0.1)


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _alive(pid: int) -> bool:
    """Return True while ``pid`` runs; reaps it if it is our own exited child."""
    if _reaped(pid):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if _is_zombie(pid):
        _reap_within(pid, seconds=10)
        return False
    return True


def _reap_within(pid: int, seconds: float) -> None:
    """Reap our exited child; the JVM's leader shows as a zombie while its threads still end."""
    deadline = time.monotonic() + seconds
    while not _reaped(pid) and time.monotonic() < deadline:
        if not Path(f"/proc/{pid}").exists():
            return  # not our child, and gone
        time.sleep(0.05)


def _reaped(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False  # not our child: started by another process
    return done == pid


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def _is_launcher(pid: int) -> bool:
    """Return True if ``pid`` is alive and is a launcher (not a recycled process id)."""
    if not _alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc: trust the state file
    return any(arg in (MAIN_CLASS.encode(), b"Launcher.java") or arg.endswith(b"/Launcher.java")
               for arg in cmdline)  # fmt: skip


# State file.


def _read_state(folder: Path) -> dict[str, str] | None:
    try:
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and {"uri", "pid", "dir"} <= state.keys() else None


def _write_state(folder: Path, info: ServerInfo, port: int) -> None:
    tmp = folder / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps({**asdict(info), "port": port, "started": time.time()}) + "\n")
    tmp.replace(folder / STATE_FILE)


def _remove_state(folder: Path) -> None:
    for name in (STATE_FILE, READY_FILE):
        (folder / name).unlink(missing_ok=True)


# Start.


def start(
    *,
    port: int | None = None,
    directory: str | os.PathLike[str] | None = None,
    timeout: float = 120,
) -> ServerInfo:
    """Start Neo4j in the background and return once Bolt accepts connections.

    A launcher already running in the folder is returned as it is (when ``port`` is None
    or its own). Raises :class:`LauncherError` (a :class:`StoreUnavailable`) when Java is
    missing, the jars are not fetched, the port is taken or Neo4j does not come up in time.
    """
    folder = _folder(directory)
    running = status(directory=folder)
    if running is not None:
        return _reuse(running, port)
    java, home = _java(), launcher_directory()
    _check_jars(home)
    if port:
        _check_port_free(port)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_state(folder)
    pid = _spawn(java, _main_args(java, home), folder, port or 0)
    return _await_ready(pid, folder, timeout)


def _reuse(info: ServerInfo, port: int | None) -> ServerInfo:
    if port and not info.uri.endswith(f":{port}"):
        raise LauncherError(
            f"Neo4j already runs in {info.dir} at {info.uri}, not on port {port}",
            hint=f"Stop it first: govgraph neo4j stop --dir {info.dir}",
            code="neo4j-already-running",
        )
    return info


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    java = str(candidate) if candidate and candidate.is_file() else shutil.which("java")
    if not java:
        raise LauncherError(
            "Java is not installed (the local Neo4j needs Java 17 or later)",
            hint="Install a JDK 17, e.g. `apt-get install openjdk-17-jre-headless`.",
            code="java-missing",
        )
    return java


def _check_jars(home: Path) -> None:
    if not any((home / "lib").glob("neo4j-5.*.jar")):
        raise LauncherError(
            f"the Neo4j jars are not fetched into {home / 'lib'}",
            hint=f"Fetch them once (needs Maven and network): {FETCH_COMMAND}",
            code="neo4j-jars-missing",
        )


def _check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            raise LauncherError(
                f"port {port} on 127.0.0.1 is already in use ({exc.strerror})",
                hint="Pick another --port, or leave it out to use a free one.",
                code="port-in-use",
            ) from exc


def _main_args(java: str, home: Path) -> list[str]:
    """Return the class path and main class: the compiled launcher, else its source file."""
    lib = str(home / "lib" / "*")
    classes = _compiled(java, home)
    if classes is not None:
        return ["-cp", f"{classes}{os.pathsep}{lib}", MAIN_CLASS]
    return ["-cp", lib, str(home / "Launcher.java")]


def _compiled(java: str, home: Path) -> Path | None:
    """Compile the launcher once (saves seconds per start); None if that is not possible.

    The compiler module ships with the Java runtime, so no separate ``javac`` is needed.
    """
    source, classes = home / "Launcher.java", home / "target" / "classes"
    built = classes / f"{MAIN_CLASS}.class"
    if built.is_file() and built.stat().st_mtime >= source.stat().st_mtime:
        return classes
    jars = os.pathsep.join(str(jar) for jar in sorted((home / "lib").glob("*.jar")))
    command = [java, "-m", "jdk.compiler/com.sun.tools.javac.Main", "-nowarn", "-d", str(classes),
               "-cp", jars, str(source)]  # fmt: skip
    try:
        classes.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(command, capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return classes if done.returncode == 0 and built.is_file() else None


def _heap() -> list[str]:
    """Heap and collector: sized for test data and imports of 100k relations on 2 cores.

    ``GOVGRAPH_NEO4J_HEAP`` sets the heap size; ``GOVGRAPH_NEO4J_JAVA_OPTS`` adds options.
    """
    heap = os.environ.get("GOVGRAPH_NEO4J_HEAP", "4g")
    extra = os.environ.get("GOVGRAPH_NEO4J_JAVA_OPTS", "").split()
    # A replace of 100k relations holds both the deletions and the new data in one
    # transaction on the heap (over 1 GB live at commit): with 2 GB, stop-the-world
    # collections took 8 of 55 s over four such imports. The heap grows only as a load needs.
    return ["-Xms1g", f"-Xmx{heap}", "-XX:+UseParallelGC", *extra]


def _spawn(java: str, main_args: list[str], folder: Path, port: int) -> int:
    """Start the launcher detached (own session, output to the log file); return its pid."""
    argv = [java, *_heap(), *JVM_OPTIONS, *main_args, str(folder), str(port)]
    log = str(folder / LOG_FILE)
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    # posix_spawn leaves no Popen object behind to warn about a child that outlives it.
    return os.posix_spawn(java, argv, dict(os.environ), file_actions=actions, setsid=True)


def _await_ready(pid: int, folder: Path, timeout: float) -> ServerInfo:
    """Wait for the ready file and a Bolt handshake; stop the launcher on failure."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            raise LauncherError(
                f"Neo4j exited during start-up.\n{_log_tail(folder)}",
                hint=f"See {folder / LOG_FILE} and {folder / 'logs' / 'debug.log'}.",
                code="neo4j-start-failed",
            )
        port = _ready_port(folder)
        if port and _bolt_handshake(port):
            info = ServerInfo(uri=f"bolt://127.0.0.1:{port}", pid=pid, dir=str(folder))
            _write_state(folder, info, port)
            return info
        time.sleep(0.2)
    _terminate(pid, 30)
    raise LauncherError(
        f"Neo4j did not accept Bolt connections within {timeout:g} s.\n{_log_tail(folder)}",
        hint="The machine may be busy: raise the timeout, or check the logs in " + str(folder),
        code="neo4j-start-timeout",
    )


def _ready_port(folder: Path) -> int | None:
    try:
        return int(json.loads((folder / READY_FILE).read_text(encoding="utf-8"))["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _bolt_handshake(port: int) -> bool:
    """Return True if a Bolt server answers the version handshake on 127.0.0.1:port."""
    proposal = BOLT_MAGIC + bytes.fromhex("00000505000004040000000400000003")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(proposal)
            answer = sock.recv(4)
    except OSError:
        return False
    return len(answer) == 4 and answer != b"\x00\x00\x00\x00"


def _log_tail(folder: Path, lines: int = 30) -> str:
    try:
        text = (folder / LOG_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no launcher log)"
    return "Last lines of the launcher log:\n" + "\n".join(text.splitlines()[-lines:])
