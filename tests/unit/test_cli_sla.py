"""`otklik sla due`: the contract output, run through the real CLI app. Expected values worked out by hand."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from otklik.cli.main import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["sla", "due", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("args", "first", "final"),
    [
        # Tue 3 Nov 2026 11:00 is the shortened eve of Unity Day. 8 working hours: 11–13 (2), 14–17 (3, the day
        # ends at 17:00), Wed 4 Nov off, Thu 5 Nov 9–12 (3) → 12:00. Final, 10 working days after Tue 3 Nov:
        # 5, 6, 9, 10, 11, 12, 13, 16, 17, 18 Nov → Wed 18 Nov 18:00.
        (
            ["--kind", "message", "--received", "2026-11-03T11:00"],
            "2026-11-05T12:00:00+03:00",
            "2026-11-18T18:00:00+03:00",
        ),
        # The same moment given in UTC (08:00Z = 11:00 MSK), high priority: 4 h = 11–13, 14–16 → Tue 16:00.
        # Final, 7 working days: 5, 6, 9, 10, 11, 12, 13 Nov → Fri 13 Nov 18:00.
        (
            ["--kind", "incident", "--priority", "high", "--received", "2026-11-03T08:00:00+00:00"],
            "2026-11-03T16:00:00+03:00",
            "2026-11-13T18:00:00+03:00",
        ),
        # 59-ФЗ has no first response; 30 calendar days from Tue 3 Nov 2026 = Thu 3 Dec, a working day → 18:00.
        (["--kind", "appeal_59fz", "--received", "2026-11-03T11:00"], "none", "2026-12-03T18:00:00+03:00"),
        # New Year: Tue 30 Dec 2025 17:00 (a full day: 31 Dec is a transferred day off, not a holiday). 8 h:
        # 17–18 (1), then 31 Dec – 11 Jan off (holidays 1–8, transferred Fri 9 Jan, weekend), Mon 12 Jan
        # 9–13 (4), 14–17 (3) → 17:00. Final, 7 working days: 12, 13, 14, 15, 16, 19, 20 Jan → Tue 20 Jan 18:00.
        (
            ["--kind", "incident", "--received", "2025-12-30T17:00"],
            "2026-01-12T17:00:00+03:00",
            "2026-01-20T18:00:00+03:00",
        ),
        # A working Saturday: Fri 31 Oct 2025 17:00, urgent 4 h = Fri 17–18 (1), Sat 1 Nov 9–12 (3) → Sat 12:00.
        # Final, 7 working days after Fri: Sat 1, Wed 5, Thu 6, Fri 7, Mon 10, Tue 11, Wed 12 Nov → 18:00.
        (
            ["--kind", "incident", "--priority", "high", "--received", "2025-10-31T17:00"],
            "2025-11-01T12:00:00+03:00",
            "2025-11-12T18:00:00+03:00",
        ),
        # A weekend: Sat 7 Nov 2026 10:00 (an ordinary Saturday): 8 h = Mon 9 Nov 9–13, 14–18 → 18:00.
        # Final, 10 working days: 9–13, 16–20 Nov → Fri 20 Nov 18:00.
        (
            ["--kind", "message", "--received", "2026-11-07T10:00:00"],
            "2026-11-09T18:00:00+03:00",
            "2026-11-20T18:00:00+03:00",
        ),
        # The final deadline landing on the shortened day: Fri 23 Oct 2026 + 7 working days = Tue 3 Nov → 17:00.
        # First, 8 h from Fri 10:00: 10–13 (3), 14–18 (4), Mon 26 Oct 9–10 (1) → 10:00.
        (
            ["--kind", "incident", "--received", "2026-10-23T10:00"],
            "2026-10-26T10:00:00+03:00",
            "2026-11-03T17:00:00+03:00",
        ),
    ],
)
def test_due_prints_exactly_two_lines(args: list[str], first: str, final: str) -> None:
    code, output = run(*args)
    assert code == 0, output
    assert output.splitlines() == [f"first_response: {first}", f"final: {final}"]


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["--kind", "complaint", "--received", "2026-11-03T11:00"], "--kind"),
        (["--kind", "message", "--priority", "urgent", "--received", "2026-11-03T11:00"], "--priority"),
        (["--kind", "message", "--received", "3 November"], "ISO 8601"),
        (["--kind", "message"], "--received"),
    ],
)
def test_bad_input_is_a_clear_error_with_exit_code_2(args: list[str], mentions: str) -> None:
    code, output = run(*args)
    assert code == 2
    assert mentions in output
