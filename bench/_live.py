"""A real server and worker for the bench, an open-loop load generator and event-stream clients.

The load generator follows wrk2: requests are *scheduled* at a fixed rate and each latency is
measured from its scheduled send time, so a stalled server shows up as tail latency instead of
quietly lowering the request rate (coordinated omission).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

STOP_GRACE_S = 10
logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(process: subprocess.Popen, name: str) -> None:
    """SIGTERM the process group we started (the server and its workers), then wait."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        print(f"  {name} did not stop in {STOP_GRACE_S}s: SIGKILL", flush=True)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _env() -> dict[str, str]:
    from django.conf import settings

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
        "SCC_SIMULATOR": "0",
        "SCC_DEMO": "0",
        "LOG_LEVEL": "WARNING",
    }


def _spawn(name: str, argv: list[str], **env: str) -> subprocess.Popen:
    from config.embedded import data_dir

    logs = data_dir() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(Path(logs) / f"{name}.log", "ab") as log:
        return subprocess.Popen(
            argv, env=_env() | env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def _serve(name: str, argv: list[str], port: int, **env: str) -> Iterator[str]:
    base = f"http://127.0.0.1:{port}"
    process = _spawn(name, argv, **env)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"bench {name} server exited ({process.returncode}); see var/bench/logs"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"bench {name} server did not answer /healthz in 60 s")
            time.sleep(0.3)
        print(f"  {name} server {base} (pid {process.pid})", flush=True)
        yield base
    finally:
        _stop(process, f"{name} server")
        print(f"  {name} server stopped", flush=True)


@contextlib.contextmanager
def web(*, workers: int = 2, threads: int = 8) -> Iterator[str]:
    """Pages and API as docker-compose's ``web`` service runs them: gunicorn, threaded WSGI
    workers with persistent database connections. Yields the URL."""
    port = free_port()
    yield from _serve("web", [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "gthread", "--graceful-timeout", "3", "--log-level", "warning",
    ], port, DB_CONN_MAX_AGE="60")  # fmt: skip


@contextlib.contextmanager
def events(*, workers: int = 2) -> Iterator[str]:
    """``/board/events/`` as the compose ``events`` service serves it: uvicorn (ASGI), pooled
    database connections. Yields the URL."""
    port = free_port()
    yield from _serve("events", [
        sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers), "--no-access-log",
        "--timeout-graceful-shutdown", "3", "--log-level", "warning",
    ], port, DB_POOL="1")  # fmt: skip


@contextlib.contextmanager
def worker(*, concurrency: int = 2) -> Iterator[None]:
    """A Celery worker (the recompute and alert evaluation) on the same servers."""
    process = _spawn("worker", [
        sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "WARNING",
        "--concurrency", str(concurrency), "-n", f"bench-{os.getpid()}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ], DB_CONN_MAX_AGE="60")  # fmt: skip
    try:
        print(f"  celery worker pid {process.pid} (concurrency {concurrency})", flush=True)
        yield
    finally:
        _stop(process, "celery worker")
        print("  celery worker stopped", flush=True)


def staff_cookies(base: str, *, username: str, password: str) -> httpx.Cookies:
    """Sign in through the real login form (CSRF cookie + token), as a browser would."""
    with httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/accounts/login/")
        token = client.cookies.get("csrftoken")
        assert page.status_code == 200 and token, page.status_code
        response = client.post(
            "/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/accounts/login/"},
        )
        assert response.status_code == 302 and "sessionid" in client.cookies, response.status_code
        return client.cookies


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes | None = None  # None: GET


def percentile(sorted_ms: Sequence[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * q))]


