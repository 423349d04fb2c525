"""Real processes: `manage.py serve` (web, worker, beat) on its own data dir and port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from django.conf import settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    process: subprocess.Popen
    url: str
    data_dir: Path
    log: Path

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def serve(data_dir: Path, *, demo: bool = True, extra_env: dict | None = None) -> Served:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        SCC_DATA_DIR=str(data_dir),
        SCC_EPHEMERAL="1",
        PORT=str(port),
        SCC_DEMO="1" if demo else "0",
        DJANGO_SETTINGS_MODULE="config.settings",
        WEB_WORKERS="1",
        # The plan's demo history takes a while to seed; the tests that need it ask for it.
        SCC_DEMO_HISTORY="0",
    )
    env.update(extra_env or {})
    log = data_dir / "serve.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    served = Served(process, f"http://127.0.0.1:{port}", data_dir, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited early:\n{served.output()}")
        try:
            if httpx.get(f"{served.url}/healthz", timeout=2).status_code == 200:
                return served
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    served.stop()
    raise AssertionError(f"serve did not come up:\n{served.output()}")


def processes_using(data_dir: Path) -> list[str]:
    """Command lines of live processes that mention the data dir (servers, celery beat)."""
    out = subprocess.run(["ps", "-ewwo", "pid=,stat=,args="], capture_output=True, text=True).stdout
    me = str(os.getpid())
    return [
        line
        for line in out.splitlines()
        if str(data_dir) in line and line.split()[1][:1] != "Z" and line.split()[0] != me
    ]


@pytest.fixture
def served(tmp_path):
    instance = serve(tmp_path / "a")
    yield instance
    instance.stop()
