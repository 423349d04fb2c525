"""Failed sign-ins are limited per username and per address (Redis, real), and audited."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from apps.accounts.choices import AuditAction
from apps.accounts.models import AuditEvent
from apps.accounts.services import user_create
from apps.accounts.throttle import _subjects

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
IP = "203.0.113.7"


@pytest.fixture(autouse=True)
def clean_throttle():
    def clear():
        for username in ("ann", "bob", *(f"guess-{i}" for i in range(30))):
            for ip in (IP, "203.0.113.8", "198.51.100.1", "198.51.100.2"):
                for _kind, stem, _limit in _subjects(username, ip):
                    cache.delete_many([f"{stem}:failures", f"{stem}:blocked"])

    clear()
    yield
    clear()


@pytest.fixture
def ann(db):
    return user_create(username="ann", role="scc", password=PASSWORD)


def sign_in(username: str, password: str, *, ip: str = IP, path: str = "/accounts/login/"):
    client = APIClient(REMOTE_ADDR=ip)
    return client.post(path, {"username": username, "password": password})


def test_it_signs_in_after_fewer_failures_than_the_limit(ann):
    for _ in range(4):
        assert sign_in("ann", "wrong").status_code == 200
    assert sign_in("ann", PASSWORD).status_code == 302


def test_it_refuses_the_right_password_after_five_failures(ann):
    for _ in range(4):
        response = sign_in("ann", "wrong")
        assert "did not match" in response.content.decode()
    fifth = sign_in("ann", "wrong")
    assert "Too many failed sign-ins for this username" in fifth.content.decode()
    response = sign_in("ann", PASSWORD)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Too many failed sign-ins for this username" in body
    assert "try again in 15 minutes" in body


def test_the_username_block_holds_from_any_address_and_any_letter_case(ann):
    for _ in range(5):
        sign_in("ann", "wrong", ip="198.51.100.1")
    assert sign_in("ANN", PASSWORD, ip="198.51.100.2").status_code == 200
    assert sign_in("ann", PASSWORD, ip="198.51.100.2").status_code == 200


def test_a_success_forgets_the_usernames_earlier_failures(ann):
    for _ in range(4):
        sign_in("ann", "wrong")
    assert sign_in("ann", PASSWORD).status_code == 302
    for _ in range(4):
        sign_in("ann", "wrong")
    assert sign_in("ann", PASSWORD).status_code == 302


def test_an_address_is_blocked_after_twenty_failures_across_usernames(ann):
    for i in range(20):
        sign_in(f"guess-{i}", "wrong")
    response = sign_in("ann", PASSWORD)
    assert response.status_code == 200
    assert "from this network address" in response.content.decode()
    # Another address is not affected.
    assert sign_in("ann", PASSWORD, ip="203.0.113.8").status_code == 302


@override_settings(SCC_LOGIN_FAILURE_WINDOW_S=1)
def test_it_lets_the_right_password_in_again_once_the_window_has_passed(ann):
    for _ in range(5):
        sign_in("ann", "wrong")
    assert sign_in("ann", PASSWORD).status_code == 200
    time.sleep(1.2)
    assert sign_in("ann", PASSWORD).status_code == 302


def test_refused_attempts_are_audited_and_not_checked(ann):
    for _ in range(5):
        sign_in("ann", "wrong")
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 5
    sign_in("ann", PASSWORD)
    throttled = AuditEvent.objects.filter(action=AuditAction.LOGIN_THROTTLED)
    # One when the block started, one for the refused attempt.
    assert throttled.count() == 2
    assert {e.username for e in throttled} == {"ann"}
    assert {e.ip for e in throttled} == {IP}
    assert throttled.first().detail == {"by": "username"}
    # The refused attempt did not test the password: no new failure, no sign-in.
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 5
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_the_admin_sign_in_obeys_the_same_limit(db):
    user_create(username="bob", role="admin", password=PASSWORD)
    for _ in range(5):
        sign_in("bob", "wrong", path="/admin/login/")
    response = sign_in("bob", PASSWORD, path="/admin/login/")
    assert response.status_code == 200
    assert "Too many failed sign-ins" in response.content.decode()
    assert sign_in("bob", PASSWORD).status_code == 200  # and on the board's sign-in too


@override_settings(SCC_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(ann):
    client = APIClient(REMOTE_ADDR="10.0.0.2")
    for i in range(20):
        # A client-supplied X-Forwarded-For entry to the left is ignored.
        client.post(
            "/accounts/login/",
            {"username": f"guess-{i}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 198.51.100.1",
        )
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).first()
    assert event.ip == "198.51.100.1"
    response = client.post(
        "/accounts/login/",
        {"username": "ann", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert "from this network address" in response.content.decode()
