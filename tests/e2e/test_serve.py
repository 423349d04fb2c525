"""`make run`'s supervisor, driven as a user would: start, use, SIGTERM, nothing left behind."""

import time

import httpx
import pytest

from .conftest import processes_using, serve

pytestmark = pytest.mark.slow


def _login(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=10)
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        data={
            "username": "scc",
            "password": "scc-demo-pass",
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
        headers={"Referer": f"{url}/accounts/login/"},
    )
    assert response.status_code == 302, response.text
    return client


def test_it_serves_the_demo_and_stops_everything_on_sigterm(tmp_path):
    instance = serve(tmp_path / "one")
    try:
        assert httpx.get(f"{instance.url}/").status_code == 302  # to the login page
        client = _login(instance.url)
        board = client.get("/")
        assert board.status_code == 200 and "Leicester Royal Infirmary" in board.text
        assert client.get("/api/v1/docs/").status_code == 200
        assert "demo logins" in instance.output()
        assert processes_using(instance.data_dir), "embedded servers should be running"
    finally:
        assert instance.stop() == 0
    deadline = time.monotonic() + 15
    while processes_using(instance.data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_using(instance.data_dir) == []


def test_two_instances_run_side_by_side(tmp_path):
    first = serve(tmp_path / "first", demo=False)
    second = serve(tmp_path / "second")
    try:
        assert first.url != second.url
        one = httpx.get(f"{first.url}/healthz").json()
        two = httpx.get(f"{second.url}/healthz").json()
        assert one == two == {"status": "ok"}
        # Separate databases: the demo estate exists only in the second.
        assert "Leicester Royal Infirmary" in _login(second.url).get("/").text
    finally:
        second.stop()
    assert httpx.get(f"{first.url}/healthz").status_code == 200
    first.stop()
