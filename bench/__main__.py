"""Run benchmark targets on their own embedded servers (``var/bench``), never the demo data.

PostgreSQL keeps its durable defaults here (fsync, synchronous commit), as in production;
only the test suite turns them off.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

os.environ.setdefault("SCC_DATA_DIR", "var/bench")
os.environ.setdefault("SCC_DEMO", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Targets drive pages through Django's test client (host "testserver") and real servers on
# this machine.
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1,[::1]")

ORDER = ["national", "beds", "handovers", "s1", "virtualwards", "forecasts"]
# ``national`` measures the bed apply, the board at national scale and the S1 exports itself,
# so the default run leaves out the targets it covers (each still runs by name).
DEFAULT = ["national", "handovers", "virtualwards", "escalation", "ambulance"]


def targets() -> list[str]:
    found = {
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if not m.name.startswith("_") and m.name != "common"
    }
    return [t for t in ORDER if t in found] + sorted(found - set(ORDER))


def main(argv: list[str]) -> int:
    import django

    from config.embedded import services_environ

    services_environ()  # this entry point's own servers under var/bench
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    wanted = argv or DEFAULT
    unknown = set(wanted) - set(targets())
    if unknown:
        print(f"unknown bench target(s): {', '.join(sorted(unknown))}; have: {targets()}")
        return 2
    results = {}
    for name in wanted:
        print(f"\n=== bench {name} ===", flush=True)
        started = time.perf_counter()
        results[name] = importlib.import_module(f"bench.{name}").run()
        print(f"--- {name}: {time.perf_counter() - started:.1f}s", flush=True)
    out = Path(os.environ.get("SCC_BENCH_OUT", "var/bench-results.json"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
