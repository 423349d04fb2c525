from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.beds.models import Organisation
from apps.feeds.models import Feed
from apps.feeds.selectors import feeds_board
from apps.feeds.services import feed_create

pytestmark = pytest.mark.django_db

API_FIELDS = {
    "id",
    "organisation",
    "kind",
    "url",
    "format",
    "every_s",
    "last_pulled_at",
    "last_success_at",
    "last_error",
    "last_error_at",
    "stale",
}


def _feed(org: str, kind: str, url: str, **kw) -> Feed:
    return feed_create(
        organisation=Organisation.objects.get(code=org), kind=kind, url=url, format="csv", **kw
    )


@pytest.fixture
def feeds(estate):
    return {
        "beds": _feed(
            "RWE",
            "beds",
            "https://feed:pw@bedsys.example/lri.csv",
            headers={"Authorization": "Bearer s3cret"},
        ),
        "census": _feed("RT5", "virtual_wards", "https://vw.example/census.csv"),
    }


def test_staff_see_every_feed_in_the_documented_shape(scc_client, feeds):
    rows = scc_client.get("/api/v1/feeds/").json()

    assert [r["id"] for r in rows] == [feeds["census"].pk, feeds["beds"].pk]
    assert all(set(r) >= API_FIELDS for r in rows)
    beds = rows[1]
    assert beds["organisation"] == "RWE" and beds["kind"] == "beds" and beds["format"] == "csv"
    assert beds["every_s"] == 300 and beds["stale"] is False
    assert beds["last_pulled_at"] is None and beds["last_error"] is None


def test_credentials_never_leave_in_the_api(scc_client, feeds):
    response = scc_client.get("/api/v1/feeds/")

    assert b"s3cret" not in response.content and b":pw@" not in response.content
    beds = next(r for r in response.json() if r["kind"] == "beds")
    assert beds["headers"] == {"Authorization": "••••"}
    assert beds["url"] == "https://feed:••••@bedsys.example/lri.csv"


def test_a_key_sees_only_its_own_organisations_feeds(key_client, feeds):
    rows = key_client("RT5").get("/api/v1/feeds/").json()
    assert [r["id"] for r in rows] == [feeds["census"].pk]
    assert key_client("RX9").get("/api/v1/feeds/").json() == []


def test_the_feed_list_needs_a_key_or_a_login(feeds):
    assert APIClient().get("/api/v1/feeds/").status_code == 401


def test_the_schema_describes_the_feed_list(scc_client, estate):
    schema = scc_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    items = schema["paths"]["/api/v1/feeds/"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    assert items["type"] == "array"


def test_the_board_lists_only_enabled_feeds_that_fail_or_are_stale(
    feeds, django_assert_num_queries
):
    now = timezone.now()
    ok = _feed("RWE", "discharge", "https://a.example/ok.csv")
    Feed.objects.filter(pk=ok.pk).update(last_success_at=now)
    Feed.objects.filter(pk=feeds["beds"].pk).update(
        last_success_at=now, last_error="HTTP 500 Internal Server Error.", last_error_at=now
    )
    Feed.objects.filter(pk=feeds["census"].pk).update(created_at=now - timedelta(hours=1))
    off = _feed("RT5", "discharge", "https://a.example/off.csv")
    Feed.objects.filter(pk=off.pk).update(enabled=False, last_error="HTTP 404 Not Found.")

    with django_assert_num_queries(1):
        problems = feeds_board(now=now)

    assert [(p["id"], p["stale"], p["last_error"]) for p in problems] == [
        (feeds["census"].pk, True, None),
        (feeds["beds"].pk, False, "HTTP 500 Internal Server Error."),
    ]


def test_the_board_query_count_does_not_grow_with_the_feeds(estate, django_assert_num_queries):
    for i in range(10):
        _feed("RWE", "beds", f"https://a.example/{i}.csv")
    with django_assert_num_queries(1):
        feeds_board(now=timezone.now())


def test_the_admin_lists_feeds_masked_and_pulls_them_now(admin_client, feeds):
    page = admin_client.get("/admin/feeds/feed/")
    assert page.status_code == 200
    assert b"Authorization: \xe2\x80\xa2\xe2\x80\xa2" in page.content
    assert b"s3cret" not in page.content

    later = timezone.now() + timedelta(hours=1)
    Feed.objects.update(next_pull_at=later)
    admin_client.post(
        "/admin/feeds/feed/", {"action": "pull_now", "_selected_action": [feeds["beds"].pk]}
    )

    assert Feed.objects.get(pk=feeds["beds"].pk).next_pull_at <= timezone.now()
    assert Feed.objects.get(pk=feeds["census"].pk).next_pull_at == later
