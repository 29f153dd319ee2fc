"""Triage quality and speed on the repository's evaluation set (issue 20), in process, no database.

    .venv/bin/python bench/triage.py                # about 10 s
    .venv/bin/python bench/triage.py --no-save --long-reports 200

Reads tests/intake/data/triage_eval.jsonl, triages each narrative with the current
`qorgau.intake.triage` (the input built as `report_submit` builds it: category, narrative, child's
age; no links) and prints, per (language, script) and overall: P1 recall, P1 precision, the share of
harmless reports raised to P1, the 4x4 confusion matrix (expected band -> triaged band) and n; then
the time of one triage (p50/p99) on the set and on 20,000-character narratives, then the same again
after `gc.freeze()` (what qorgau/wsgi.py does once the application is loaded: `_gc_frozen`).

The same quality figures are printed for the sets written blind after it (without reading the
rules or the other sets' narratives), each under its own prefix and `"set"`: the held-out set
(`triage_holdout_...`), the second blind set (`triage_blind_...`), the final set
(`triage_final_...`) and the fresh set (`triage_fresh_...`). The rules were tuned against each
set once it had been measured blind (bench/README.md gives each set's first, blind figures):
today's figures on all five show what the rules do on them, not how they generalise; only a set
written after the last change to the rules can measure that."""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import time
from collections import defaultdict
from typing import Any

from _common import REPO, add_common_args, run_bench, summary_ms

DATA = REPO / "tests" / "intake" / "data" / "triage_eval.jsonl"
HOLDOUT = REPO / "tests" / "intake" / "data" / "triage_holdout.jsonl"
BLIND = REPO / "tests" / "intake" / "data" / "triage_blind.jsonl"
FINAL = REPO / "tests" / "intake" / "data" / "triage_final.jsonl"
FRESH = REPO / "tests" / "intake" / "data" / "triage_fresh.jsonl"
# The sets written blind, after the evaluation set: (file, figure prefix, "set" field).
BLIND_SETS = [
    (HOLDOUT, "triage_holdout_", "holdout"),
    (BLIND, "triage_blind_", "blind"),
    (FINAL, "triage_final_", "final"),
    (FRESH, "triage_fresh_", "fresh"),
]
BANDS = ["P1", "P2", "P3", "P4"]
RECALL_TARGET, HARMLESS_TARGET, P99_TARGET_MS = 0.97, 0.05, 2.0
HARMLESS = {"harmless", "false_friend", "negated", "past"}


def load(path: Any = DATA) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _input(row: dict[str, Any]) -> Any:
    from qorgau.intake.triage import TriageInput

    return TriageInput(
        category=row["category"], narrative=row["narrative"], child_age=row["child_age"]
    )


def quality(
    rows: list[dict[str, Any]], got: list[str], group: str, n_all: int, prefix: str = "triage_"
) -> list[dict]:
    matrix = {e: dict.fromkeys(BANDS, 0) for e in BANDS}
    for row, band in zip(rows, got, strict=True):
        matrix[row["expected"]][band] += 1
    p1_expected = sum(matrix["P1"].values())
    p1_got = sum(matrix[e]["P1"] for e in BANDS)
    tp = matrix["P1"]["P1"]
    recall = tp / p1_expected if p1_expected else None
    precision = tp / p1_got if p1_got else None
    harmless = [b for r, b in zip(rows, got, strict=True) if r["expected"] != "P1"
                and r["signal"] in HARMLESS]  # fmt: skip
    raised = sum(b == "P1" for b in harmless) / len(harmless) if harmless else None
    exact = sum(r["expected"] == b for r, b in zip(rows, got, strict=True)) / len(rows)
    common = {"group": group, "n": len(rows), "eval_set": n_all, "p1_expected": p1_expected}
    return [
        {"name": f"{prefix}p1_recall_{group}", "value": None if recall is None else round(recall, 3),
         "unit": "", "target": f">= {RECALL_TARGET}",
         "meets_target": None if recall is None else recall >= RECALL_TARGET,
         "confusion": matrix, **common},
        {"name": f"{prefix}p1_precision_{group}",
         "value": None if precision is None else round(precision, 3), "unit": "",
         "p1_triaged": p1_got, **common},
        {"name": f"{prefix}harmless_raised_to_p1_{group}",
         "value": None if raised is None else round(raised, 3), "unit": "",
         "target": f"<= {HARMLESS_TARGET}", "harmless": len(harmless),
         "meets_target": None if raised is None else raised <= HARMLESS_TARGET, **common},
        {"name": f"{prefix}exact_band_{group}", "value": round(exact, 3), "unit": "", **common},
    ]  # fmt: skip


