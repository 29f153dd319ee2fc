"""`manage.py periodic` runs `tick` again and again by itself (issue 19: missed meetings and deadlines
raised nothing until someone ran `tick` by hand), and a tick that fails does not stop the next."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_ticks_on_its_own_until_told_to_stop(reference_data):
    out = StringIO()
    call_command("periodic", every=0.05, max_runs=3, stdout=out)
    text = out.getvalue()
    assert [line.split(":")[0] for line in text.splitlines() if line.startswith("tick ")] == [
        "tick 1",
        "tick 2",
        "tick 3",
    ]
    assert "intake:" in text and "core:" in text  # every app's periodic work ran
    assert text.rstrip().endswith("periodic work stopped")


def test_a_failing_tick_does_not_stop_the_next(reference_data, monkeypatch):
    from qorgau.intake import periodic as intake_periodic

    real = intake_periodic.run
    calls = {"n": 0}

    def flaky():
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("the database went away for a moment")
        return real()

    monkeypatch.setattr(intake_periodic, "run", flaky)
    out, err = StringIO(), StringIO()
    call_command("periodic", every=0.05, max_runs=2, stdout=out, stderr=err)
    assert "tick 1 failed" in err.getvalue()
    assert "tick 2: " in out.getvalue() and "intake:" in out.getvalue()
