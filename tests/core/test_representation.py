"""``represent``: an output serializer's ``.data``, rendered by a plan built once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from apps.core.representation import represent


class PointOut(serializers.Serializer):
    x = serializers.IntegerField()
    y = serializers.FloatField(allow_null=True)


class DocOut(serializers.Serializer):
    name = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)
    on = serializers.DateField()
    ok = serializers.BooleanField()
    point = PointOut(allow_null=True)
    points = PointOut(many=True)
    by_key = serializers.DictField(child=PointOut(allow_null=True))
    tags = serializers.ListField(child=serializers.CharField())
    renamed = serializers.IntegerField(source="inner.value")
    defaulted = serializers.IntegerField(default=7)
    optional = serializers.CharField(required=False)
    nullable = serializers.CharField(allow_null=True)
    computed = serializers.IntegerField()


def _instance(**over):
    doc = {
        "name": 12,  # rendered as text
        "at": datetime(2026, 11, 23, 8, 0, 30, tzinfo=UTC),
        "on": date(2026, 11, 23),
        "ok": 1,
        "point": {"x": "3", "y": None},
        "points": [{"x": 1, "y": 2}, {"x": 2, "y": 1.25, "extra": "not shown"}],
        "by_key": {1: {"x": 1, "y": 0}, "b": None},
        "tags": ["a", None],
        "inner": {"value": 5},
        "nullable": None,
        "computed": lambda: 42,  # DRF calls a callable it finds
        "not_declared": "left out",
    }
    return doc | over


def _same(instance) -> None:
    drf = DocOut(instance).data
    fast = represent(DocOut, instance)
    assert fast == drf
    assert list(fast) == list(drf)
    assert JSONRenderer().render(fast) == JSONRenderer().render(drf)


def test_it_renders_what_the_serializer_renders():
    _same(_instance())


def test_missing_keys_follow_drf_defaults_skips_and_nulls():
    doc = _instance()
    for key in ("defaulted", "optional", "nullable"):
        doc.pop(key, None)
    doc["point"] = None
    _same(doc)
    assert "optional" not in represent(DocOut, doc)
    assert represent(DocOut, doc)["defaulted"] == 7


def test_objects_as_well_as_mappings():
    doc = _instance()
    obj = SimpleNamespace(**{k: v for k, v in doc.items() if k != "inner"})
    obj.inner = SimpleNamespace(value=9)
    _same(obj)
