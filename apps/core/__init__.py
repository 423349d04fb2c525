"""Shared plumbing every app may use; it imports no app (``tests/core`` checks that).

- ``redis_client``: the one Redis client of a process (``redis_client()``).
- ``figures``: the figures version pages and caches key on (``figures_version_bump()``).
- ``coalesce``: ``CoalescedRuns``, at most one queued run of a task, runs spaced apart.
- ``events``: "the figures changed" in process (``figures_changed``) and across processes
  (``board_event_publish`` / ``broadcaster`` on the board's Redis channel).
- ``localtime``: Europe/London days (local date of an instant, UTC bounds of a local day).
- ``exceptions``: ``ApplicationError``, the one error a domain check raises (400 or 403), and
  the DRF exception handler that answers it.
- ``scope``: ``organisation_scope_check``, the one "is this the organisation's to report?".
"""
