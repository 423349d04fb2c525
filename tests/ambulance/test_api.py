"""POST /api/v1/sitreps/handovers/ and GET /api/v1/handovers/daily/ (API.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.ambulance.models import Handover, HandoverDaily
from apps.core.localtime import local_date
from apps.sitreps.choices import Outcome
from apps.sitreps.models import Submission
from apps.sitreps.pipeline import submissions_recompute

pytestmark = pytest.mark.django_db

URL = "/api/v1/sitreps/handovers/"
DAILY = "/api/v1/handovers/daily/"


def iso(moment: datetime) -> str:
    return moment.isoformat()


@pytest.fixture
def t0():
    """Two hours ago, so every time in a test is in the past and on a known day."""
    return timezone.now().replace(microsecond=0) - timedelta(hours=2)


@pytest.fixture
def ambulance(key_client):
    return key_client("RX9")


def item(incident="RX9-000123", site="RWE-LRI", *, arrived, handover=None, cleared=None, **extra):
    body = {
        "incident": incident,
        "site": site,
        "arrived_at": iso(arrived),
        "handover_at": iso(handover) if handover else None,
        "cleared_at": iso(cleared) if cleared else None,
    }
    return body | extra


def post(client, *items, **headers):
    return client.post(URL, {"handovers": list(items)}, format="json", headers=headers)


def test_an_ambulance_service_posts_arrivals(ambulance, t0):
    response = post(
        ambulance,
        item("RX9-1", arrived=t0, handover=t0 + timedelta(minutes=47), category=2),
        item("RX9-2", "RWE-GH", arrived=t0 + timedelta(minutes=5)),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["handovers"] == 2 and body["days"] == [local_date(t0).isoformat()]
    submission = Submission.objects.get(pk=body["submission"])
    assert submission.outcome == Outcome.ACCEPTED and submission.payload["handovers"][0]["incident"]
    first = Handover.objects.get(incident="RX9-1")
    assert first.site.code == "RWE-LRI" and first.category == 2
    assert first.handover_at - first.arrived_at == timedelta(minutes=47)
    assert first.submission_id == submission.pk
    assert Handover.objects.get(incident="RX9-2").handover_at is None


def test_an_acute_trust_key_may_not_post_handovers(key_client, t0):
    response = post(key_client("RWE"), item(arrived=t0))
    assert response.status_code == 403
    assert not Handover.objects.exists()
    assert Submission.objects.get().outcome == Outcome.REJECTED


def test_a_later_post_fills_in_the_handover(ambulance, t0):
    post(ambulance, item(arrived=t0))
    response = post(ambulance, item(arrived=t0, handover=t0 + timedelta(minutes=52)))
    assert response.status_code == 201
    held = Handover.objects.get()
    assert held.handover_at == t0 + timedelta(minutes=52)
    assert held.submission_id == response.json()["submission"]


def test_a_later_post_corrects_site_and_times(ambulance, t0):
    post(ambulance, item(arrived=t0, handover=t0 + timedelta(minutes=90)))
    post(
        ambulance,
        item(site="RWE-GH", arrived=t0 + timedelta(minutes=1), handover=t0 + timedelta(minutes=20)),
    )
    held = Handover.objects.get()
    assert held.site.code == "RWE-GH"
    assert held.handover_at - held.arrived_at == timedelta(minutes=19)


def test_a_null_or_absent_time_never_clears_a_held_one(ambulance, t0):
    post(ambulance, item(arrived=t0, handover=t0 + timedelta(minutes=30), category=1))
    later = {"incident": "RX9-000123", "site": "RWE-LRI", "arrived_at": iso(t0)}
    assert post(ambulance, later).status_code == 201
    held = Handover.objects.get()
    assert held.handover_at == t0 + timedelta(minutes=30) and held.category == 1
    cleared = item(arrived=t0, cleared=t0 + timedelta(minutes=40))  # handover_at: null
    assert post(ambulance, cleared).status_code == 201
    held = Handover.objects.get()
    assert held.handover_at == t0 + timedelta(minutes=30)
    assert held.cleared_at == t0 + timedelta(minutes=40)


def test_a_late_less_complete_copy_changes_no_figure_and_raises_no_alert_issue_15(
    ambulance, t0, scc_client
):
    """Issue 15: handed over and cleared, then the delayed first message (arrival only)."""
    from apps.escalation.models import Alert
    from apps.escalation.services import alerts_evaluate

    full = item(arrived=t0, handover=t0 + timedelta(minutes=20), cleared=t0 + timedelta(minutes=35))
    assert post(ambulance, full).status_code == 201
    submissions_recompute(list(Submission.objects.values_list("pk", flat=True)))
    before = scc_client.get(DAILY, {"date": local_date(t0).isoformat()}).json()["total"]
    assert before["lost_hours"] == 0.08  # 5 minutes over 15
    copy = item(arrived=t0)  # handover_at and cleared_at: null (not known in that message)
    response = post(ambulance, copy)
    assert response.status_code == 201, response.json()
    submissions_recompute([response.json()["submission"]])
    held = Handover.objects.get()
    assert held.handover_at == t0 + timedelta(minutes=20)
    assert held.cleared_at == t0 + timedelta(minutes=35)
    after = scc_client.get(DAILY, {"date": local_date(t0).isoformat()}).json()["total"]
    assert after == before
    board = scc_client.get("/api/v1/board/").json()
    lri = next(s for s in board["sites"] if s["code"] == "RWE-LRI")
    assert lri["handovers"]["waiting_now"] == 0
    # A crew really waiting at another site (2 h) is the control: the rule does fire.
    post(ambulance, item("RX9-WAITING", "RWE-GH", arrived=t0))
    alerts_evaluate(now=timezone.now())
    alerts = Alert.objects.filter(rule_id="ambulance_wait")
    assert list(alerts.values_list("scope", flat=True)) == ["RWE-GH"]


def test_a_post_that_would_make_the_merged_record_invalid_is_refused_naming_the_item(ambulance, t0):
    post(ambulance, item(arrived=t0, handover=t0 + timedelta(minutes=30)))
    early_clear = item(arrived=t0, cleared=t0 + timedelta(minutes=10))  # before the held handover
    response = post(ambulance, item("RX9-NEW", arrived=t0), early_clear)
    assert response.status_code == 400
    message = response.json()["handovers"]["1"]["cleared_at"][0]
    assert message.startswith("Clear is before handover") and "already held: handover_at" in message
    assert Handover.objects.count() == 1  # nothing of the batch applied
    assert Handover.objects.get().cleared_at is None
    late_arrival = item(arrived=t0 + timedelta(minutes=45))  # after the held handover
    response = post(ambulance, late_arrival)
    assert "handover_at" in response.json()["handovers"]["0"]
    assert Handover.objects.get().arrived_at == t0


def test_the_apply_checks_the_merged_record_again_under_lock(ambulance, t0):
    """A post validated against an older state (a concurrent post applied in between) is
    refused whole at apply time, not left to the database's check constraint."""
    from apps.ambulance.services import handovers_upsert
    from apps.beds.models import Organisation, Site
    from apps.core.exceptions import ApplicationError

    post(ambulance, item(arrived=t0, handover=t0 + timedelta(minutes=30)))
    rx9 = Organisation.objects.get(code="RX9")
    submission = Submission.objects.get()
    stale = {
        "incident": "RX9-000123",
        "site": Site.objects.get(code="RWE-LRI"),
        "arrived_at": t0,
        "handover_at": None,
        "cleared_at": t0 + timedelta(minutes=5),
        "category": None,
    }
    with pytest.raises(ApplicationError) as raised:
        handovers_upsert(organisation=rx9, submission=submission, items=[stale])
    assert "cleared_at" in raised.value.detail["handovers"][0]


