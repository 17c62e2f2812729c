"""What a terminal shows after some output: a small emulator for the tests that read a
pseudo-terminal (carriage return, newline, cursor up, erase line, a hard wrap at the right
edge; colours and cursor visibility are ignored)."""

from __future__ import annotations

import re

_CSI = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")


def render(text: str, width: int = 80) -> list[str]:
    """The screen's lines (trailing spaces and empty last lines dropped) after ``text``."""
    lines: list[list[str]] = [[]]
    row = col = 0
    k = 0
    while k < len(text):
        char = text[k]
        if char == "\x1b":
            match = _CSI.match(text, k)
            if match is None:
                k += 1
                continue
            args, code = match.groups()
            if code == "A":
                row = max(0, row - int(args or "1"))
            elif code == "K":  # erase: to the end of the line (0) or the whole line (2)
                line = lines[row]
                del line[0 if args == "2" else col:]
            elif code == "G":
                col = int(args or "1") - 1
            k = match.end()
            continue
        if char == "\r":
            col = 0
        elif char == "\n":
            row += 1
            col = 0
            while len(lines) <= row:
                lines.append([])
        elif char not in "\x07\x08":
            if col >= width:  # the terminal wraps a line that reaches its edge
                row, col = row + 1, 0
                while len(lines) <= row:
                    lines.append([])
            line = lines[row]
            line.extend(" " * (col - len(line)))
            if col < len(line):
                line[col] = char
            else:
                line.append(char)
            col += 1
        k += 1
    shown = ["".join(line).rstrip() for line in lines]
    while shown and not shown[-1]:
        shown.pop()
    return shown


class Terminal:
    """A command running in a pseudo-terminal of ``columns`` x 24, which is its
    controlling terminal (so that Ctrl-C typed at it interrupts it, as at a real one)."""

    def __init__(self, argv: list[str], env: dict[str, str], columns: int = 80) -> None:
        import fcntl
        import os
        import pty
        import signal
        import struct
        import subprocess
        import termios

        self.fd, child = pty.openpty()
        fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))

        def controlling() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
            # as a shell starts a command: Ctrl-C interrupts it (a test runner's worker
            # may ignore SIGINT, and an ignored signal stays ignored across exec)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # and not blocked

        self.process = subprocess.Popen(argv, stdin=child, stdout=child, stderr=child,
                                        env=env, close_fds=True, preexec_fn=controlling)
        os.close(child)
        self.seen = b""
        self.columns = columns

    def until(self, text: str, times: int = 1, timeout: float = 60.0) -> str:
        """Read until ``text`` was shown ``times`` times in all (or the terminal closed)."""
        import os
        import select
        import time

        end = time.monotonic() + timeout
        while self.seen.count(text.encode()) < times and time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                self.seen += chunk
        return self.text

    def type(self, keys: str) -> None:
        import os

        os.write(self.fd, keys.encode())

    def finish(self, timeout: float = 120.0) -> int:
        """Read what is left; the exit code."""
        import os

        try:
            self.until("\x00never", timeout=timeout)
            return self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is None:  # never left running for another test
                self.process.kill()
                self.process.wait()
            os.close(self.fd)

    @property
    def text(self) -> str:
        return self.seen.decode(errors="replace")

    def lines(self) -> list[str]:
        """The lines the program wrote (colours and cursor moves removed); a line longer
        than the terminal was not wrapped by the program."""
        plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", self.text)
        return [part.split("\r")[-1] for part in plain.replace("\r\n", "\n").split("\n")]

    def screen(self) -> list[str]:
        return render(self.text, self.columns)
