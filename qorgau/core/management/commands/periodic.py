"""`manage.py periodic`: the periodic work, by itself. Runs `tick` every `--every` seconds until it is
stopped (SIGTERM or Ctrl-C), so that deadlines, missed meetings, escalations and spikes raise their
alerts without a cron. `make run` starts it beside the server; production runs it as its own
service (docs/operations.md). A tick that fails is logged and the next one runs on time: one broken
app must not stop every other alert."""

from __future__ import annotations

import logging
import signal
import time
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

logger = logging.getLogger("qorgau.periodic")


class Command(BaseCommand):
    help = "Run `tick` every --every seconds (60 by default) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=60.0, help="seconds between ticks")
        parser.add_argument(
            "--max-runs", type=int, default=0, help="stop after this many ticks (0: never)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every: float = max(options["every"], 0.0)
        max_runs: int = options["max_runs"]
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self._loop(every, max_runs, lambda: stopping)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("periodic work stopped")

    def _loop(self, every: float, max_runs: int, stopping: Any) -> None:
        self.stdout.write(f"periodic work: tick every {every:g} s (stop with Ctrl-C)")
        runs = 0
        next_at = time.monotonic()
        while not stopping():
            runs += 1
            self._tick(runs)
            if max_runs and runs >= max_runs:
                break
            next_at += every
            while not stopping() and (wait := next_at - time.monotonic()) > 0:
                time.sleep(min(wait, 0.5))
            if time.monotonic() - next_at > every:
                next_at = time.monotonic()  # a tick longer than the period: no burst to catch up

    def _tick(self, run: int) -> None:
        close_old_connections()
        out = StringIO()
        try:
            call_command("tick", stdout=out)
        except Exception:
            logger.exception("tick %d failed; the next one runs on time", run)
            self.stderr.write(f"tick {run} failed (see the log); the next one runs on time")
            return
        finally:
            close_old_connections()
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        self.stdout.write(f"tick {run}: " + "; ".join(lines))