def test_the_last_accepted_post_wins(ambulance, t0):
    post(ambulance, item(arrived=t0, handover=t0 + timedelta(minutes=40)))
    post(ambulance, item(arrived=t0, handover=t0 + timedelta(minutes=25)))
    assert Handover.objects.get().handover_at == t0 + timedelta(minutes=25)


def test_the_same_idempotency_key_and_body_applies_once(ambulance, t0):
    body = item(arrived=t0, handover=t0 + timedelta(minutes=30))
    first = post(ambulance, body, **{"Idempotency-Key": "k1"})
    again = post(ambulance, body, **{"Idempotency-Key": "k1"})
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Submission.objects.filter(outcome=Outcome.ACCEPTED).count() == 1
    other = post(ambulance, item(arrived=t0), **{"Idempotency-Key": "k1"})
    assert other.status_code == 409
    assert Handover.objects.get().handover_at == t0 + timedelta(minutes=30)


def test_posting_the_same_state_twice_changes_nothing(ambulance, t0):
    body = item(arrived=t0, handover=t0 + timedelta(minutes=30), category=3)
    post(ambulance, body)
    before = Handover.objects.values("site", "arrived_at", "handover_at", "cleared_at", "category")
    before = list(before)
    post(ambulance, body)
    after = Handover.objects.values("site", "arrived_at", "handover_at", "cleared_at", "category")
    assert list(after) == before and Handover.objects.count() == 1


