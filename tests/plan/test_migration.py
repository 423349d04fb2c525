"""The virtual-ward trajectory moves into the plan store when the plan app is migrated."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("virtualwards", "0002_census_current_plan_snapshot"), ("plan", "0001_plan_value")]
AFTER = [("virtualwards", "0003_remove_plan_now_in_operating_plan")]


@pytest.mark.django_db(transaction=True)
def test_trajectory_rows_become_vw_capacity_plan_values():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    System = old.get_model("beds", "System")
    Organisation = old.get_model("beds", "Organisation")
    VirtualWard = old.get_model("virtualwards", "VirtualWard")
    VirtualWardPlan = old.get_model("virtualwards", "VirtualWardPlan")
    System.objects.create(code="LLR", name="LLR", population=1_000_000)
    rt5 = Organisation.objects.create(code="RT5", name="LPT", kind="community")
    frailty = VirtualWard.objects.create(
        code="VW-FRAILTY", name="Frailty", organisation=rt5, capacity=20
    )
    VirtualWardPlan.objects.create(
        ward=frailty, month=date(2023, 4, 1), planned_capacity=10, medical_cover="UHL/LPT"
    )
    VirtualWardPlan.objects.create(ward=frailty, month=date(2023, 5, 1), planned_capacity=12)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        PlanValue = new.get_model("plan", "PlanValue")
        got = sorted(PlanValue.objects.values_list("metric", "scope", "month", "value", "note"))
        assert got == [
            ("vw_capacity", "VW-FRAILTY", date(2023, 4, 1), Decimal("10.00"), "UHL/LPT"),
            ("vw_capacity", "VW-FRAILTY", date(2023, 5, 1), Decimal("12.00"), ""),
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
