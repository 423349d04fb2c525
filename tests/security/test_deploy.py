"""Production settings pass Django's deploy checks; no secret is committed."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings_prod",
    # Only needs to look like a real key: 50+ characters, many distinct ones.
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
    "DATABASE_URL": "postgresql://scc:not-used@127.0.0.1:9/scc",
    "REDIS_URL": "redis://127.0.0.1:9/0",
    "DJANGO_ALLOWED_HOSTS": "board.example.nhs.uk",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SCC_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_checks_with_no_warnings():
    assert len(PROD_ENV["DJANGO_SECRET_KEY"]) >= 50
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"])
def test_production_settings_refuse_to_start_without_their_environment(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


# --------------------------------------------------------------------------- committed secrets

# Passwords that are meant to be public: the demo logins (README.md) and throwaway ones in
# fixtures and benchmarks. Tests may use any literal (they run against throwaway databases).
DOCUMENTED = {"scc-demo-pass", "manager-demo-pass", "admin-demo-pass", "bench-password-not-secret"}
# Placeholders in documented examples (README's DATABASE_URL, a docstring's URL).
PLACEHOLDERS = {"secret", "password", "changeme", "example"}
FIXTURE_DIRS = ("tests/",)

ALWAYS_SECRET = {
    "private key": re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"),
    "issued API key": re.compile(r"\bscc_[0-9a-f]{8}_[A-Za-z0-9_-]{20,}"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
}
# password = "x", password: "x", "password": "x", PASSWORD=x (shell/env), and user:x@ in URLs.
PASSWORD_LITERAL = re.compile(
    r"""(?ix)
    (?:passw(?:or)?d|secret_key)["']?\s*[:=]\s*["']([^"'\s]{4,})["']
    | ^\s*(?:export\s+)?[A-Z_]*(?:PASSWORD|SECRET_KEY)=([^\s$"'{]{4,})
    | \w+://[^\s:/@"']+:([^\s@/"'$]{3,})@
    """
)


def tracked_texts() -> list[tuple[str, str]]:
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    texts = []
    for name in filter(None, names):
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        data = path.read_bytes()
        if b"\0" in data[:4096]:
            continue  # binary
        texts.append((name, data.decode("utf-8", errors="replace")))
    return texts


def committed_secrets(texts: list[tuple[str, str]]) -> list[str]:
    found = []
    for name, text in texts:
        for what, pattern in ALWAYS_SECRET.items():
            if pattern.search(text):
                found.append(f"{name}: {what}")
        if name.startswith(FIXTURE_DIRS):
            continue
        for line_no, line in enumerate(text.splitlines(), 1):
            for match in PASSWORD_LITERAL.finditer(line):
                value = next(g for g in match.groups() if g)
                if value not in DOCUMENTED | PLACEHOLDERS:
                    found.append(f"{name}:{line_no}: {line.strip()[:80]}")
    return found


def test_no_secret_is_committed():
    names = [name for name, _text in tracked_texts()]
    assert not [n for n in names if Path(n).name in (".env", "id_rsa", "id_ed25519")]
    assert committed_secrets(tracked_texts()) == []


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("config/settings.py", 'DATABASES = {"PASSWORD": "hunter22"}'),
        ("apps/x.py", 'user_create(username="a", role="scc", password="s3cret-pass")'),
        ("deploy.sh", "export POSTGRES_PASSWORD=correcthorse"),
        ("docs/run.md", "DATABASE_URL=postgresql://scc:realpass@db/scc"),
        ("config/settings_prod.py", 'SECRET_KEY = "k3y-that-is-real"'),
        # Split so that this file does not hold what it plants.
        ("keys/x.pem", "-----BEGIN RSA " + "PRIVATE KEY-----"),
        ("tests/conftest.py", "-----BEGIN OPENSSH " + "PRIVATE KEY-----"),
        ("README.md", "key: scc_0a1b2c3d_" + "abcdefghijklmnopqrstuvwxyz012345"),
    ],
)
def test_the_scan_finds_a_planted_secret(name, line):
    assert committed_secrets([(name, line)])


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("README.md", "| `scc` | `scc-demo-pass` | SCC staff |"),
        ("apps/x.py", 'password = getpass.getpass("Password: ")'),
        ("apps/x.py", "user_create(username=username, role=role, password=password)"),
        ("docker-compose.yml", "DATABASE_URL: postgresql://scc:${POSTGRES_PASSWORD}@db/scc"),
        ("Dockerfile", "RUN DJANGO_SECRET_KEY=build DATABASE_URL=postgresql://build@localhost/b"),
        ("tests/accounts/test_x.py", 'user_create(username="a", password="long-enough-pw")'),
        ("README.md", "e.g. `postgresql://scc:secret@db.example:5432/scc`"),
    ],
)
def test_the_scan_leaves_documented_and_fixture_passwords_alone(name, line):
    assert committed_secrets([(name, line)]) == []
