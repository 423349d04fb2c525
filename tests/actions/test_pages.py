"""Pages: calls, a call's record, actions with their effect, the board's panel, the export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import AuditEvent
from apps.actions import services
from apps.actions.models import Action, SystemCall
from tests.escalation.factories import make_alert

from .factories import bulk_actions, staff

pytestmark = pytest.mark.django_db


def add(user, *, due_in_min=60, text="Open 4 escalation beds", scope="RWE-LRI", owner="RWE"):
    return services.action_create(
        user=user,
        text=text,
        owner_organisation=owner,
        owner_name="LRI site manager",
        due_at=timezone.now() + timedelta(minutes=due_in_min),
        scope=scope,
    )


def test_the_calls_page_prefills_declarations_and_lists_open_alerts(scc_client, estate):
    alert = make_alert(rule="site_occupancy", scope="RWE-LRI")
    html = scc_client.get("/calls/").content.decode()
    for code in ("RWE", "RT5", "RX9"):
        assert f'name="opel-{code}"' in html
    assert 'name="opel-OOA"' not in html  # out of area declares nothing
    assert f"/actions/new/?alert={alert.pk}" in html


def test_starting_a_call_from_the_page_goes_to_its_record(scc_client, estate):
    response = scc_client.post(
        "/calls/",
        {"kind": "routine", "chair": "Jo Bloggs", "opel-RWE": "3", "comment-RWE": "ED full"},
    )
    call = SystemCall.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/calls/{call.pk}/"
    declared = {d.organisation.code: d.opel for d in call.declarations.all()}
    assert declared["RWE"] == 3 and declared["RT5"] is None
    page = scc_client.get(f"/calls/{call.pk}/").content.decode()
    assert "Jo Bloggs" in page and "ED full" in page and "Figures at the start" in page
    assert scc_client.post("/calls/", {"kind": "routine", "chair": ""}).status_code == 400
    assert scc_client.get("/calls/999999/").status_code == 404


def test_an_action_from_an_alert_is_prefilled_and_tied_to_it(scc_client, estate):
    alert = make_alert(rule="site_occupancy", scope="RWE-LRI")
    form = scc_client.get(f"/actions/new/?alert={alert.pk}").content.decode()
    assert 'value="RWE-LRI"' in form and '<option value="RWE" selected' in form
    due = (timezone.localtime() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = scc_client.post(
        "/actions/new/",
        {
            "alert": alert.pk,
            "text": "Divert two ambulances to Glenfield",
            "owner_organisation": "RWE",
            "owner_name": "Site manager",
            "due_at": due,
            "scope": "RWE-LRI",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.alert == alert
    # A form's time without offset is UK local time.
    assert timezone.localtime(action.due_at).strftime("%Y-%m-%dT%H:%M") == due
    bad = scc_client.post("/actions/new/", {"text": "", "owner_organisation": "NOPE"})
    assert bad.status_code == 400


def test_marking_done_shows_the_effect_and_a_second_done_says_so(scc_client, estate):
    action = add(scc_client.user)
    response = scc_client.post(f"/actions/{action.pk}/done/", {"note": "done it"})
    assert response.status_code == 302
    page = scc_client.get("/actions/?status=done").content.decode()
    assert "done it" in page and "done:" in page
    again = scc_client.post(f"/actions/{action.pk}/done/", {}, follow=True)
    assert "already done" in again.content.decode()
    assert action.transitions.count() == 2


def test_the_actions_page_filters_by_status_and_owner(scc_client, estate):
    add(scc_client.user, text="late one", due_in_min=-10)
    add(scc_client.user, text="community one", owner="RT5", scope="RT5")
    overdue = scc_client.get("/actions/?status=overdue").content.decode()
    assert "late one" in overdue and "community one" not in overdue
    rt5 = scc_client.get("/actions/?status=open&owner=RT5").content.decode()
    assert "community one" in rt5 and "late one" not in rt5


def test_the_actions_page_and_board_panel_take_a_fixed_number_of_queries(
    scc_client, estate, monkeypatch
):
    from apps.escalation import selectors

    user = staff("bulk")
    now = timezone.now()
    bulk_actions(30, user=user, now=now)
    counts = {}
    for n in (30, 5000):
        if n == 5000:
            bulk_actions(5000 - 30, user=user, now=now)
        with CaptureQueriesContext(connection) as ctx:
            page = scc_client.get("/actions/?status=open")
        assert page.status_code == 200
        with CaptureQueriesContext(connection) as board_ctx:
            board = scc_client.get(
                "/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="x", data={"panel": "actions"}
            )
        assert board.status_code == 200
        # Pages re-read the rules' thresholds at most every 15 s: read them in both runs.
        monkeypatch.setattr(selectors, "_thresholds", (float("-inf"), {}))
        with CaptureQueriesContext(connection) as whole_ctx:
            assert scc_client.get("/").status_code == 200
        counts[n] = (len(ctx), len(board_ctx), len(whole_ctx))
    assert counts[30] == counts[5000]
    # Pinned: session and user; the page's count, its rows and the organisations; the panel's
    # counts, its overdue and its due-soon rows.
    assert counts[5000][:2] == (5, 5), counts
    html = board.content.decode()
    assert "overdue" in html and html.count("<li") == 2 * 8


def test_the_board_page_shows_the_actions_panel(scc_client, estate):
    add(scc_client.user, text="late one", due_in_min=-10)
    add(scc_client.user, text="soon one", due_in_min=30)
    add(scc_client.user, text="later one", due_in_min=300)
    html = scc_client.get("/").content.decode()
    assert 'id="actions-panel"' in html
    assert "late one" in html and "soon one" in html and "later one" not in html
    assert 'href="/calls/#start"' in html


def test_the_csv_export_is_for_managers_and_defuses_formulas(scc_client, manager_client, estate):
    add(manager_client.user, text='=HYPERLINK("http://x")')
    assert scc_client.get("/exports/actions.csv").status_code == 403
    response = manager_client.get("/exports/actions.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["text"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["owner_organisation"] == "RWE" and rows[0]["status"] == "open"
    assert "at_created_ga_occupancy_pct" in rows[0]
    assert AuditEvent.objects.filter(action="export", detail__what="actions_csv").exists()


def test_pages_need_staff(client, estate):
    assert client.get("/actions/").status_code == 302
    assert client.get("/calls/").status_code == 302


def test_the_admin_shows_calls_and_actions_read_only(admin_client, estate):
    action = add(admin_client.user)
    call = services.call_start(user=admin_client.user, kind="routine", chair="Jo")
    assert admin_client.get("/admin/actions/action/").status_code == 200
    assert admin_client.get(f"/admin/actions/action/{action.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/actions/systemcall/{call.pk}/change/").status_code == 200
    assert admin_client.get("/admin/actions/action/add/").status_code == 403


def test_the_boards_one_click_starts_a_call_and_its_declarations_are_recorded_on_it(
    scc_client, estate
):
    assert 'action="/calls/start/"' in scc_client.get("/").content.decode()
    response = scc_client.post("/calls/start/")
    call = SystemCall.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/calls/{call.pk}/#declarations"
    assert (call.kind, call.chair, call.started_by) == ("routine", "scc-user", scc_client.user)
    # Filled in with the computed OPELs (none yet in this estate: nothing has reported).
    assert {d.organisation.code: d.opel for d in call.declarations.all()} == {
        "RT5": None,
        "RWE": None,
        "RX9": None,
    }
    saved = scc_client.post(
        f"/calls/{call.pk}/declarations/",
        {"opel-RWE": "3", "comment-RWE": "ED full", "opel-RT5": "", "opel-RX9": "2"},
        follow=True,
    )
    assert "Declarations saved (RWE, RX9)" in saved.content.decode()
    declared = {d.organisation.code: (d.opel, d.comment) for d in call.declarations.all()}
    assert declared == {"RT5": (None, ""), "RWE": (3, "ED full"), "RX9": (2, "")}
    audits = AuditEvent.objects.filter(action="call_declarations").order_by("pk")
    assert [a.detail["organisation"] for a in audits] == ["RWE", "RX9"]
    assert scc_client.post("/calls/999999/declarations/", {}).status_code == 404
