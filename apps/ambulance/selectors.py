from __future__ import annotations

from datetime import datetime
from typing import Any


def board_handovers(*, now: datetime) -> dict[str, Any]:
    """``{"system": block, "sites": {site_id: block}}``. Filled by the handovers issue."""
    return {"system": None, "sites": {}}
