"""Logging filters (``LOGGING`` in ``config/settings.py``)."""

from __future__ import annotations

import logging


class OneLineWarning(logging.Filter):
    """A record as one ``WARNING`` line: no traceback, the request's method and path added.

    For ``django.security.RequestDataTooBig``: Django logs each body over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` as an error with its full traceback, though it is the
    caller's fault and is answered ``413`` (``apps.core.http.bad_request``). One line is enough
    to see who sends oversize bodies. Never drops a record; shapes it once however many times
    it is attached.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        # ``dictConfig`` run again (a test's settings change) adds the filter to the logger
        # again without removing the first: shape each record once.
        if getattr(record, "one_line", False):
            return True
        record.one_line = True
        request = getattr(record, "request", None)
        message = record.getMessage()
        if request is not None:
            message = f"{message} ({request.method} {request.path})"
        record.msg, record.args = message, ()
        record.exc_info = record.exc_text = record.stack_info = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
