"""Progress on standard error: a line rewritten on a terminal, plain lines elsewhere."""

from __future__ import annotations

import io
import itertools
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

from screen import render

from planner.output.progress import EVERY_S, QUIET_S, DayProgress, Progress


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_pipe_gets_nothing_for_short_work() -> None:
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, live=False, clock=clock)
    for day in range(1, 8):
        clock.now += 0.2  # a 7-day plan in 1.4 s
        progress.update(day - 1, 7, f"planning day {day} of 7")
    progress.close()
    assert stream.getvalue() == ""


def test_a_pipe_gets_a_plain_line_at_every_tenth_and_every_few_seconds() -> None:
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, live=False, clock=clock)
    for day in range(1, 29):  # 28 days, 0.3 s each
        clock.now += 0.3
        progress.update(day - 1, 28, f"planning day {day} of 28")
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue() and "\x1b" not in stream.getvalue()
    assert all(line.startswith("planning day ") for line in lines)
    # the first 2 s are quiet (days 1-6, 1.8 s); then a line as each tenth of the 28 days
    # is passed: 6 done of 28 is past 2 tenths (day 7), 9 past 3 (day 10), 14 past 5 ...
    assert [int(line.split()[2]) for line in lines] == [7, 10, 13, 15, 18, 21, 24, 27]
    slow, clock = io.StringIO(), Clock()
    progress = Progress(slow, live=False, clock=clock)
    for done in range(0, 1000):  # a tenth takes 100 units of 0.1 s: a line every 5 s too
        clock.now += 0.1
        progress.update(done, 1000, f"{done} of 1000")
    counts = [int(line.split()[0]) for line in slow.getvalue().splitlines()]
    gaps = [b - a for a, b in itertools.pairwise(counts)]
    assert max(gaps) <= EVERY_S / 0.1 + 1 and len(counts) >= 19  # every 5 s (+ rounding)
    assert counts[0] * 0.1 + 0.2 > QUIET_S


def test_start_up_is_said_at_once_even_in_a_pipe() -> None:
    stream = io.StringIO()
    Progress(stream, live=False, clock=Clock()).say("planning 30 people: starting 2 workers")
    assert stream.getvalue() == "planning 30 people: starting 2 workers\n"


class Terminal(io.StringIO):
    """A stream that stands for a terminal: what was drawn is kept, and :meth:`frames`
    lists the texts the progress line showed, in order."""

    def frames(self) -> list[str]:
        seen: list[str] = []
        for part in re.split(r"\r|\n", self.getvalue()):
            text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", part)
            text = re.sub(r"^\W\s+", "", text.strip())  # the spinner
            text = re.sub(r"\s*[━╸╺]*\s*\d+:\d\d:\d\d$", "", text).strip()  # bar, clock
            if text and (not seen or seen[-1] != text):
                seen.append(text)
        return seen


def test_a_terminal_gets_one_line_rewritten_then_cleared() -> None:
    stream = Terminal()
    with Progress(stream, live=True, clock=Clock()) as progress:
        progress.say("starting 2 workers...")
        progress.update(3, 12, "3 of 12 people planned")
        drawn = render(stream.getvalue())
        assert drawn[-1].endswith("0:00:00") and "3 of 12 people planned" in drawn[-1]
        assert len(drawn) == 1  # one line, rewritten in place
        assert progress.shown
    assert not progress.shown
    assert stream.frames() == ["starting 2 workers...", "3 of 12 people planned"]
    assert render(stream.getvalue()) == []  # cleared for the report
    assert stream.getvalue().endswith("\x1b[2K") and "\x1b[?25h" in stream.getvalue()
    quiet = Terminal()
    Progress(quiet, live=True).status("reading the food data...")  # a terminal only
    piped = io.StringIO()
    Progress(piped, live=False).status("reading the food data...")
    assert piped.getvalue() == "" and "reading the food data" in quiet.getvalue()


def test_a_count_says_how_far_it_has_got() -> None:
    stream = Terminal()
    with Progress(stream, live=True, clock=Clock()) as progress:
        step = progress.counter("downloading foods", 3)
        for _ in range(3):
            step()
    assert stream.frames() == ["downloading foods", "downloading foods: 1 of 3",
                               "downloading foods: 2 of 3", "downloading foods: 3 of 3"]
    piped, clock = io.StringIO(), Clock()
    pages = Progress(piped, live=False, clock=clock).counter("listing SR Legacy foods, pages", 0)
    for _ in range(12):  # a page a second: quiet for 2 s, then a line every 5 s
        clock.now += 1.0
        pages()
    assert piped.getvalue().splitlines() == ["listing SR Legacy foods, pages: 5",
                                             "listing SR Legacy foods, pages: 10"]


