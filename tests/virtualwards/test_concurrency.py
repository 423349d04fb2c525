import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from apps.virtualwards.models import VirtualWardCensus, VirtualWardCurrent

from .conftest import census


@pytest.mark.django_db(transaction=True)
def test_concurrent_censuses_leave_the_newest_current(estate, ingest):
    base = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    times = [base + timedelta(minutes=m) for m in range(8)]
    barrier = threading.Barrier(len(times))
    failures = []

    def send(when):
        try:
            barrier.wait()
            result = ingest(
                "RT5",
                census(when.isoformat(), ("VW-FRAILTY", 20, when.minute % 20)),
                now=base + timedelta(hours=1),
            )
            if result.status != 201:
                failures.append(result.body)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(t,)) for t in reversed(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert VirtualWardCensus.objects.count() == len(times)
    assert VirtualWardCurrent.objects.get(ward__code="VW-FRAILTY").census.as_at == times[-1]
