"""pytest's entry point: the tests' own embedded PostgreSQL and Redis (under ``var/test``,
durability traded for speed) start here, before Django reads its settings
(``config.settings_test``); importing settings starts nothing."""

import os

os.environ.setdefault("SCC_DATA_DIR", "var/test")
os.environ.setdefault("SCC_EPHEMERAL", "1")
os.environ.setdefault("SCC_DEMO", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

from config.embedded import services_environ

services_environ()

import django  # noqa: E402

# tests/conftest.py imports models at its top: the app registry must be ready before it loads.
django.setup()
