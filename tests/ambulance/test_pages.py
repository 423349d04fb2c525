from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from apps.ambulance.views import site_handovers_context
from apps.beds.models import Site

pytestmark = pytest.mark.django_db


def test_the_site_panel_shows_todays_ambulances_and_flags_a_breach(arrival):
    now = timezone.now()
    arrival("RWE-LRI", now - timedelta(minutes=50))
    arrival("RWE-LRI", now - timedelta(minutes=5))
    context = site_handovers_context(site=Site.objects.get(code="RWE-LRI"), now=now)
    html = render_to_string("ambulance/partials/site_handovers.html", context)
    assert html.count("waiting") >= 2
    assert html.count("release to respond breached") == 1
    assert "15-minute handover standard" in html
    assert "Lost hours, last 14 days" in html


def test_the_schema_describes_the_handover_endpoints(scc_client):
    schema = scc_client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/sitreps/handovers/" in schema and "/api/v1/handovers/daily/" in schema
    assert "last accepted post for an incident wins" in schema
