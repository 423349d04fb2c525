"""Every sitrep POST in the OpenAPI schema carries an example body and its 201 answer, so an
integrator sees a valid submission beside the shape."""

import pytest
import yaml
from django.core.management import call_command


@pytest.fixture(scope="module")
def schema():
    from io import StringIO

    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return yaml.safe_load(out.getvalue())


def test_every_sitrep_post_has_a_request_and_a_201_example(schema):
    posts = {
        path: item["post"]
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/sitreps/") and "post" in item
    }
    assert {"/api/v1/sitreps/beds/", "/api/v1/sitreps/handovers/"} <= set(posts)
    for path, post in posts.items():
        body = post["requestBody"]["content"]["application/json"]
        assert body.get("examples"), f"{path} has no request example"
        created = post["responses"]["201"]["content"]["application/json"]
        assert created.get("examples"), f"{path} has no 201 example"
        assert post["responses"]["400"]["content"]["application/json"].get("examples")


def test_every_sitrep_request_object_takes_no_undeclared_field(schema):
    """Unknown fields are refused (apps.sitreps.unknown): the schema says so."""
    components = schema["components"]["schemas"]
    for name in ("AttendanceInRequest", "MofdPatientInRequest", "BedInRequest", "ReapInRequest"):
        assert components[name]["additionalProperties"] is False, name
    for path, item in schema["paths"].items():
        if path.startswith("/api/v1/sitreps/") and "post" in item:
            ref = item["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert components[ref.rsplit("/", 1)[1]]["additionalProperties"] is False, path
    # Response objects stay open (they may gain fields).
    assert "additionalProperties" not in components["AttendancesAcceptedOut"]
