"""The default rules of DOMAIN.md "Escalation". Thresholds stay editable in the admin."""

from decimal import Decimal

from django.db import migrations

DEFAULT_RULES = [
    ("site_occupancy", "site", "92", "95",
     "Site adult G&A occupancy: amber at ≥ 92%, red at ≥ 95%."),
    ("ambulance_wait", "site", "30", "45",
     "Longest ambulance waiting now at the site: amber over 30 minutes, red over 45 minutes "
     "(release to respond)."),
    ("site_opel", "site", "3", "4", "Site OPEL: amber at 3, red at 4."),
    ("mofd_p1_p3", "organisation", "50", None,
     "Acute organisation: MOFD patients on pathways 1-3, amber over 50."),
    ("vw_utilisation", "system", "80", None,
     "System virtual-ward utilisation: amber below 80%."),
    ("stale_bed_sitrep", "site", "4", "8",
     "Hours since the site's latest bed sitrep (sites that have reported at least once): "
     "amber over 4 h, red over 8 h."),
]


def load_defaults(apps, schema_editor):
    EscalationRule = apps.get_model("escalation", "EscalationRule")
    for code, scope_kind, amber, red, description in DEFAULT_RULES:
        EscalationRule.objects.get_or_create(
            code=code,
            defaults={
                "scope_kind": scope_kind,
                "amber": Decimal(amber),
                "red": None if red is None else Decimal(red),
                "description": description,
                "enabled": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("escalation", "0001_initial")]

    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
