"""The API against its own OpenAPI schema (Schemathesis): no 5xx, only documented status codes,
responses of the documented shape and content type. An acute trust's key (RWE) for every
operation.

Not checked: that schema-valid bodies are accepted (a random site code is a documented 400),
nor that an empty ``?date=`` is refused (it means the default day).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis import checks

from apps.accounts.models import ApiKey
from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def rwe_key(key_client):
    return key_client("RWE").plain_key


@pytest.fixture(autouse=True)
def keep_the_test_transaction_open():
    """Requests go through the real WSGI app, whose request signals close the connection (and
    with it the test's transaction) unless detached, as Django's own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_the_api_keeps_to_its_schema(case, rwe_key):
    case.call_and_validate(headers={"Authorization": f"Api-Key {rwe_key}"}, checks=CHECKS)


@pytest.fixture
def revoked_key(key_client):
    client = key_client("RWE")
    ApiKey.objects.update(revoked_at=timezone.now())
    return client.plain_key


@schema.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_a_refused_key_gets_a_documented_401_everywhere(case, revoked_key):
    response = case.call(headers={"Authorization": f"Api-Key {revoked_key}"})
    # A path parameter that is not a whole number matches no route at all (404).
    assert response.status_code == 401 or ("{id}" in case.path and response.status_code == 404)
    case.validate_response(response, checks=CHECKS)
