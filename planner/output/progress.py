"""Progress a person can read, on standard error, while a long command works: the one
owner of progress for every command (a plan, a redo, a batch, a refresh from USDA).

On a terminal one line, drawn by Rich, is rewritten in place ("⠋ planning day 12 of 28
━━━━━━━━━━━━ 0:00:09") and cleared when the work ends, so the report starts on a clean
screen; notes printed meanwhile appear above it. Anywhere else (a pipe, a log file, CI)
plain lines, never a bar's control characters: nothing for work that ends within
:data:`QUIET_S`, then a line at every tenth of the work and at least one every
:data:`EVERY_S` seconds while the work moves.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, TextIO

from planner.entry import showing_live_line

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

#: Work that ends this soon (seconds) prints nothing when standard error is not a terminal.
QUIET_S: Final = 2.0
#: When standard error is not a terminal, a line at least this often (seconds) while the
#: work moves, besides one at every tenth of it.
EVERY_S: Final = 5.0
#: The bar drawn on a terminal, in characters.
BAR: Final = 12
#: How often the terminal line is redrawn (its spinner and clock move while a solver works).
REFRESH_PER_S: Final = 4.0


class Progress:
    """Tell a person how far some work has got: :meth:`say` what is happening (start-up,
    a wait), :meth:`update` with units done of a total, :meth:`counter` for steps counted
    one by one. ``live``: the stream is a terminal (one line rewritten in place);
    otherwise plain lines (see the module docstring)."""

    def __init__(self, stream: TextIO, live: bool, *,
                 clock: Callable[[], float] = time.monotonic, quiet: float = QUIET_S,
                 every: float = EVERY_S) -> None:
        self.stream = stream
        self.live = live
        self.clock = clock
        self.quiet = quiet
        self.every = every
        self.start = clock()
        self.last_line: float | None = None  # when the last plain line was written
        self.last_tenth = 0
        self._bars: RichProgress | None = None  # the terminal line, once shown
        self._task: TaskID | None = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    @property
    def shown(self) -> bool:
        """A terminal line is on the screen."""
        return self._bars is not None

    def say(self, text: str) -> None:
        """Show what is happening now ("starting 2 workers"); as a plain line at once when
        the stream is not a terminal (start-up is worth a line: it is what takes long)."""
        if self.live:
            self._show(text)
        else:
            self._line(text)

    def status(self, text: str) -> None:
        """Show what is being done now on a terminal ("reading the food data..."); nothing
        elsewhere, where only long work is worth a line (:meth:`update`)."""
        if self.live:
            self._show(text)

    def note(self, text: str) -> None:
        """News while the work goes on ("retry 3 of 5 in 4 s"): on a terminal at once;
        elsewhere a line once the work has taken :data:`QUIET_S`, so quick work stays
        quiet."""
        if self.live:
            self._show(text)
        elif self.clock() - self.start >= self.quiet:
            self._line(text)

    def update(self, done: int, total: int, text: str) -> None:
        """``done`` units of ``total`` are finished; ``text`` says so ("day 12 of 28")."""
        if self.live:
            self._show(text, done, total)
            return
        now = self.clock()
        if now - self.start < self.quiet:
            self.last_tenth = 10 * done // max(total, 1)
            return
        tenth = 10 * done // max(total, 1)
        since = now - (self.last_line if self.last_line is not None else self.start)
        if tenth > self.last_tenth or since >= self.every:
            self._line(text)
        self.last_tenth = max(self.last_tenth, tenth)

    def counter(self, label: str, total: int) -> Callable[[], None]:
        """A step counter for ``label`` ("downloading foods"): each call is one more step
        of ``total`` (0: a total not known in advance, only the count is said)."""
        done = [0]
        if self.live:
            self._show(label, 0, total or None)

        def step() -> None:
            done[0] += 1
            if total:
                self.update(done[0], total, f"{label}: {done[0]:,} of {total:,}")
            elif self.live:
                self._show(f"{label}: {done[0]:,}")
            else:  # no tenths to count: a line every few seconds, after the quiet start
                now = self.clock()
                since = now - (self.last_line if self.last_line is not None else self.start)
                if now - self.start >= self.quiet and since >= self.every:
                    self._line(f"{label}: {done[0]:,}")
        return step

    def restart(self, text: str) -> None:
        """The work starts over (a week planned again): say ``text`` at once, and count
        the tenths of the new pass from nothing, as the first pass's were. On a terminal
        the text stays on a line of its own, above the rewritten line (it is news, and
        the next day's line would otherwise overwrite it at once)."""
        if self.live:
            self.close()
            self._line(text)
        else:
            self.say(text)
        self.last_tenth = 0

    def close(self) -> None:
        """Clear the terminal line, so that the report starts on a clean line."""
        if self._bars is not None:
            bars, self._bars, self._task = self._bars, None, None
            try:
                bars.stop()
            finally:
                showing_live_line(False)

    def _show(self, text: str, done: int | None = None, total: int | None = None) -> None:
        if self._bars is None:
            self._bars, self._task = _start(self.stream, text, done or 0, total)
            showing_live_line(True)
            return
        assert self._task is not None
        self._bars.update(self._task, description=text, completed=done or 0, total=total,
                          refresh=True)  # drawn now, not at the next tick

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
        self.last_line = self.clock()


def _start(stream: TextIO, text: str, done: int, total: int | None
           ) -> tuple[RichProgress, TaskID]:
    """A Rich progress line on ``stream`` (a terminal), started, showing ``text``: spinner,
    what is being done, a bar when the total is known, the time so far. Transient: cleared
    at the end. Lines written to stderr meanwhile (a note) are printed above it."""
    from rich.console import Console
    from rich.progress import BarColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress
    from rich.table import Column
    from rich.text import Text

    class Bar(BarColumn):
        """A bar only when the total is known; nothing (not a pulse) while it is not."""

        def render(self, task: Task) -> Any:
            return Text("") if task.total is None else super().render(task)

    console = Console(file=stream, force_terminal=True, highlight=False, soft_wrap=False)
    bars = RichProgress(
        SpinnerColumn(), TextColumn("{task.description}", markup=False,
                                    table_column=Column(no_wrap=True, overflow="ellipsis")),
        Bar(bar_width=BAR), TimeElapsedColumn(), console=console, transient=True,
        refresh_per_second=REFRESH_PER_S, redirect_stdout=False,
        redirect_stderr=stream is sys.stderr)
    task = bars.add_task(text, completed=done, total=total)
    bars.start()
    return bars, task


class DayProgress:
    """A plan's days as :class:`Progress` lines: "planning day 3 of 7". When the whole
    week is planned again (:meth:`again`), one line says so, and the new pass's days say
    which pass they belong to, so that they do not read as the first pass printed twice.
    A day planned again within a pass (the planner went back a day to get ahead on
    vitamin D or B12, or plans on to report a miss) says "again"."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.passes = 1
        self.seen = 0  # the latest day of this pass

    def day(self, day: int, days: int) -> None:
        """Day ``day`` of ``days`` is being planned."""
        which = "" if self.passes == 1 else f" (pass {self.passes})"
        if day <= self.seen:
            text = f"planning day {day} of {days} again{which}"
        else:
            text = f"{'planning' if self.passes == 1 else 're-planning'} day {day} of {days}{which}"
        self.seen = max(self.seen, day)
        self.progress.update(day - 1, days, text)

    def again(self, max_days: int) -> None:
        """The whole week is planned again, foods now allowed on ``max_days`` days of 7."""
        self.passes += 1
        self.seen = 0
        self.progress.restart(f"re-planning the week (pass {self.passes}): foods may now "
                              f"repeat on up to {max_days} days of 7")
