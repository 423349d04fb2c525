"""Tests: their own embedded servers under var/test, tuned for speed over durability."""

import os

os.environ.setdefault("SCC_DATA_DIR", "var/test")
os.environ.setdefault("SCC_EPHEMERAL", "1")
os.environ.setdefault("SCC_DEMO", "0")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES["default"]["KEY_PREFIX"] = "scc-test"  # noqa: F405
