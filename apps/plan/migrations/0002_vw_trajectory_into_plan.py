"""The virtual-ward trajectory becomes the operating plan's ``vw_capacity`` by ward: each
``VirtualWardPlan`` row is copied into the plan store (scope = the ward's code, the medical
cover as the note) before the old table is dropped."""

from django.db import migrations


def forwards(apps, schema_editor):
    VirtualWardPlan = apps.get_model("virtualwards", "VirtualWardPlan")
    PlanValue = apps.get_model("plan", "PlanValue")
    rows = VirtualWardPlan.objects.select_related("ward").order_by("pk")
    for row in rows.iterator():
        PlanValue.objects.update_or_create(
            metric="vw_capacity",
            scope=row.ward.code,
            month=row.month,
            defaults={"value": row.planned_capacity, "note": row.medical_cover},
        )


def backwards(apps, schema_editor):
    VirtualWard = apps.get_model("virtualwards", "VirtualWard")
    VirtualWardPlan = apps.get_model("virtualwards", "VirtualWardPlan")
    PlanValue = apps.get_model("plan", "PlanValue")
    wards = {w.code: w for w in VirtualWard.objects.all()}
    for value in PlanValue.objects.filter(metric="vw_capacity").exclude(scope="system"):
        ward = wards.get(value.scope)
        if ward is not None:
            VirtualWardPlan.objects.update_or_create(
                ward=ward,
                month=value.month,
                defaults={"planned_capacity": int(value.value), "medical_cover": value.note},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0001_plan_value"),
        ("virtualwards", "0002_census_current_plan_snapshot"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
