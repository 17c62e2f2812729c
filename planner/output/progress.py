"""Progress a person can read, on standard error, while a long plan or a batch runs.

On a terminal one line is rewritten in place ("planning day 12 of 28"); anywhere else (a
pipe, a log file, CI) plain lines, never a bar's control characters: nothing for work
that ends within :data:`QUIET_S`, then a line at every tenth of the work and at least one
every :data:`EVERY_S` seconds while the work moves.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from types import TracebackType
from typing import Final, TextIO

#: Work that ends this soon (seconds) prints nothing when standard error is not a terminal.
QUIET_S: Final = 2.0
#: When standard error is not a terminal, a line at least this often (seconds) while the
#: work moves, besides one at every tenth of it.
EVERY_S: Final = 5.0
#: The bar drawn on a terminal, in characters.
BAR: Final = 12


class Progress:
    """Tell a person how far some work has got: :meth:`say` what is happening (start-up),
    :meth:`update` with units done of a total. ``live``: the stream is a terminal (one
    line rewritten in place); otherwise plain lines (see the module docstring)."""

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
        self.shown = False  # a live line is on the screen

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def say(self, text: str) -> None:
        """Show what is happening now ("starting 2 workers"); as a plain line at once when
        the stream is not a terminal (start-up is worth a line: it is what takes long)."""
        if self.live:
            self._show(text)
        else:
            self._line(text)

    def update(self, done: int, total: int, text: str) -> None:
        """``done`` units of ``total`` are finished; ``text`` says so ("day 12 of 28")."""
        if self.live:
            self._show(f"{bar(done, total)} {text}")
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
        """Clear the live line, so that the report starts on a clean line."""
        if self.live and self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False

    def _show(self, text: str) -> None:
        width = shutil.get_terminal_size((80, 24)).columns
        self.stream.write("\r" + text[:max(width - 1, 10)] + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
        self.last_line = self.clock()


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


def bar(done: int, total: int, width: int = BAR) -> str:
    """'[████░░░░░░░░]' for a third done."""
    filled = max(0, min(width, round(width * done / total))) if total else 0
    return "[" + "█" * filled + "░" * (width - filled) + "]"
