"""Long jobs show a progress bar on a terminal and stay quiet when piped (purgetoll.terminal.progress)."""

from __future__ import annotations

import io

from purgetoll.terminal import progress
from purgetoll.verdict import runs


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_quiet_when_piped():
    stream = io.StringIO()
    assert list(progress(iter(range(3)), "work", total=3, stream=stream)) == [0, 1, 2]
    assert stream.getvalue() == ""


def test_a_bar_on_a_terminal():
    stream = Terminal()
    assert list(progress([10, 20, 30], "compare: 3 runs", stream=stream)) == [10, 20, 30]
    shown = stream.getvalue()
    assert "compare: 3 runs" in shown and "3/3" in shown


def test_compare_runs_show_their_progress_on_a_terminal_only(monkeypatch, capsys):
    monkeypatch.setattr(runs, "_job", lambda job: (job[0], job[1]))
    assert runs.run_many(["a", "b"], [1, 2], 0.001, workers=1) == [("a", 1), ("a", 2), ("b", 1), ("b", 2)]
    assert capsys.readouterr().err == ""  # pytest's stderr is not a terminal

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    runs.run_many(["a", "b"], [1, 2], 0.001, workers=1)
    assert "4/4" in terminal.getvalue()