def by_group(rows: list[dict[str, Any]], evaluate: Any, rules: Any, prefix: str) -> list[dict]:
    """The quality figures of one set: overall, then per (language, script)."""
    got = [evaluate(rules, _input(row)).priority for row in rows]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[f"{row['language']}_{row['script']}"].append(i)
    lines = quality(rows, got, "all", len(rows), prefix)
    for group in sorted(groups):
        idx = groups[group]
        lines += quality([rows[i] for i in idx], [got[i] for i in idx], group, len(rows), prefix)
    return lines


def timings(inputs: list[Any], repeat: int) -> list[float]:
    from qorgau.intake.triage import DEFAULT_RULES, evaluate

    ms = []
    for _ in range(repeat):
        for data in inputs:
            t0 = time.perf_counter()
            evaluate(DEFAULT_RULES, data)
            ms.append((time.perf_counter() - t0) * 1000)
    return ms


def long_inputs(rows: list[dict[str, Any]], count: int, size: int) -> list[Any]:
    """Narratives of `size` characters: the set's own narratives repeated, and one letter."""
    rng = random.Random(20)  # noqa: S311 - reproducible test data, not secrets
    out = []
    for i in range(count):
        if i % 10 == 9:
            text = "а" * size
        else:
            parts, length = [], 0
            while length < size:
                part = rng.choice(rows)["narrative"]
                parts.append(part)
                length += len(part) + 1
            text = " ".join(parts)[:size]
        out.append(_input({**rng.choice(rows), "narrative": text}))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_args(parser, db_name="qorgau_bench_triage", timeout=600)  # no database is used
    parser.add_argument("--repeat", type=int, default=20, help="passes over the set, for timing")
    parser.add_argument("--long-reports", type=int, default=1000, help="20,000-character reports")
    parser.add_argument("--long-chars", type=int, default=20000)
    args = parser.parse_args(argv)

    def measure(commit: str) -> list[dict]:
        import django

        sys.path.insert(0, str(REPO))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
        django.setup()
        from qorgau.intake.triage import DEFAULT_RULES, evaluate

        rows = load()
        lines = by_group(rows, evaluate, DEFAULT_RULES, "triage_")
        long = long_inputs(rows, args.long_reports, args.long_chars)
        # First as before (the collector as it is); then, the same inputs again, after what
        # qorgau/wsgi.py does once the application is loaded (gc.collect(), gc.freeze()), here
        # after this warm-up: the figures the workers see (`_gc_frozen`).
        for frozen in (False, True):
            if frozen:
                gc.collect()
                gc.freeze()
            suffix = "_gc_frozen" if frozen else ""
            for label, inputs, repeat in [
                ("eval_set", [_input(r) for r in rows], args.repeat),
                (f"{args.long_chars}_chars", long, 1),
            ]:
                ms = timings(inputs, repeat)
                s = summary_ms(ms)
                lines.append({
                    "name": f"triage_ms_p99_{label}{suffix}", "value": s["p99_ms"], "unit": "ms",
                    "target": f"< {P99_TARGET_MS}",
                    "meets_target": (s["p99_ms"] or 0) < P99_TARGET_MS, "gc_frozen": frozen,
                    "reports": len(inputs), "samples": len(ms), "eval_set": len(rows), **s,
                })  # fmt: skip
        gc.unfreeze()
        for line in lines:
            line.setdefault("reports", len(rows))
        for path, prefix, name in BLIND_SETS:
            blind = load(path)
            for line in by_group(blind, evaluate, DEFAULT_RULES, prefix):
                lines.append({**line, "set": name, "reports": len(blind)})
        return lines

    return run_bench(args, measure, title="triage")


if __name__ == "__main__":
    sys.exit(main())
