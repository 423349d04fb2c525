"""One beat at a time: a second beat stands by instead of running the schedules twice."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings

from tests.browser.conftest import manage

from .conftest import serve

pytestmark = pytest.mark.slow


def test_a_second_beat_stands_by(tmp_path):
    instance = serve(tmp_path / "beats", extra_env={"SCC_SIMULATOR": "0"})
    try:
        urls = manage(
            instance,
            "shell",
            "-c",
            "from django.conf import settings as s; print(s.DATABASE_URL, s.REDIS_URL)",
        )
        database_url, redis_url = urls.splitlines()[-1].split()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        log = tmp_path / "second-beat.log"
        second = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "-l",
                "INFO",
                "-s",
                str(tmp_path / "second-schedule"),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while "standing by" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.5)
            output = log.read_text()
            assert "standing by" in output, output
            assert "Sending due task" not in output
        finally:
            second.terminate()
            second.wait(10)
        assert "this beat holds the schedule" in instance.output()
    finally:
        instance.stop()
