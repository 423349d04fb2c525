"""Feed rules on plain values: staleness, retry backoff, header syntax, error summaries.

No ORM and no clock: callers pass ``now``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

# A feed is stale when nothing succeeded for two intervals plus this grace.
STALE_GRACE = timedelta(seconds=60)
# RFC 9110 token characters: what a header name may be made of.
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
MASK = "••••"


def feed_is_stale(
    *,
    every_s: int,
    last_success_at: datetime | None,
    created_at: datetime,
    now: datetime,
    enabled: bool = True,
) -> bool:
    """No success within ``2 * every_s + 60 s`` (never succeeded: counted from creation).

    A disabled feed is not expected to deliver, so it is never stale.
    """
    if not enabled:
        return False
    since = last_success_at or created_at
    return now - since > 2 * timedelta(seconds=every_s) + STALE_GRACE


def pull_delay(*, every_s: int, consecutive_failures: int, cap_s: int) -> timedelta:
    """How long until the next pull: the interval, doubled per failure after the first.

    Failure 1 keeps the ordinary rhythm, failure 2 waits ``2 * every_s``, then 4 *, ... never
    more than ``max(cap_s, every_s)``, so a broken source is not hammered but is still tried.
    """
    if consecutive_failures <= 1:
        return timedelta(seconds=every_s)
    factor = 2 ** min(consecutive_failures - 1, 32)
    return timedelta(seconds=min(every_s * factor, max(cap_s, every_s)))


def header_parse(text: str) -> tuple[str, str]:
    """``'Name: value'`` → ``("Name", "value")``; ``ValueError`` saying what is wrong."""
    name, sep, value = text.partition(":")
    name, value = name.strip(), value.strip()
    if not sep or not name:
        raise ValueError(f"Header {text!r} is not of the form 'Name: value'.")
    header_check(name, value)
    return name, value


def header_check(name: Any, value: Any) -> None:
    if not isinstance(name, str) or not _HEADER_NAME.match(name):
        raise ValueError(f"{name!r} is not a valid header name.")
    if not isinstance(value, str) or not value or any(c in value for c in "\r\n\0"):
        raise ValueError(f"Header {name} needs a one-line, non-empty text value.")


def url_check(url: str) -> None:
    """An absolute http(s) URL with a host; single-label hosts (``http://feedsim:8001``) are
    fine, as on a hospital network. ``ValueError`` saying what is wrong."""
    if not isinstance(url, str) or not url or any(c.isspace() for c in url):
        raise ValueError("Give an http:// or https:// URL without spaces.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError:
        raise ValueError(f"{url!r} is not a valid URL.") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"Only http:// and https:// feeds can be pulled, not {parts.scheme!r}.")
    if not parts.hostname:
        raise ValueError(f"{url!r} names no host.")


def headers_masked(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names with their values hidden: they are often credentials."""
    return dict.fromkeys(headers, MASK)


def url_for_display(url: str) -> str:
    """The URL without any password in it (``https://user:secret@host`` → ``user:••••``)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{parts.username}:{MASK}@{host}"))


def errors_flatten(errors: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """DRF error structures → ``(path, message)`` pairs; list positions become indexes."""
    if isinstance(errors, Mapping):
        for key, value in errors.items():
            yield from errors_flatten(value, (*path, _index_or_key(key)))
    elif isinstance(errors, list | tuple):
        if all(isinstance(e, str) for e in errors):
            for message in errors:
                yield path, str(message)
        else:
            for index, value in enumerate(errors):
                if value:
                    yield from errors_flatten(value, (*path, index))
    elif errors not in (None, ""):
        yield path, str(errors)


def _index_or_key(key: Any) -> Any:
    return int(key) if isinstance(key, str) and key.isdigit() else key


def errors_summary(
    errors: Any,
    *,
    status: int,
    rows: Mapping[tuple, int] | None = None,
    limit: int = 5,
) -> str:
    """One line for an operator: ``Rejected (HTTP 400): wards.2.beds.0.status: ...``.

    With ``rows`` (JSON path → CSV row), each error also names the CSV row it came from.
    """
    if isinstance(errors, Mapping) and set(errors) == {"detail"}:
        errors = errors["detail"]
    items = list(errors_flatten(errors))
    parts = []
    for path, message in items[:limit]:
        where = ".".join(str(p) for p in path if p != "non_field_errors")
        row = _row_of(path, rows or {})
        if row is not None:
            where = f"row {row} ({where})" if where else f"row {row}"
        parts.append(f"{where}: {message}" if where else message)
    if len(items) > limit:
        parts.append(f"(+{len(items) - limit} more)")
    return f"Rejected (HTTP {status}): " + ("; ".join(parts) or "no detail given")


def _row_of(path: tuple, rows: Mapping[tuple, int]) -> int | None:
    """The CSV row of the longest known prefix of ``path``."""
    for end in range(len(path), -1, -1):
        if path[:end] in rows:
            return rows[path[:end]]
    return None
