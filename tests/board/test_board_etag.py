"""The board page's ETag: the same in every web process, different for every user and sign-in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from apps.accounts.services import user_create
from apps.board.views import board_etag

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
ARGS = {"version": 7, "minute": 29_000_000, "role": "scc", "csrf": "s" * 32, "path": "/"}


def _etag_in_fresh_process(hash_seed: str) -> str:
    code = (
        "import django; django.setup()\n"
        "from apps.board.views import board_etag\n"
        f"print(board_etag(user_id=3, **{ARGS!r}))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_two_processes_with_different_hash_seeds_give_the_same_etag():
    first, second = _etag_in_fresh_process("1"), _etag_in_fresh_process("2")
    assert first == second == board_etag(user_id=3, **ARGS)


def test_it_differs_by_user_role_sign_in_and_url():
    base = board_etag(user_id=3, **ARGS)
    assert board_etag(user_id=4, **ARGS) != base
    assert board_etag(user_id=3, **(ARGS | {"role": "manager"})) != base
    assert board_etag(user_id=3, **(ARGS | {"csrf": "t" * 32})) != base
    assert board_etag(user_id=3, **(ARGS | {"path": "/?panel=tiles"})) != base
    assert board_etag(user_id=3, **(ARGS | {"version": 8})) != base


def _signed_in(username: str) -> Client:
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_the_board_answers_304_to_the_same_sign_in_and_200_to_another_user_or_sign_in(estate):
    user_create(username="ann", role="scc", password=PASSWORD)
    user_create(username="bob", role="scc", password=PASSWORD)
    ann = _signed_in("ann")
    first = ann.get("/")
    second = ann.get("/")  # now with the CSRF cookie the first answer set
    etag = second["ETag"]
    assert ann.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 304

    bob = _signed_in("bob")
    bob.get("/")
    assert bob.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 200

    # Ann signs in again: a new CSRF secret, so the page (and its token) comes back in full.
    ann.post("/accounts/logout/")
    ann = _signed_in("ann")
    ann.get("/")
    again = ann.get("/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert again["ETag"] != etag
    assert first.status_code == 200