def assert_rejected(response, index: int, field: str, *, others_ok: bool = True):
    assert response.status_code == 400, response.json()
    errors = response.json()["handovers"]  # keyed by the index of each invalid item
    assert field in errors[str(index)], errors
    if others_ok:
        assert set(errors) == {str(index)}, errors
    assert not Handover.objects.exists()
    assert Submission.objects.filter(outcome=Outcome.REJECTED).count() == 1


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"handover": -1}, "handover_at"),
        ({"handover": 24 * 60 + 1}, "handover_at"),
        ({"handover": 30, "cleared": 20}, "cleared_at"),
        ({"cleared": -5}, "cleared_at"),
    ],
)
def test_it_refuses_times_out_of_order_and_names_the_item(ambulance, t0, bad, field):
    arrived = t0 - timedelta(hours=23) if bad.get("handover", 0) > 60 else t0
    times = {k: arrived + timedelta(minutes=v) for k, v in bad.items()}
    response = post(
        ambulance, item("RX9-OK", arrived=t0), item("RX9-BAD", arrived=arrived, **times)
    )
    assert_rejected(response, 1, field)


def test_it_accepts_a_handover_exactly_24_hours_after_arrival(ambulance, t0):
    arrived = t0 - timedelta(hours=23)
    response = post(ambulance, item(arrived=arrived, handover=arrived + timedelta(hours=24)))
    assert response.status_code == 201


def test_it_accepts_a_crew_cleared_without_handover(ambulance, t0):
    response = post(ambulance, item(arrived=t0, cleared=t0 + timedelta(minutes=35)))
    assert response.status_code == 201


def test_it_refuses_an_unknown_site(ambulance, t0):
    response = post(ambulance, item("RX9-1", arrived=t0), item("RX9-2", "NOPE", arrived=t0))
    assert_rejected(response, 1, "site")
    assert "Unknown site NOPE" in response.json()["handovers"]["1"]["site"][0]


def test_it_refuses_a_site_that_is_not_a_hospital(ambulance, t0):
    response = post(ambulance, item("RX9-1", arrived=t0), item("RX9-2", "RT5-CCH", arrived=t0))
    assert_rejected(response, 1, "site")
    assert "not a hospital site" in response.json()["handovers"]["1"]["site"][0]


def test_it_names_every_repeat_of_an_incident_in_one_batch(ambulance, t0):
    response = post(
        ambulance,
        item("RX9-1", arrived=t0),
        item("RX9-2", arrived=t0),
        item("RX9-1", arrived=t0 + timedelta(minutes=1)),
    )
    assert response.status_code == 400
    errors = response.json()["handovers"]
    assert set(errors) == {"0", "2"} and "incident" in errors["0"] and "incident" in errors["2"]
    assert not Handover.objects.exists()


def test_it_refuses_a_naive_time(ambulance, t0):
    naive = item("RX9-2", arrived=t0) | {"arrived_at": t0.replace(tzinfo=None).isoformat()}
    assert_rejected(post(ambulance, item("RX9-1", arrived=t0), naive), 1, "arrived_at")


def test_it_refuses_a_time_more_than_five_minutes_ahead(ambulance, t0):
    ahead = timezone.now() + timedelta(minutes=10)
    response = post(ambulance, item("RX9-1", arrived=t0), item("RX9-2", arrived=t0, handover=ahead))
    assert_rejected(response, 1, "handover_at")


@pytest.mark.parametrize("category", [0, 6, "urgent"])
def test_it_refuses_a_category_outside_1_to_5(ambulance, t0, category):
    response = post(
        ambulance, item("RX9-1", arrived=t0), item("RX9-2", arrived=t0, category=category)
    )
    assert_rejected(response, 1, "category")


def test_it_names_every_invalid_item_at_once(ambulance, t0):
    response = post(
        ambulance,
        item("RX9-1", "NOPE", arrived=t0),
        item("RX9-2", arrived=t0),
        item("RX9-3", arrived=t0, handover=t0 - timedelta(minutes=1)),
    )
    errors = response.json()["handovers"]
    assert set(errors) == {"0", "2"}
    assert "site" in errors["0"] and "handover_at" in errors["2"]


@pytest.mark.parametrize("body", [{}, {"handovers": []}, {"handovers": "x"}, [1]])
def test_it_refuses_a_body_without_arrivals(ambulance, body):
    response = ambulance.post(URL, body, format="json")
    assert response.status_code == 400
    assert not Handover.objects.exists()


