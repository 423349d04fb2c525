"""``make run``: set up and serve the whole product under one supervisor."""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.accounts.choices import Role
from apps.accounts.models import User
from apps.accounts.services import user_create
from config.embedded import data_dir
from config.supervisor import Program, Supervisor, python

DEMO_USERS = [
    ("scc", Role.SCC, "scc-demo-pass"),
    ("manager", Role.MANAGER, "manager-demo-pass"),
    ("admin", Role.ADMIN, "admin-demo-pass"),
]


def _demo_history() -> None:
    """Two years of LLR daily history up to yesterday (fixed seed), imported like any file."""
    from apps.core.localtime import local_today
    from demo.history import history_csv, history_rows

    yesterday = local_today(timezone.now()) - timedelta(days=1)
    path = data_dir() / "demo-history.csv"
    path.write_text(history_csv(history_rows(end=yesterday)))
    call_command("load_history", str(path))


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _die_with_parent() -> None:
    """If `make` (our parent) is killed, we get SIGTERM and stop what we started."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: Ctrl-C still reaches us through the terminal
        pass


DEMO_PLAN = "llr_operating_plan_2026_27.csv"


class Command(BaseCommand):
    help = "Migrate, load the demo (SCC_DEMO=1) and run web, worker, beat and the simulator."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2"))
        )

    def handle(self, *args, host, port, web_workers, **options):
        _die_with_parent()
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        if not _port_free(host, port):
            raise CommandError(f"Port {port} on {host} is in use: set PORT to another port.")
        call_command("migrate", interactive=False, verbosity=0)
        demo = settings.SCC_DEMO
        if demo:
            estate = Path(settings.BASE_DIR) / "demo" / "llr_estate.json"
            call_command("load_estate", str(estate))
            plan = Path(settings.BASE_DIR) / "demo" / "llr_virtual_wards_plan_2023_24.csv"
            call_command("load_vw_plan", str(plan))
            # The operating plan of the demo year, and a labelled demo history of its months
            # so far (demo/plan_history.py) so that past months have actuals.
            call_command("load_plan", str(Path(settings.BASE_DIR) / "demo" / DEMO_PLAN))
            if settings.SCC_DEMO_HISTORY:
                call_command("demo_plan_history")
            for username, role, password in DEMO_USERS:
                if not User.objects.filter(username=username).exists():
                    user_create(username=username, role=role, password=password)
            _demo_history()

        root = data_dir()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": settings.DATABASE_URL,
            "REDIS_URL": settings.REDIS_URL,
        }
        background = {"DB_CONN_MAX_AGE": "60"}
        programs = [
            Program(
                "web",
                python(
                    "-m",
                    "uvicorn",
                    "config.asgi:application",
                    "--host",
                    host,
                    "--port",
                    str(port),
                    "--workers",
                    str(web_workers),
                    "--no-access-log",
                    "--timeout-graceful-shutdown",
                    "5",
                ),
                # Under ASGI a request may run on a new thread: pooled connections, not
                # persistent ones (config/settings.py).
                env={"DB_POOL": "1"},
            ),
            Program(
                "worker",
                python(
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "-l",
                    "INFO",
                    "--concurrency",
                    "2",
                    "-n",
                    f"worker-{port}@%h",
                ),
                env=background,
            ),
            Program(
                "beat",
                python(
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "beat",
                    "-l",
                    "INFO",
                    "-s",
                    str(root / "celerybeat-schedule"),
                ),
                env=background,
            ),
        ]
        if settings.SCC_SIMULATOR:
            programs.append(
                Program(
                    "simulator", python("manage.py", "simulate", "--url", f"http://{host}:{port}")
                )
            )
        self.stdout.write(self.style.SUCCESS(f"\nSCC Capacity Board: http://{host}:{port}/"))
        self.stdout.write(f"  API docs:   http://{host}:{port}/api/v1/docs/")
        self.stdout.write(f"  data:       {root}")
        if demo:
            self.stdout.write("  demo logins (username / password):")
            for username, role, password in DEMO_USERS:
                self.stdout.write(f"    {username:8} / {password:18} ({role.label})")
        self.stdout.write("  Ctrl-C stops everything.\n")
        if demo:
            # Fitted by the worker as soon as it starts, so the demo's forecasts show at once.
            from apps.forecasts.tasks import run_forecasts

            run_forecasts.delay()
        Supervisor(programs, env).run()
