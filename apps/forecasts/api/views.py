from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from ..selectors import bed_outlook, forecast_document, scope_known
from .serializers import BedOutlookOut, BedOutlookQuery, ForecastOut, ForecastQuery

_FORECAST_EXAMPLE = {
    "scope": "RWE-LRI",
    "series": "ed_attendances",
    "made_at": "2026-11-30T02:00:04Z",
    "history_days": 730,
    "model": "statsforecast ARIMA(1,0,1)(0,1,1)[7] + bank holidays",
    "days": [
        {
            "date": "2026-12-01",
            "mean": 498.2,
            "lo50": 484.1,
            "hi50": 512.3,
            "lo95": 457.0,
            "hi95": 539.4,
        }
    ],
    "backtest": {
        "mae": 16.9,
        "mape": 3.4,
        "coverage95": 0.952,
        "baseline_mae": 21.2,
        "baseline_mape": 4.3,
        "pairs": 784,
        "origins": 56,
        "beats_baseline": True,
    },
    "reason": None,
}
_TOO_LITTLE = {
    "scope": "RWE-GH",
    "series": "ga_occupied_midday",
    "made_at": "2026-11-30T02:00:04Z",
    "history_days": 20,
    "model": "statsforecast ARIMA(1,0,1)(0,1,1)[7] + bank holidays",
    "days": [],
    "backtest": None,
    "reason": "Too little history: 20 days with a value; a forecast needs at least 56.",
}


class ForecastView(APIView):
    @extend_schema(
        summary="14-day forecast of a daily series, with intervals and its backtest",
        description=(
            "The stored forecast (fitted nightly at 02:00 local in the worker, never in a "
            "request) of `series` for `scope` (a site's code or `system`) for each of the 14 "
            "local days after today: mean, 50% and 95% prediction intervals. The backtest "
            "pools errors over origins today − 69 … today − 14 beside the seasonal-naive "
            "baseline. Fewer than 56 days of history, or before any run: `days` is [] and "
            "`reason` says why."
        ),
        parameters=[ForecastQuery],
        responses={
            200: ForecastOut,
            400: OpenApiResponse(description="Unknown series: the error names the parameter."),
            404: OpenApiResponse(description="Unknown scope."),
        },
        examples=[
            OpenApiExample("A site's forecast", value=_FORECAST_EXAMPLE, response_only=True),
            OpenApiExample("Too little history", value=_TOO_LITTLE, response_only=True),
        ],
        tags=["forecasts"],
    )
    def get(self, request):
        query = ForecastQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        scope, series = query.validated_data["scope"], query.validated_data["series"]
        if not scope_known(scope):
            raise NotFound(f"Unknown scope {scope}: a site's code or 'system'.")
        return Response(ForecastOut(forecast_document(scope=scope, series=series)).data)


class BedOutlookView(APIView):
    @extend_schema(
        summary="Adult G&A bed outlook for the next 14 days",
        description=(
            "The forecast of adult G&A beds occupied at midday against the beds available now "
            "(the board's figure): forecast occupancy %, bed gap (beds needed to be at 92%), "
            "and the probability of reaching 92% and 95% (a normal with σ = (hi95 − lo95) / "
            "3.92). Without a forecast or without available beds, `days` is [] and `reason` "
            "says why."
        ),
        parameters=[BedOutlookQuery],
        responses={200: BedOutlookOut, 404: OpenApiResponse(description="Unknown scope.")},
        examples=[
            OpenApiExample(
                "System outlook",
                value={
                    "scope": "system",
                    "available": 1480,
                    "made_at": "2026-11-30T02:00:04Z",
                    "days": [
                        {
                            "date": "2026-12-01",
                            "occupied_mean": 1371,
                            "pct_mean": 92.6,
                            "bed_gap_mean": 10,
                            "p_reach_92": 0.71,
                            "p_reach_95": 0.08,
                        }
                    ],
                    "reason": None,
                },
                response_only=True,
            )
        ],
        tags=["forecasts"],
    )
    def get(self, request):
        query = BedOutlookQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        scope = query.validated_data["scope"]
        if not scope_known(scope):
            raise NotFound(f"Unknown scope {scope}: a site's code or 'system'.")
        return Response(BedOutlookOut(bed_outlook(scope=scope, now=timezone.now())).data)
