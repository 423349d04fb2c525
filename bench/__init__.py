"""Benchmarks: ``make bench`` (all targets) or ``make bench BENCH=beds``. Figures, not asserts.

Each target is a module ``bench/<name>.py`` with ``run() -> dict`` that prints its figures and
returns them; ``bench/__main__.py`` runs the targets against a scratch database and writes the
results to ``var/bench-results.json``.
"""
