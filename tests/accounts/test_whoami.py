import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

URL = "/api/v1/whoami/"


def test_it_names_the_keys_organisation(key_client):
    response = key_client("RX9").get(URL)
    assert response.status_code == 200
    assert response.json() == {"organisation": "RX9", "kind": "ambulance"}


def test_it_names_the_signed_in_staff_member(manager_client):
    response = manager_client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"username": "manager-user", "role": "manager"}


def test_it_refuses_a_bad_key(estate):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Api-Key scc_00000000_nope")
    assert client.get(URL).status_code == 401


def test_it_refuses_an_anonymous_request(db):
    assert APIClient().get(URL).status_code in (401, 403)


def test_it_is_in_the_schema(scc_client):
    schema = scc_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/whoami/" in schema.content.decode()
