"""The wall display: the whole system on the control room's wall screen, updating live."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from .selectors import board_build_cached
from .wall import wall_context


@require_GET
@vary_on_headers("HX-Request")
def wall(request):
    """``/wall/``: no controls, text at least 20 px, one 1920×1080 screen for a system the size
    of LLR; a bigger estate pages through its sections (static/js/wall.js). For htmx, only the
    body (the page refreshes it on each board event and every minute)."""
    now = timezone.now()
    board = board_build_cached(now=now, detail=True)
    template = "board/wall.html#wall-body" if request.htmx else "board/wall.html"
    response = render(request, template, wall_context(board=board, now=now))
    response["Cache-Control"] = "private, no-cache"
    return response
