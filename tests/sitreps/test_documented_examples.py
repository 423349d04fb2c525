"""Every sitrep example an integrator is shown is accepted (201) by the demo estate: the curl
bodies of the guide (docs/api.md) and the request examples of the OpenAPI schema. The demo
estate (demo/llr_estate.json) is what ``make run`` loads, where a newcomer tries them first."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
import yaml
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from rest_framework.test import APIClient

from apps.accounts.models import ApiKey
from apps.beds.estate import estate_load
from apps.beds.models import Organisation

DEMO = json.loads((settings.BASE_DIR / "demo" / "llr_estate.json").read_text())
GUIDE = (settings.BASE_DIR / "docs" / "api.md").read_text()
# The examples are of the morning of 23 November 2026; the last time in them is 08:55 UTC.
THEN = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
CURL_POST = re.compile(
    r"""curl -s -X POST "\$BOARD(/api/v1/sitreps/[a-z-]+/)"[^']*?-d '([^']*)'""", re.DOTALL
)


def guide_examples() -> list[tuple[str, str, dict]]:
    return [(f"guide {path}", path, json.loads(body)) for path, body in CURL_POST.findall(GUIDE)]


def schema_examples() -> list[tuple[str, str, dict]]:
    out = StringIO()
    call_command("spectacular", stdout=out)
    found = []
    for path, item in yaml.safe_load(out.getvalue())["paths"].items():
        if path.startswith("/api/v1/sitreps/") and "post" in item:
            content = item["post"]["requestBody"]["content"]["application/json"]
            for name, example in content.get("examples", {}).items():
                found.append((f"schema {path} {name}", path, example["value"]))
    return found


def sender(path: str, body: dict) -> str:
    """The organisation whose key may send ``body`` to ``path`` in the demo estate."""
    site_org = {s["code"]: s["organisation"] for s in DEMO["sites"]}
    if path.endswith("/beds/"):
        return site_org[body["site"]]
    if path.endswith("/emergency/"):
        return site_org[body["attendances"][0]["site"]]
    if path.endswith("/discharge/"):
        return body["organisation"]
    if path.endswith("/virtual-wards/"):
        vw_org = {w["code"]: w["organisation"] for w in DEMO["virtual_wards"]}
        return vw_org[body["wards"][0]["ward"]]
    return "RX9"  # handovers, incidents, REAP: the ambulance service


def test_the_guide_and_the_schema_show_an_example_for_every_sitrep_kind():
    kinds = {path for _name, path, _body in guide_examples()}
    assert kinds == {path for _name, path, _body in schema_examples()}
    assert len(kinds) == 7


@pytest.mark.django_db
def test_every_documented_sitrep_example_is_accepted_by_the_demo_estate():
    estate_load(document=DEMO)
    clients = {}
    refused = []
    with time_machine.travel(THEN, tick=False):
        for name, path, body in guide_examples() + schema_examples():
            org = sender(path, body)
            if org not in clients:
                _key, plain = ApiKey.issue(organisation=Organisation.objects.get(code=org))
                clients[org] = APIClient()
                clients[org].credentials(HTTP_AUTHORIZATION=f"Api-Key {plain}")
            with transaction.atomic():  # each on the estate as loaded, none before it
                response = clients[org].post(path, body, format="json")
                transaction.set_rollback(True)
            if response.status_code != 201:
                refused.append(f"{name}: {response.status_code} {response.json()}")
    assert not refused, "\n".join(refused)