def test_a_week_planned_again_says_so_and_its_days_do_not_repeat_the_first_pass() -> None:
    stream, clock = io.StringIO(), Clock()
    days = DayProgress(Progress(stream, live=False, clock=clock))
    for day in range(1, 6):  # day 5 misses a target the days before set up
        clock.now += 1.0
        days.day(day, 7)
    days.again(4)
    for day in range(1, 8):
        clock.now += 1.0
        days.day(day, 7)
    lines = stream.getvalue().splitlines()
    again = "re-planning the week (pass 2): foods may now repeat on up to 4 days of 7"
    assert lines.count(again) == 1
    first, second = lines[:lines.index(again)], lines[lines.index(again) + 1:]
    assert first and all(re.fullmatch(r"planning day \d of 7", line) for line in first)
    assert all(re.fullmatch(r"re-planning day \d of 7 \(pass 2\)", line) for line in second)
    assert len(set(lines)) == len(lines)  # nothing reads as printed twice
    # the second pass counts its own tenths (a line per day here), not only every 5 s
    assert [int(line.split()[2]) for line in second] == [2, 3, 4, 5, 6, 7]
    days.again(5)  # a third pass says which it is
    days.day(1, 7)
    assert stream.getvalue().endswith("re-planning the week (pass 3): foods may now repeat "
                                      "on up to 5 days of 7\n")
    live = Terminal()
    going_back = DayProgress(Progress(live, live=True, clock=Clock()))
    for day in (1, 2, 3, 2, 3, 4):  # day 3 sent day 2 back to get ahead on vitamin D
        going_back.day(day, 7)
    going_back.again(4)
    going_back.day(1, 7)
    going_back.day(1, 7)  # the last pass plans on to report a miss
    going_back.progress.close()
    assert live.frames() == [
        "planning day 1 of 7", "planning day 2 of 7", "planning day 3 of 7",
        "planning day 2 of 7 again", "planning day 3 of 7 again", "planning day 4 of 7",
        "re-planning the week (pass 2): foods may now repeat on up to 4 days of 7",
        "re-planning day 1 of 7 (pass 2)", "planning day 1 of 7 again (pass 2)"]
    # on a terminal the news keeps a line of its own, above the (cleared) progress line
    assert render(live.getvalue()) == [
        "re-planning the week (pass 2): foods may now repeat on up to 4 days of 7"]


def _week(stderr: int, tmp_path: Path, days: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "COLUMNS": "80"}
    env.pop("PLANNER_DATA", None)
    return subprocess.Popen([sys.executable, "-m", "planner", "week", "--sex", "female",
                             "--age", "35", "--days", days, "--format", "json"],
                            stdout=subprocess.DEVNULL, stderr=stderr, env=env)


def test_a_plan_on_a_terminal_shows_the_day_being_planned(tmp_path: Path) -> None:
    main, child = pty.openpty()
    process = _week(child, tmp_path, "3")
    os.close(child)
    seen = b""
    while True:
        ready, _, _ = select.select([main], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=120) == 0
    text = seen.decode()
    for day in (1, 2, 3):
        assert f"planning day {day} of 3 " in text
    assert render(text) == []  # cleared: the report (here in a file) starts on a clean line


def test_a_plan_into_a_pipe_writes_plain_lines_only(tmp_path: Path) -> None:
    process = _week(subprocess.PIPE, tmp_path, "2")
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0
    text = err.decode()
    assert "\r" not in text and "\x1b" not in text and "█" not in text
    assert all(line.startswith("planning day ") for line in text.splitlines())


def _batch(stderr: int, tmp_path: Path, workers: str) -> subprocess.Popen[bytes]:
    people = tmp_path / "people.csv"
    people.write_text("id,sex,age,days\na,female,35,1\nb,male,40,1\n")
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "COLUMNS": "80"}
    env.pop("PLANNER_DATA", None)
    return subprocess.Popen([sys.executable, "-m", "planner", "batch", str(people), "--out",
                             str(tmp_path / f"out-{workers}"), "--workers", workers],
                            stdout=subprocess.DEVNULL, stderr=stderr, env=env)


def _read_terminal(main: int) -> str:
    seen = b""
    while True:
        ready, _, _ = select.select([main], [], [], 300)
        if not ready:
            break
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    return seen.decode()


def test_a_batch_on_a_terminal_says_it_is_starting_then_counts_people(tmp_path: Path
                                                                       ) -> None:
    main, child = pty.openpty()
    process = _batch(child, tmp_path, "2")
    os.close(child)
    text = _read_terminal(main)
    assert process.wait(timeout=300) == 0
    assert "planning 2 people: starting 2 workers..." in text
    assert "1 of 2 people planned" in text and "2 of 2 people planned" in text
    assert render(text) == []


def test_a_batch_into_a_pipe_says_how_it_starts_in_a_plain_line(tmp_path: Path) -> None:
    process = _batch(subprocess.PIPE, tmp_path, "1")
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0
    lines = err.decode().splitlines()
    assert lines[0] == "planning 2 people: in this process..."
    assert all(re.fullmatch(r"\d of 2 people planned(, about \d+ s left)?", x)
               for x in lines[1:])
    assert "\x1b" not in err.decode() and "\r" not in err.decode()


def test_an_interrupt_that_ends_the_process_clears_a_drawn_line() -> None:
    """The watchdog ends a process whose Ctrl-C a library swallowed from another thread,
    with a progress line still drawn: its one line replaces the progress line, and the
    cursor Rich hid is shown again."""
    code = ("from planner.entry import interrupted, showing_live_line\n"
            "showing_live_line(True)\ninterrupted()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 130
    said = result.stderr.decode()  # bytes: text mode would read the \r as a newline
    assert said == "\r\x1b[2K\x1b[?25herror: interrupted\n"
    assert render("⠋ planning day 3 of 7  0:00:04" + said) == ["error: interrupted"]
