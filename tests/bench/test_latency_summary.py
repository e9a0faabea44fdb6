"""The figures `make bench` reports: percentiles, summaries and the headline verdicts."""

import sys
from pathlib import Path

import pytest

from ops.loadtest.latency import percentile, summarize

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from bench import TARGETS  # noqa: E402
from bench_report import headline  # noqa: E402


def test_percentiles_interpolate_between_closest_ranks_like_numpy():
    values = [0.4, 0.1, 0.3, 0.2, 0.5]  # unsorted on purpose
    assert percentile(values, 0) == pytest.approx(0.1)
    assert percentile(values, 50) == pytest.approx(0.3)
    assert percentile(values, 95) == pytest.approx(0.48)
    assert percentile(values, 100) == pytest.approx(0.5)
    assert percentile(list(range(1, 101)), 99) == pytest.approx(99.01)


def test_one_value_is_every_percentile_and_no_values_is_an_error():
    assert percentile([0.07], 99) == pytest.approx(0.07)
    with pytest.raises(ValueError):
        percentile([], 50)


def test_summary_in_milliseconds_with_throughput_over_the_wall_clock():
    latencies = [0.010 * n for n in range(1, 101)]  # 10 ms … 1000 ms
    summary = summarize(latencies, seconds=20)
    assert summary["messages"] == 100
    assert summary["p50_ms"] == pytest.approx(505.0)
    assert summary["p95_ms"] == pytest.approx(950.5)
    assert summary["p99_ms"] == pytest.approx(990.1)
    assert summary["mean_ms"] == pytest.approx(505.0)
    assert summary["max_ms"] == pytest.approx(1000.0)
    assert summary["throughput"] == pytest.approx(5.0)
    assert summarize([], 3) == {"messages": 0, "throughput": 0.0}


def _phase(kind, customers, p95, throughput=10.0, cpu=None):
    found = {"kind": kind, "customers": customers, "p95_ms": p95, "throughput": throughput}
    if cpu:
        found["cpu_ms_per_message"] = cpu
    return found


def test_headline_says_met_or_missed_against_the_one_instance_targets():
    result = {
        "targets": TARGETS,
        "deployments": {
            "single": {
                "phases": [
                    _phase("faq", 1, 80.0, cpu={"rasa": 24.8, "actions": 2.3}),
                    _phase("report", 1, 100.4),
                    _phase("faq", 20, 499.0, throughput=39.9),
                    _phase("report", 20, 900.0),
                ]
            },
            "cluster": {
                "phases": [
                    _phase("faq", 1, 95.0, cpu={"rasa-0": 10.0, "rasa-1": 16.0, "actions-0": 2.0}),
                    _phase("faq", 20, 300.0, throughput=45.0),
                ]
            },
        },
        "training": {"full_training_seconds": 301.0},
        "understanding": {
            "intent_macro_f1": 0.88,
            "faq_accuracy": 0.97,
            "entity_f1": 0.97,
            "baseline": {"intent_macro_f1": 0.90, "faq_accuracy": 0.96, "entity_f1": 0.84},
        },
    }
    rows = headline(result).splitlines()
    assert "| FAQ question p95, sequential | ≤ 80 ms | 80.0 ms — met | 95 ms |" in rows
    assert any(
        r.startswith("| report-form step p95, sequential | ≤ 100 ms | 100.4 ms — MISSED")
        for r in rows
    )
    assert any(
        r.startswith("| FAQ question p95, 20 at once | ≤ 500 ms | 499.0 ms — met") for r in rows
    )
    assert any(
        r.startswith("| report-form step p95, 20 at once | ≤ 500 ms | 900.0 ms — MISSED")
        for r in rows
    )
    # The throughput target is one instance's; the cluster's figure stands beside it.
    assert (
        "| best throughput, FAQ question | ≥ 40 msg/s | 39.9 msg/s — MISSED | 45.0 msg/s |" in rows
    )
    assert (
        "| CPU per FAQ question, sequential: Rasa + action servers | — "
        "| 24.8 + 2.3 ms | 26.0 + 2.0 ms |"
    ) in rows
    assert "| full training | ≤ 300 s | 301.0 s — MISSED | — |" in rows
    assert any(row.startswith("| intent macro-F1") and "bot BEHIND" in row for row in rows)
    assert any(row.startswith("| entity F1") and "bot ahead" in row for row in rows)
