"""The embedded servers: real PostgreSQL 16 and Redis, started and stopped with their users."""

import os
import subprocess
import sys
import textwrap

import psycopg
import redis
from django.conf import settings
from django.db import connection


def test_the_suite_runs_on_real_postgresql_and_redis(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0].startswith("16.")
    assert connection.vendor == "postgresql"
    assert redis.Redis.from_url(settings.REDIS_URL).ping()


def _run(code: str, data_dir) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SCC_DATA_DIR=str(data_dir), SCC_EPHEMERAL="1")
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )


def test_a_process_starts_the_servers_and_the_last_user_stops_them(tmp_path):
    result = _run(
        """
        from config.embedded import ensure_services
        s = ensure_services()
        print(s.database_url); print(s.redis_url)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    database_url, redis_url = result.stdout.split()
    # The process has exited: both servers are gone with it.
    try:
        psycopg.connect(database_url, connect_timeout=2).close()
        raise AssertionError("PostgreSQL still running")
    except psycopg.OperationalError:
        pass
    try:
        redis.Redis.from_url(redis_url, socket_timeout=2).ping()
        raise AssertionError("Redis still running")
    except redis.ConnectionError:
        pass


def test_data_survives_a_restart(tmp_path):
    first = _run(
        """
        import psycopg, redis
        from config.embedded import ensure_services
        s = ensure_services()
        with psycopg.connect(s.database_url, autocommit=True) as c:
            c.execute("CREATE TABLE kept (v text)"); c.execute("INSERT INTO kept VALUES ('yes')")
        redis.Redis.from_url(s.redis_url).set("kept", "yes")
        """,
        tmp_path,
    )
    assert first.returncode == 0, first.stderr
    second = _run(
        """
        import psycopg, redis
        from config.embedded import ensure_services
        s = ensure_services()
        with psycopg.connect(s.database_url) as c:
            print(c.execute("SELECT v FROM kept").fetchone()[0])
        print(redis.Redis.from_url(s.redis_url).get("kept").decode())
        """,
        tmp_path,
    )
    assert second.returncode == 0, second.stderr
    assert second.stdout.split() == ["yes", "yes"]
