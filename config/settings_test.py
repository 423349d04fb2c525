"""Tests: their own embedded servers under var/test (started by the root ``conftest.py``),
tuned for speed over durability."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES["default"]["KEY_PREFIX"] = "scc-test"  # noqa: F405
# Tests roll the database back under an unchanged Redis: build the board fresh each time
# (tests/board/test_board_cache.py turns the cache on to test it).
SCC_BOARD_CACHE_SECONDS = 0
