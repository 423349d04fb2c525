"""An htmx request or the event stream without a valid session: 401 with
``HX-Trigger: session-expired``, never a login page to swap into a panel (API.md "Also")."""

import asyncio

import pytest
from django.test import AsyncClient, Client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "path", ["/?panel=tiles", "/?panel=alerts", "/sites/RWE-LRI/", "/alerts/", "/discharge/"]
)
def test_an_htmx_request_without_a_session_is_401_with_the_trigger(estate, path):
    response = Client().get(path, headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response["HX-Trigger"] == "session-expired"
    assert b"<form" not in response.content and b"password" not in response.content


def test_a_plain_page_without_a_session_still_goes_to_sign_in(estate):
    response = Client().get("/sites/RWE-LRI/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_event_stream_without_a_session_is_401(estate):
    response = Client().get("/board/events/", headers={"Accept": "text/event-stream"})
    assert response.status_code == 401
    assert response["HX-Trigger"] == "session-expired"


def test_a_signed_out_htmx_request_after_logout_is_401(estate, scc_client):
    client = Client()
    client.force_login(scc_client.user)
    assert client.get("/?panel=system", headers={"HX-Request": "true"}).status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/?panel=system", headers={"HX-Request": "true"}).status_code == 401


def test_an_open_stream_ends_with_session_expired_once_the_session_is_gone(
    estate, scc_client, settings
):
    """Signed out in another tab: the open stream notices at its next check and says so."""
    from asgiref.sync import sync_to_async
    from django.contrib.sessions.models import Session

    settings.SCC_EVENTS_SESSION_CHECK_S = 0.2
    client = AsyncClient()
    client.force_login(scc_client.user)

    async def run():
        response = await client.get("/board/events/", headers={"Accept": "text/event-stream"})
        assert response.status_code == 200
        chunks = [await anext(aiter(response.streaming_content))]
        await sync_to_async(Session.objects.all().delete)()  # signed out elsewhere
        async for chunk in response.streaming_content:
            chunks.append(chunk.decode() if isinstance(chunk, bytes) else chunk)
        return chunks

    chunks = asyncio.run(asyncio.wait_for(run(), timeout=10))
    assert chunks[-1].startswith("event: session-expired")
