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
