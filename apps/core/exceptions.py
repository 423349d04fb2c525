"""The one application error, and the API's answer to it.

A domain check (a sitrep's ``resolve``, a service) raises ``ApplicationError``; the sitrep
ingest archives it as the submission's answer and the DRF exception handler below answers it
for any other endpoint. Two statuses:

- 400, errors under DRF-style field paths (the shape a serializer gives), e.g.
  ``raise ApplicationError({"wards": {2: {"ward": ["Unknown ward X."]}}})`` or, built item by
  item, ``errors = FieldErrors(); errors.add("wards", 2, "ward", message="Unknown ward X.");
  errors.raise_if_any()``. A plain message goes under ``non_field_errors``.
- 403, ``ApplicationError.forbidden("RWE-LRI belongs to RX9; ...")``: ``{"detail": ...}``.
"""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD_ERRORS = "non_field_errors"


def _messages(node: Any) -> Any:
    """Leaves as lists of strings, as DRF gives them."""
    if isinstance(node, dict):
        return {key: _messages(value) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [str(m) for m in node]
    return [str(node)]


class ApplicationError(Exception):
    """A request the domain refuses: 400 with field paths, or 403 (``forbidden``).

    ``status``: the HTTP status; ``detail``: the JSON body (a dict).
    """

    def __init__(self, errors: dict[Any, Any] | str, *, status: int = 400) -> None:
        if status == 403:
            detail = {"detail": str(errors)}
        elif isinstance(errors, dict):
            detail = _messages(errors)
        else:
            detail = {NON_FIELD_ERRORS: [str(errors)]}
        super().__init__(str(detail))
        self.status = status
        self.detail = detail

    @classmethod
    def forbidden(cls, message: str) -> ApplicationError:
        """Not this caller's to do (403): ``{"detail": message}``."""
        return cls(message, status=403)


class FieldErrors:
    """Errors collected under field paths, raised together as one ``ApplicationError``.

    ``add("patients", 3, "ref", message=...)`` files a message at ``patients.3.ref``; keys are
    kept in the order first added.
    """

    def __init__(self) -> None:
        self.tree: dict[Any, Any] = {}

    def add(self, *path: Any, message: str) -> None:
        node = self.tree
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node.setdefault(path[-1], []).append(message)

    def has(self, *path: Any) -> bool:
        """Is anything filed at or under ``path``?"""
        node: Any = self.tree
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return False
            node = node[key]
        return True

    def __bool__(self) -> bool:
        return bool(self.tree)

    def raise_if_any(self) -> None:
        if self.tree:
            raise ApplicationError(self.tree)


def exception_handler(exc, context):
    """DRF's handler, plus ``ApplicationError`` → its status and body (settings' one place to
    shape API errors)."""
    if isinstance(exc, ApplicationError):
        return Response(exc.detail, status=exc.status)
    return drf_exception_handler(exc, context)
