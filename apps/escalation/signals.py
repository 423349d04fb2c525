from django.dispatch import Signal

# Sent after alerts changed (raised, escalated, de-escalated, acknowledged, closed);
# ``changed`` is the set of scopes. Distinct from ``figures_changed`` so that evaluation
# never triggers another evaluation.
alerts_changed = Signal()
