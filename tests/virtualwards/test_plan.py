import json
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from apps.beds.estate import estate_load
from apps.plan.models import PlanValue
from apps.virtualwards.plan import PlanError, plan_load
from apps.virtualwards.selectors import vw_plan_vs_actual

pytestmark = pytest.mark.django_db

DEMO = settings.BASE_DIR / "demo"
LLR_PLAN = DEMO / "llr_virtual_wards_plan_2023_24.csv"
LLR_TOTALS = [72, 72, 72, 72, 105, 95, 143, 168, 193, 234, 249, 274, 284, 299, 304, 314, 314, 314]


@pytest.fixture
def llr(db):
    estate_load(document=json.loads((DEMO / "llr_estate.json").read_text()))


def test_the_llr_plan_totals_72_to_314_by_month(llr, capsys):
    call_command("load_vw_plan", str(LLR_PLAN))
    assert "Plan loaded" in capsys.readouterr().out
    # Before any census, the months are the plan's own: July 2022 to December 2023.
    months = vw_plan_vs_actual(now=datetime(2023, 12, 15, tzinfo=UTC))["months"]
    assert [m["month"] for m in months] == [
        *(date(2022, n, 1) for n in range(7, 13)),
        *(date(2023, n, 1) for n in range(1, 13)),
    ]
    assert [m["planned"] for m in months] == LLR_TOTALS
    assert all(m["actual"] is None for m in months)


def test_the_plan_names_wards_not_present_in_every_month(llr):
    call_command("load_vw_plan", str(LLR_PLAN))
    frailty = PlanValue.objects.filter(metric="vw_capacity", scope="VW-FRAILTY")
    assert frailty.count() == 9
    assert frailty.order_by("month").first().month == date(2023, 4, 1)
    wards = {
        w["code"]: w for w in vw_plan_vs_actual(now=datetime(2023, 12, 15, tzinfo=UTC))["wards"]
    }
    assert wards["VW-FRAILTY"]["months"][0] == {
        "month": date(2022, 7, 1),
        "planned": None,
        "actual": None,
    }
    assert wards["VW-FRAILTY"]["months"][-1]["planned"] == 20


def test_loading_the_plan_twice_changes_nothing(llr, capsys):
    call_command("load_vw_plan", str(LLR_PLAN))
    before = list(PlanValue.objects.order_by("pk").values())
    capsys.readouterr()
    call_command("load_vw_plan", str(LLR_PLAN))
    assert capsys.readouterr().out.startswith("Plan unchanged")
    assert list(PlanValue.objects.order_by("pk").values()) == before


def test_a_file_replaces_the_plan_of_the_wards_it_names_only(estate):
    plan_load(
        text="virtual_ward,medical_cover,month,planned_capacity\n"
        "Frailty,UHL/LPT,2023-04,10\nFrailty,UHL/LPT,2023-05,12\nAsthma,UHL,2023-04,5\n"
    )
    report = plan_load(
        text="virtual_ward,medical_cover,month,planned_capacity\nFrailty,LPT,2023-05,15\n"
    )
    assert (report.counts["created"], report.counts["updated"], report.counts["deleted"]) == (
        0,
        1,
        1,
    )
    assert sorted(PlanValue.objects.values_list("scope", "month", "value", "note")) == [
        ("VW-ASTHMA", date(2023, 4, 1), 5, "UHL"),
        ("VW-FRAILTY", date(2023, 5, 1), 15, "LPT"),
    ]


def test_an_invalid_file_names_row_and_column_and_writes_nothing(estate):
    text = (
        "virtual_ward,medical_cover,month,planned_capacity\n"
        "Frailty,UHL/LPT,2023-04,10\n"
        "Frailty,UHL/LPT,2023-13,10\n"
        "Asthma,UHL,2023-04,-5\n"
        "Nowhere,UHL,2023-04,5\n"
        "Asthma,UHL,2023-05,7.5\n"
        "Frailty,UHL/LPT,2023-04,11\n"
    )
    with pytest.raises(PlanError) as caught:
        plan_load(text=text)
    assert caught.value.errors == [
        "row 3, month: '2023-13' is not a month written YYYY-MM.",
        "row 4, planned_capacity: '-5' is not a whole number from 0 to 100000.",
        "row 5, virtual_ward: no virtual ward named 'Nowhere' in the estate.",
        "row 6, planned_capacity: '7.5' is not a whole number from 0 to 100000.",
        "row 7, month: Frailty 2023-04 repeats row 2.",
    ]
    assert not PlanValue.objects.exists()


def test_a_file_missing_a_column_is_refused(estate):
    with pytest.raises(PlanError, match="missing column planned_capacity"):
        plan_load(text="virtual_ward,month\nFrailty,2023-04\n")


def test_the_command_reports_errors_without_writing(estate, tmp_path):
    bad = tmp_path / "plan.csv"
    bad.write_text("virtual_ward,medical_cover,month,planned_capacity\nFrailty,,April,10\n")
    with pytest.raises(CommandError, match=r"row 2, month: 'April'"):
        call_command("load_vw_plan", str(bad))
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_vw_plan", str(tmp_path / "missing.csv"))
    assert not PlanValue.objects.exists()