def _wire(host: str, req: Request) -> bytes:
    """The request as bytes on the wire, built before the clock starts."""
    method = "GET" if req.body is None else "POST"
    head = [f"{method} {req.path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    head += [f"{name}: {value}" for name, value in req.headers.items()]
    if req.body is not None:
        head.append(f"Content-Length: {len(req.body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + (req.body or b"")


async def _send(host: str, port: int, wire: bytes, timeout: float) -> int:
    """One request on a new connection (``Connection: close``); returns the status, 0 on
    error. Plain asyncio streams: the generator shares the machine with the server, so it
    should spend as little of it as it can (an HTTP client library cost ~2 ms a request)."""
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port)
            try:
                writer.write(wire)
                await writer.drain()
                status_line = await reader.readline()
                await reader.read()  # the rest, until the server closes
            finally:
                writer.close()
        return int(status_line.split(b" ", 2)[1])
    except (OSError, TimeoutError, ValueError, IndexError):
        return 0


async def _open_loop(base: str, requests: Sequence[Request], *, rate: float, clients: int):
    interval = 1.0 / rate
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    url = httpx.URL(base)
    host, port = url.host, url.port
    wires = [_wire(f"{host}:{port}", req) for req in requests]
    loop = asyncio.get_running_loop()
    t0 = loop.time() + 0.2
    done_at = [t0]

    async def client(c: int) -> None:
        # A new connection per request, as provider systems posting every few minutes do; a
        # few kept-alive connections would also pin the load to whichever server worker
        # accepted them, leaving the other idle.
        for i in range(c, len(wires), clients):
            scheduled = t0 + i * interval
            delay = scheduled - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            status = await _send(host, port, wires[i], timeout=60)
            now = loop.time()
            done_at.append(now)
            statuses[status] = statuses.get(status, 0) + 1
            latencies.append((now - scheduled) * 1000)

    await asyncio.gather(*(client(c) for c in range(clients)))
    return latencies, statuses, max(done_at) - t0


def _figures(requests, statuses, latencies, elapsed, *, rate, clients, ok) -> dict:
    latencies.sort()
    good = statuses.get(ok, 0)
    return {
        "target_rate_per_s": rate,
        "clients": clients,
        "requests": len(requests),
        "ok": good,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "achieved_per_s": round(good / elapsed, 1) if elapsed > 0 else None,
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p90_ms": round(percentile(latencies, 0.90), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(latencies[-1], 1) if latencies else None,
    }


def open_loop(
    base: str, requests: Sequence[Request], *, rate: float, clients: int = 8, ok: int = 200
) -> dict:
    """Send ``requests`` at ``rate``/s from ``clients`` connections; latency from schedule."""
    latencies, statuses, elapsed = asyncio.run(
        _open_loop(base, requests, rate=rate, clients=clients)
    )
    return _figures(requests, statuses, latencies, elapsed, rate=rate, clients=clients, ok=ok)


def open_loop_with_probe(
    base: str,
    requests: Sequence[Request],
    probe: Sequence[Request],
    *,
    rate: float,
    probe_rate: float,
    clients: int = 8,
    ok: int = 201,
) -> tuple[dict, dict]:
    """``open_loop`` of ``requests`` while one more client sends ``probe`` (a trivial request)
    at ``probe_rate``: what the same server answers a trivial request in, under that load."""

    async def both():
        return await asyncio.gather(
            _open_loop(base, requests, rate=rate, clients=clients),
            _open_loop(base, probe, rate=probe_rate, clients=1),
        )

    (lat, st, el), (p_lat, p_st, p_el) = asyncio.run(both())
    return (
        _figures(requests, st, lat, el, rate=rate, clients=clients, ok=ok),
        _figures(probe, p_st, p_lat, p_el, rate=probe_rate, clients=1, ok=200),
    )


# --------------------------------------------------------------------------- event stream


async def _events(response: httpx.Response):
    """Yield (event name, data) from a text/event-stream response."""
    name, data = "message", []
    async for line in response.aiter_lines():
        if line == "":
            if data:
                yield name, "\n".join(data)
            name, data = "message", []
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())


async def _sse_latency(
    base, events_base, cookies, send: Callable[[int], tuple[Request, str]], n: int
):
    samples: list[float] = []
    async with (
        httpx.AsyncClient(base_url=events_base, cookies=cookies, timeout=30) as stream_http,
        httpx.AsyncClient(base_url=base, timeout=30) as post_http,
        stream_http.stream("GET", "/board/events/") as response,
    ):
        assert response.status_code == 200, response.status_code
        events = _events(response)
        for k in range(n):
            req, expect = send(k)
            started = time.perf_counter()
            posted = await post_http.post(req.path, content=req.body, headers=req.headers)
            assert posted.status_code == 201, posted.text[:300]
            while True:
                name, data = await asyncio.wait_for(anext(events), timeout=30)
                if name == "board" and expect in data:
                    break
            samples.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.2)
    return samples


def sse_latency(
    base, events_base, cookies, send: Callable[[int], tuple[Request, str]], *, n: int = 20
):
    """POST a sitrep to ``base``, then time until the board event naming it arrives on
    ``events_base``'s /board/events/."""
    samples = sorted(asyncio.run(_sse_latency(base, events_base, cookies, send, n)))
    return {
        "n": len(samples),
        "p50_ms": round(percentile(samples, 0.5), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "max_ms": round(samples[-1], 1),
    }


async def _fan_out(base, cookies, *, clients: int, publish: Callable[[], None], within: float):
    limits = httpx.Limits(max_connections=clients + 10, max_keepalive_connections=0)
    timeout = httpx.Timeout(60, connect=30)
    connected = 0
    received = 0
    ready = asyncio.Event()
    go = asyncio.Event()

    async def one(http: httpx.AsyncClient) -> None:
        nonlocal connected, received
        try:
            async with http.stream("GET", "/board/events/") as response:
                if response.status_code != 200:
                    return
                lines = response.aiter_lines()
                async for line in lines:
                    if line.startswith(": connected"):
                        break
                connected += 1
                if connected == clients:
                    ready.set()
                await go.wait()
                async for line in lines:
                    if line == "event: board":
                        received += 1
                        return
        except (httpx.HTTPError, asyncio.CancelledError):
            return

    async with httpx.AsyncClient(
        base_url=base, cookies=cookies, limits=limits, timeout=timeout
    ) as http:
        tasks = [asyncio.create_task(one(http)) for _ in range(clients)]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ready.wait(), timeout=60)
        held = connected
        await asyncio.sleep(1.0)  # both web workers' subscriptions are up
        go.set()
        await asyncio.to_thread(publish)
        await asyncio.wait(tasks, timeout=within)
        got = received
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return held, got


def fan_out(base, cookies, *, clients: int, publish: Callable[[], None], within: float = 5.0):
    """Hold ``clients`` event streams, publish one event, count who got it within ``within``."""
    held, received = asyncio.run(
        _fan_out(base, cookies, clients=clients, publish=publish, within=within)
    )
    return {"clients": clients, "held": held, "received_within_s": within, "received": received}