def test_a_missing_key_is_401(client, estate, t0):
    response = client.post(URL, {"handovers": [item(arrived=t0)]}, content_type="application/json")
    assert response.status_code == 401


def test_the_recompute_writes_each_hospital_sites_day_and_is_idempotent(ambulance, t0):
    response = post(
        ambulance,
        item("RX9-1", arrived=t0, handover=t0 + timedelta(minutes=75)),
        item("RX9-2", arrived=t0, handover=t0 + timedelta(minutes=10)),
    )
    changed = submissions_recompute([response.json()["submission"]])
    assert changed == {"handovers:RWE-LRI"}
    day = local_date(t0)
    lri = HandoverDaily.objects.get(site__code="RWE-LRI", date=day)
    assert (lri.arrivals, lri.handed_over, lri.over_60, float(lri.lost_hours)) == (2, 2, 1, 1.0)
    assert lri.mean_handover_min == 42.5
    assert HandoverDaily.objects.get(site__code="RWE-GH", date=day).arrivals == 0
    assert not HandoverDaily.objects.filter(site__code="RT5-CCH").exists()

    from apps.ambulance.sitrep import handovers_sitrep_recompute

    rows = list(HandoverDaily.objects.values("site", "date", "arrivals", "lost_hours"))
    handovers_sitrep_recompute(list(Submission.objects.filter(outcome=Outcome.ACCEPTED)))
    assert list(HandoverDaily.objects.values("site", "date", "arrivals", "lost_hours")) == rows
    assert HandoverDaily.objects.count() == 2


def test_a_correction_moving_an_arrival_to_another_day_refreshes_both_days(ambulance, t0):
    earlier = t0 - timedelta(days=2)
    first = post(ambulance, item(arrived=earlier, handover=earlier + timedelta(minutes=40)))
    submissions_recompute([first.json()["submission"]])
    second = post(ambulance, item(arrived=t0, handover=t0 + timedelta(minutes=40)))
    assert second.json()["days"] == sorted(
        {local_date(earlier).isoformat(), local_date(t0).isoformat()}
    )
    submissions_recompute([second.json()["submission"]])
    assert HandoverDaily.objects.get(site__code="RWE-LRI", date=local_date(earlier)).arrivals == 0
    assert HandoverDaily.objects.get(site__code="RWE-LRI", date=local_date(t0)).arrivals == 1


def test_a_correction_moving_an_arrival_to_another_site_refreshes_both_sites(ambulance, t0):
    day = local_date(t0)
    first = post(ambulance, item(arrived=t0, handover=t0 + timedelta(minutes=40)))
    submissions_recompute([first.json()["submission"]])
    assert HandoverDaily.objects.get(site__code="RWE-LRI", date=day).arrivals == 1
    moved = post(ambulance, item(site="RWE-GH", arrived=t0, handover=t0 + timedelta(minutes=40)))
    assert moved.json()["sites"] == ["RWE-GH", "RWE-LRI"]
    changed = submissions_recompute([moved.json()["submission"]])
    assert changed == {"handovers:RWE-GH", "handovers:RWE-LRI"}
    assert HandoverDaily.objects.get(site__code="RWE-LRI", date=day).arrivals == 0
    assert HandoverDaily.objects.get(site__code="RWE-GH", date=day).arrivals == 1


def test_a_recompute_refreshes_only_the_sites_touched_and_gives_the_rest_zeros(ambulance, t0):
    day = local_date(t0)
    response = post(ambulance, item(arrived=t0, handover=t0 + timedelta(minutes=20)))
    with CaptureQueriesContext(connection) as ctx:
        submissions_recompute([response.json()["submission"]])
    totals = [q["sql"] for q in ctx.captured_queries if "WITH timed AS" in q["sql"]]
    assert len(totals) == 1 and "ANY(" in totals[0]  # one site's arrivals, not the day's all
    assert HandoverDaily.objects.get(site__code="RWE-LRI", date=day).arrivals == 1
    assert HandoverDaily.objects.get(site__code="RWE-GH", date=day).arrivals == 0


# --------------------------------------------------------------------------- daily


