"""``load_plan`` (good, bad, idempotent) and ``GET /api/v1/plan/``."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.beds.estate import estate_load
from apps.core.localtime import local_today
from apps.plan.models import PlanValue
from tests.conftest import estate_with_extra_sites

pytestmark = pytest.mark.django_db
URL = "/api/v1/plan/"

GOOD = (
    "metric,scope,month,value\n"
    "ed_four_hour_pct,system,2027-03,76\n"
    "cat2_mean_min,RX9,2026-11,30\n"
    "handover_lost_hours,RWE-LRI,2026-11,120.5\n"
    "mofd_p1_p3,system,2026-11,50\n"
)


@pytest.fixture
def plan_file(tmp_path):
    def write(text: str):
        path = tmp_path / "plan.csv"
        path.write_text(text)
        return str(path)

    return write


def test_load_plan_loads_and_a_second_run_changes_nothing(estate, plan_file, capsys):
    call_command("load_plan", plan_file(GOOD))
    assert "4 created" in capsys.readouterr().out
    before = list(PlanValue.objects.order_by("pk").values())
    call_command("load_plan", plan_file(GOOD))
    assert capsys.readouterr().out.startswith("Plan unchanged (4 values)")
    assert list(PlanValue.objects.order_by("pk").values()) == before


def test_a_new_value_replaces_the_old_and_others_are_kept(estate, plan_file, capsys):
    call_command("load_plan", plan_file(GOOD))
    call_command("load_plan", plan_file("metric,scope,month,value\nmofd_p1_p3,system,2026-11,45\n"))
    assert "1 updated" in capsys.readouterr().out
    assert PlanValue.objects.count() == 4
    assert PlanValue.objects.get(metric="mofd_p1_p3").value == Decimal("45")


def test_a_bad_file_names_the_line_and_writes_nothing(estate, plan_file):
    bad = GOOD + "mofd_p1_p3,RX9,2026-11,50\nmofd_p1_p3,system,Nov,50\n"
    with pytest.raises(CommandError) as caught:
        call_command("load_plan", plan_file(bad))
    message = str(caught.value)
    assert "nothing written" in message
    assert "line 6: scope 'RX9' is not an organisation or system for mofd_p1_p3." in message
    assert "line 7: month 'Nov' is not a month written YYYY-MM, from 2000-01 to 2099-12." in message
    assert not PlanValue.objects.exists()
    with pytest.raises(CommandError, match="cannot read"):
        call_command("load_plan", "/nonexistent/plan.csv")


def test_the_api_gives_the_months_rows_as_numbers(estate, plan_file, scc_client):
    call_command("load_plan", plan_file(GOOD))
    body = scc_client.get(URL, {"month": "2026-11"}).json()
    assert body["month"] == "2026-11"
    rows = {(r["metric"], r["scope"]): r for r in body["rows"]}
    assert set(rows) == {
        ("cat2_mean_min", "RX9"),
        ("handover_lost_hours", "RWE-LRI"),
        ("mofd_p1_p3", "system"),
    }
    lost = rows[("handover_lost_hours", "RWE-LRI")]
    assert lost["plan"] == 120.5 and isinstance(lost["plan"], float)
    assert lost["actual"] is None and lost["status"] == "no_data"  # no arrivals: unknown
    assert rows[("cat2_mean_min", "RX9")]["actual"] is None
    assert rows[("cat2_mean_min", "RX9")]["status"] == "no_data"


def test_the_month_defaults_to_the_current_and_a_malformed_one_is_400(estate, scc_client):
    body = scc_client.get(URL).json()
    assert body["month"] == f"{local_today(timezone.now()):%Y-%m}"
    for bad in ("2026-13", "2026-1", "November", "0001-01", "9999-12", "1999-12"):
        response = scc_client.get(URL, {"month": bad})
        assert response.status_code == 400
        assert "from 2000-01 to 2099-12" in response.json()["month"][0]


def test_keys_may_read_the_plan(estate, key_client):
    assert key_client("RWE").get(URL).status_code == 200


def test_the_api_query_count_does_not_grow_with_sites(scc_client, django_assert_num_queries):
    estate_load(document=estate_with_extra_sites(15))
    lines = (
        ["metric,scope,month,value"]
        + [
            f"{m},RWE-X{i},2026-10,10"
            for i in range(15)
            for m in ("ga_available_beds", "handover_lost_hours")
        ]
        + ["vw_capacity,system,2026-10,10", "mofd_p1_p3,RWE,2026-10,10"]
    )
    from apps.plan.services import plan_load

    plan_load(text="\n".join(lines) + "\n")
    scc_client.get(URL, {"month": "2026-10"})
    # session, user, plan store, beds, lost hours, S1 frozen, virtual-ward censuses
    with django_assert_num_queries(7):
        response = scc_client.get(URL, {"month": "2026-10"})
    assert len(response.json()["rows"]) == 32
