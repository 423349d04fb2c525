import logging
import os
import socket
import threading
import time

from celery import Celery
from celery.signals import beat_init, task_prerun

from config.embedded import services_environ

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("scc")


@app.on_configure.connect
def _services_started(sender=None, **kwargs) -> None:
    """The ``celery`` command's entry point: before the app reads Django's settings, start (or
    join) the embedded servers unless DATABASE_URL and REDIS_URL are set. In a Django process
    (which imports this module through ``config``) the settings are read first and this does
    nothing."""
    services_environ()


app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("scc.beat")


@task_prerun.connect
def _database_connection_checked(sender=None, **kwargs) -> None:
    """As before a request: drop the connection if broken or past CONN_MAX_AGE. Celery's own
    close-after-every-task is off (CELERY_DB_REUSE_MAX): a new connection per task cost
    PostgreSQL a backend and its catalogue caches, most of a short task's time."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return  # inside the caller's transaction (tests, eager mode): leave it be
    from django.db import close_old_connections

    close_old_connections()


BEAT_LOCK = "scc:beat:leader"
BEAT_LOCK_TTL = 30


@beat_init.connect
def _one_beat_at_a_time(sender, **kwargs) -> None:
    """A second beat (a restart overlapping, or one started by mistake) waits as a standby
    until the leader's lease lapses, so schedules never run twice."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    me = f"{socket.gethostname()}:{os.getpid()}"
    while True:
        try:
            if (
                client.set(BEAT_LOCK, me, nx=True, ex=BEAT_LOCK_TTL)
                or (client.get(BEAT_LOCK) or b"").decode() == me
            ):
                break
            logger.warning(
                "another beat holds the schedule (%s); standing by",
                (client.get(BEAT_LOCK) or b"?").decode(),
            )
        except redis.RedisError as exc:
            logger.warning("beat lease: Redis unavailable (%s); retrying", exc)
        time.sleep(BEAT_LOCK_TTL / 3)

    renew = client.register_script(
        "if redis.call('get', KEYS[1]) == ARGV[1] then "
        "return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end"
    )

    def keep_lease() -> None:
        while True:
            time.sleep(BEAT_LOCK_TTL / 3)
            try:
                if not renew(keys=[BEAT_LOCK], args=[me, BEAT_LOCK_TTL]):
                    logger.error("beat lease lost to another beat; stopping this one")
                    os._exit(1)
            except redis.RedisError as exc:
                logger.warning("beat lease not renewed (%s)", exc)

    threading.Thread(target=keep_lease, daemon=True, name="beat-lease").start()
    logger.info("this beat holds the schedule (%s)", me)