def test_the_daily_figures_list_every_hospital_site_and_a_total(scc_client, arrival):
    day = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    for minutes in (10, 60, 105, 40, 15):
        arrival("RWE-LRI", day, day + timedelta(minutes=minutes))
    arrival("RWE-GH", day, day + timedelta(minutes=25))
    arrival("RWE-GH", day + timedelta(days=1), day + timedelta(days=1, minutes=99))
    response = scc_client.get(DAILY, {"date": "2026-11-20"})
    assert response.status_code == 200
    body = response.json()
    assert body["date"] == "2026-11-20"
    assert body["sites"] == [
        {"site": "RWE-GH", "arrivals": 1, "handed_over": 1, "mean_handover_min": 25.0,
         "over_15": 1, "over_30": 0, "over_60": 0, "lost_hours": 0.17},
        {"site": "RWE-LRI", "arrivals": 5, "handed_over": 5, "mean_handover_min": 46.0,
         "over_15": 3, "over_30": 3, "over_60": 1, "lost_hours": 2.67},
    ]  # fmt: skip
    assert body["total"] == {
        "site": "TOTAL", "arrivals": 6, "handed_over": 6, "mean_handover_min": 42.5,
        "over_15": 4, "over_30": 3, "over_60": 1, "lost_hours": 2.83,
    }  # fmt: skip


def test_the_daily_figures_show_sites_with_no_arrivals(scc_client, estate):
    body = scc_client.get(DAILY, {"date": "2026-11-20"}).json()
    assert [row["site"] for row in body["sites"]] == ["RWE-GH", "RWE-LRI"]
    assert body["sites"][0] == {
        "site": "RWE-GH", "arrivals": 0, "handed_over": 0, "mean_handover_min": None,
        "over_15": 0, "over_30": 0, "over_60": 0, "lost_hours": 0.0,
    }  # fmt: skip


def test_the_daily_figures_default_to_today(key_client, estate):
    body = key_client("RWE").get(DAILY).json()
    assert body["date"] == timezone.localdate().isoformat()


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "23/11/2026"])
def test_an_invalid_date_is_400_naming_the_parameter(scc_client, estate, value):
    response = scc_client.get(DAILY, {"date": value})
    assert response.status_code == 400 and "date" in response.json()


def test_the_daily_figures_need_a_key_or_a_staff_session(client, estate):
    assert client.get(DAILY).status_code in (401, 403)


@pytest.mark.parametrize(
    ("day", "inside", "outside"),
    [
        # Clocks go forward: the local day is 00:00 GMT → 23:00 UTC.
        ("2026-03-29", ["2026-03-29T00:00:00+00:00", "2026-03-29T22:59:00+00:00"],
         ["2026-03-28T23:59:00+00:00", "2026-03-29T23:00:00+00:00"]),
        # Clocks go back: the local day is 23:00 UTC the day before → 00:00 UTC next day.
        ("2026-10-25", ["2026-10-24T23:00:00+00:00", "2026-10-25T23:59:00+00:00"],
         ["2026-10-24T22:59:00+00:00", "2026-10-26T00:00:00+00:00"]),
    ],
)  # fmt: skip
def test_a_clock_change_day_takes_its_23_or_25_local_hours(
    scc_client, arrival, day, inside, outside
):
    for text in inside + outside:
        at = datetime.fromisoformat(text)
        arrival("RWE-LRI", at, at + timedelta(minutes=45))
    row = scc_client.get(DAILY, {"date": day}).json()["sites"][1]
    assert row["arrivals"] == 2 and row["lost_hours"] == 1.0


def test_the_daily_figures_of_a_day_after_today_do_not_exist(scc_client, estate):
    tomorrow = local_date(timezone.now()) + timedelta(days=1)
    assert scc_client.get(DAILY, {"date": tomorrow.isoformat()}).status_code == 404


def test_a_post_refused_under_lock_is_archived_as_rejected_and_applies_nothing(
    ambulance, t0, monkeypatch
):
    """As if a concurrent post changed the record between the check and the apply: the
    resolve step saw nothing wrong, the apply's check under lock refuses it whole."""
    import apps.ambulance.sitrep as plug_in

    post(ambulance, item(arrived=t0, handover=t0 + timedelta(minutes=30)))
    monkeypatch.setattr(plug_in, "handover_merge_problems", lambda held, posted: {})
    response = post(
        ambulance, item("RX9-NEW", arrived=t0), item(arrived=t0, cleared=t0 + timedelta(minutes=5))
    )
    assert response.status_code == 400, response.json()
    assert "cleared_at" in response.json()["handovers"]["1"]
    assert set(Handover.objects.values_list("incident", flat=True)) == {"RX9-000123"}
    assert Handover.objects.get().cleared_at is None
    assert Submission.objects.filter(outcome=Outcome.REJECTED).count() == 1
