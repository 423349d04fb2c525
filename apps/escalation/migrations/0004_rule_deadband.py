"""Each rule's deadband (DOMAIN.md "Escalation"), set by rule code.

The defaults are set on the rows there are now, and an insert trigger gives a row added later
without a deadband (a later migration adding one of the rules below, the ORM) its code's
default, so the rules other work adds (ED 4-hour, ED 12-hour, C2 mean, overdue actions) get
theirs without knowing about this column. Units are the rule's own: points, minutes, a count,
and hours for the stale bed sitrep (15 minutes = 0.25).
"""

from decimal import Decimal

from django.db import migrations, models
from django.db.models import Q

DEFAULT_DEADBANDS = {
    "site_occupancy": "1",
    "vw_utilisation": "1",
    "ambulance_wait": "5",
    "site_opel": "0",
    "mofd_p1_p3": "1",
    "stale_bed_sitrep": "0.25",
    "ed_four_hour": "2",
    "ed_twelve_hour": "1",
    "cat2_mean": "2",
    "action_overdue": "1",
}

_CASE = " ".join(f"WHEN '{code}' THEN {value}" for code, value in DEFAULT_DEADBANDS.items())

CREATE_TRIGGER = f"""
CREATE FUNCTION escalation_rule_default_deadband() RETURNS trigger AS $$
BEGIN
    IF NEW.deadband IS NULL THEN
        NEW.deadband := CASE NEW.code {_CASE} ELSE 0 END;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER escalation_rule_default_deadband
    BEFORE INSERT ON escalation_escalationrule
    FOR EACH ROW EXECUTE FUNCTION escalation_rule_default_deadband();
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS escalation_rule_default_deadband ON escalation_escalationrule;
DROP FUNCTION IF EXISTS escalation_rule_default_deadband();
"""


def set_defaults(apps, schema_editor):
    EscalationRule = apps.get_model("escalation", "EscalationRule")
    for code, value in DEFAULT_DEADBANDS.items():
        EscalationRule.objects.filter(code=code).update(deadband=Decimal(value))


class Migration(migrations.Migration):
    dependencies = [("escalation", "0003_cat2_mean_rule")]

    operations = [
        migrations.AddField(
            model_name="escalationrule",
            name="deadband",
            field=models.DecimalField(
                decimal_places=2,
                default=0,
                help_text=(
                    "An open alert closes, or steps down from red to amber, only once the "
                    "figure is back past the threshold by this much (same unit as the "
                    "thresholds; 0: as soon as the condition stops holding)."
                ),
                max_digits=9,
                verbose_name="deadband",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="escalationrule",
            constraint=models.CheckConstraint(
                condition=Q(deadband__gte=0), name="escalation_rule_deadband_not_negative"
            ),
        ),
        migrations.RunPython(set_defaults, migrations.RunPython.noop),
        migrations.RunSQL(CREATE_TRIGGER, DROP_TRIGGER),
    ]
