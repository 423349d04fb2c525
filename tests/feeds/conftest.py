"""A programmable feed server on loopback, and small sitrep handlers standing in for the real ones.

The stand-in handlers go through the real ingest (validation, archive, idempotency); they only
record what ``apply`` was given, so a test can see whether anything was applied.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from rest_framework import serializers

from apps.beds.choices import OrganisationKind
from apps.sitreps import registry
from apps.sitreps.fields import SitrepTimeField
from apps.sitreps.registry import Applied

NOW = datetime(2026, 11, 23, 8, 10, tzinfo=UTC)


# --------------------------------------------------------------------------- stand-in handlers
class WardCensusIn(serializers.Serializer):
    ward = serializers.CharField()
    capacity = serializers.IntegerField(min_value=0)
    occupied = serializers.IntegerField(min_value=0)


class CensusIn(serializers.Serializer):
    as_at = SitrepTimeField()
    wards = WardCensusIn(many=True, allow_empty=False)


class CountsIn(serializers.Serializer):
    occupied = serializers.IntegerField(min_value=0)
    vacant = serializers.IntegerField(min_value=0)
    closed = serializers.IntegerField(min_value=0)
    escalation_open = serializers.IntegerField(min_value=0)


class WardStateIn(serializers.Serializer):
    ward = serializers.CharField()
    counts = CountsIn()


class BedStateIn(serializers.Serializer):
    site = serializers.CharField()
    as_at = SitrepTimeField()
    wards = WardStateIn(many=True, allow_empty=False)


class RecordingHandler:
    """Applies nothing but a note of what it was given."""

    def __init__(self, kind: str, input_serializer: type[serializers.Serializer]):
        self.kind = kind
        self.input_serializer = input_serializer
        self.applied: list[dict[str, Any]] = []

    def allowed(self, organisation) -> bool:
        return organisation.kind != OrganisationKind.AMBULANCE

    def resolve(self, *, organisation, data, now):
        return data

    def apply(self, *, submission, resolved) -> Applied:
        self.applied.append(resolved)
        return Applied(response={"wards": len(resolved["wards"])})

    def recompute(self, submissions) -> set[str]:
        return set()


@pytest.fixture
def handlers():
    """``handlers["virtual_wards"]``, ``handlers["beds"]``; the real registry comes back after."""
    saved = registry.handlers()
    stand_ins = {
        "virtual_wards": RecordingHandler("virtual_wards", CensusIn),
        "beds": RecordingHandler("beds", BedStateIn),
    }
    for handler in stand_ins.values():
        registry.register(handler)
    yield stand_ins
    registry._handlers.clear()
    registry._handlers.update(saved)


# --------------------------------------------------------------------------- feed server
@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    send_length: bool = True
    trickle_s: float = 0.0  # pause between bytes of the body


class FeedServer:
    """``server.serve("/beds.csv", Reply(...))``; ``server.url("/beds.csv")``.

    A reply carrying an ``ETag`` answers ``304`` to a request whose ``If-None-Match`` matches.
    Every request's headers are kept in ``server.requests``.
    """

    def __init__(self):
        self.routes: dict[str, Reply] = {}
        self.requests: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append({k.lower(): v for k, v in self.headers.items()})
                reply = outer.routes.get(self.path, Reply(404, b"not here"))
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                etag = reply.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.send_length:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if not reply.trickle_s:
                    self.wfile.write(reply.body)
                    return
                for byte in reply.body:
                    self.wfile.write(bytes([byte]))
                    time.sleep(reply.trickle_s)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # the client hung up on purpose (timeouts, size limit)

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def serve(self, path: str, reply: Reply) -> str:
        self.routes[path] = reply
        return self.url(path)

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"


@pytest.fixture
def feed_server():
    server = FeedServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
