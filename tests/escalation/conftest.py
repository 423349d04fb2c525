from __future__ import annotations

import pytest

from apps.escalation.rules import Figures, SiteFigures


class FiguresStub:
    """Stands in for ``escalation_figures``: the test sets what the rules see."""

    def __init__(self):
        self.figures = Figures()

    def set_sites(self, **by_code):
        self.figures = Figures(
            sites=tuple(
                SiteFigures(code=code, organisation="RWE", **values)
                for code, values in by_code.items()
            )
        )

    def __call__(self, *, now):
        return self.figures


@pytest.fixture
def figures(monkeypatch, db):
    """Figures set by the test. Site OPEL is switched off: it would follow occupancy and
    waits and double every alert; tests that want it switch it back on."""
    from apps.escalation.models import EscalationRule

    EscalationRule.objects.filter(code="site_opel").update(enabled=False)
    stub = FiguresStub()
    monkeypatch.setattr("apps.escalation.services.escalation_figures", stub)
    return stub


@pytest.fixture
def alert_emails(settings):
    settings.SCC_ALERT_EMAILS = {"amber": ["amber@scc.test"], "red": ["red@scc.test"]}
    return settings.SCC_ALERT_EMAILS
