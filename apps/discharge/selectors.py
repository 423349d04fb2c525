from __future__ import annotations

from datetime import datetime
from typing import Any


def board_mofd(*, now: datetime) -> dict[str, Any]:
    """``{"system": block, "organisations": {org_id: block}}``. Filled by the discharge issue."""
    return {"system": None, "organisations": {}}
