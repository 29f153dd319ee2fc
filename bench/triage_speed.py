"""Speed of triage on long narratives (issue 20, part 1): no database.

    .venv/bin/python bench/triage_speed.py [--runs N] [--chars C]

`evaluate()` with the shipped rules on narratives of C characters (default 20,000) written each
way children write (Russian and Kazakh Cyrillic, Russian translit, Kazakh Latin, English, a mix,
one letter repeated): prints one JSON line per kind and one for all, with p50/p99 in
milliseconds. Target: p99 < 2 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from qorgau.intake.triage import DEFAULT_RULES, TriageInput, evaluate

SAMPLES = {
    "ru_cyrillic": "Он пишет мне каждый день в телеграме и просит фото, говорит никому не говорить. ",
    "kk_cyrillic": "Ол маған күнде жазады, суреттерді сұрайды, ешкімге айтпа дейді. ",
    "ru_translit": "on pishet mne kazhdyi den i prosit foto, govorit nikomu ne govorit. ",
    "kk_latin": "Ol maǵan kúnde jazady, suretterdi suraıdy, eshkimge aıtpa deıdi. ",
    "en": "He writes to me every day and asks for pictures, and says not to tell anyone. ",
    "mixed": "davai ertең kezdesemiz он сказал see you 😭🤫 https://t.me/x ",
    "one_letter": "а",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--chars", type=int, default=20000)
    args = parser.parse_args()
    everything: list[float] = []
    for kind, sample in SAMPLES.items():
        text = (sample * (args.chars // len(sample) + 1))[: args.chars]
        data = TriageInput(category="grooming", narrative=text, child_age=13)
        evaluate(DEFAULT_RULES, data)  # compile the patterns once
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            evaluate(DEFAULT_RULES, data)
            times.append((time.perf_counter() - start) * 1000)
        everything += times
        print(json.dumps(_line(f"triage_{kind}", times, args.chars)))
    print(json.dumps(_line("triage_all", everything, args.chars)))


def _line(name: str, times: list[float], chars: int) -> dict[str, object]:
    cuts = statistics.quantiles(times, n=100)
    return {
        "figure": name,
        "p50_ms": round(statistics.median(times), 3),
        "p99_ms": round(cuts[98], 3),
        "narrative_chars": chars,
        "runs": len(times),
        "target_p99_ms": 2.0,
        "met": cuts[98] < 2.0,
    }


if __name__ == "__main__":
    main()
