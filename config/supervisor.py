"""A small process supervisor for ``make run``: web, event stream, worker, beat, simulator.

Children run in their own process groups so that a terminal's Ctrl-C reaches only us; we stop
them in order (SIGTERM, then SIGKILL after a grace period) and then the embedded servers stop
as this process exits. A child that dies is restarted with backoff.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

logger = logging.getLogger("scc.supervisor")

GRACE_SECONDS = 10


@dataclass
class Program:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(self.argv, env={**env, **self.env}, start_new_session=True)
        logger.info("started %s (pid %s)", self.name, self.process.pid)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, sig: int) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)


class Supervisor:
    def __init__(self, programs: list[Program], env: dict[str, str]):
        self.programs = programs
        self.env = env
        self.stopping = False

    def _on_signal(self, signum, frame) -> None:
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGHUP, self._on_signal)
        try:
            for program in self.programs:
                program.start(self.env)
            while not self.stopping:
                time.sleep(0.5)
                for program in self.programs:
                    if not program.alive() and not self.stopping:
                        self._restart(program)
        finally:
            self.stop()
        return 0

    def _restart(self, program: Program) -> None:
        code = program.process.returncode if program.process else None
        now = time.monotonic()
        program.restarts = [t for t in program.restarts if now - t < 60]
        if len(program.restarts) >= 5:
            logger.error("%s keeps failing (exit %s); stopping everything", program.name, code)
            self.stopping = True
            return
        delay = 2 ** len(program.restarts) * 0.5
        logger.warning("%s exited (code %s); restarting in %.1fs", program.name, code, delay)
        time.sleep(delay)
        program.restarts.append(now)
        program.start(self.env)

    def stop(self) -> None:
        for program in reversed(self.programs):
            program.signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        while any(p.alive() for p in self.programs) and time.monotonic() < deadline:
            time.sleep(0.1)
        for program in self.programs:
            if program.alive():
                logger.warning("%s did not stop in %ss; killing it", program.name, GRACE_SECONDS)
                program.signal(signal.SIGKILL)
                program.process.wait()
        logger.info("all programs stopped")


def python(*args: str) -> list[str]:
    return [sys.executable, *args]
