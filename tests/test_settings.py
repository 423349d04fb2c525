"""Importing the settings starts nothing; the allowed hosts are never "*" outside debug."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
URLS = {"DATABASE_URL": "postgresql://scc@127.0.0.1:9/scc", "REDIS_URL": "redis://127.0.0.1:9/0"}


def _settings(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SCC_", "HOST"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    code = "import json, config.settings as s; print(json.dumps(s.ALLOWED_HOSTS))"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "SCC_DATA_DIR": str(tmp_path / "data"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_importing_the_settings_without_urls_starts_no_server_and_says_what_is_missing(tmp_path):
    done = _settings({}, tmp_path)
    assert done.returncode != 0
    assert "DATABASE_URL and REDIS_URL must be set" in done.stderr
    assert not (tmp_path / "data").exists()  # no PostgreSQL or Redis data directory made


def test_outside_debug_the_allowed_hosts_are_this_machine_unless_set(tmp_path):
    default = _settings(URLS, tmp_path)
    assert default.returncode == 0, default.stderr
    assert json.loads(default.stdout) == ["localhost", "127.0.0.1", "[::1]"]

    bound = _settings(URLS | {"HOST": "10.1.2.3"}, tmp_path)
    assert json.loads(bound.stdout) == ["localhost", "127.0.0.1", "[::1]", "10.1.2.3"]

    chosen = _settings(
        URLS | {"DJANGO_ALLOWED_HOSTS": "board.example.nhs.uk, scc.example"}, tmp_path
    )
    assert json.loads(chosen.stdout) == ["board.example.nhs.uk", "scc.example"]

    debug = _settings(URLS | {"DJANGO_DEBUG": "1"}, tmp_path)
    assert json.loads(debug.stdout) == ["*"]
