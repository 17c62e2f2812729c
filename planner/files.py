"""File safety: the one owner of how planner reads and writes the user's files.

Reading
    Only regular files are read (a FIFO or ``/dev/zero`` given as a profile would block or
    never end), and every read has a size cap, so a wrong path or a hostile file fails with
    a one-line error instead of exhausting memory. Gzip data is decompressed with a cap on
    the output, so a small "zip bomb" cannot either.
Writing
    Files are written atomically: a temporary file beside the target, flushed to disk, then
    renamed over it, so a crash never leaves a half-written file. ``--output`` replaces only
    regular files (and only with ``--force``); a symbolic link is followed to its target and
    never replaced itself; a character device or FIFO (``/dev/null``, a named pipe) is
    streamed to, since nothing is replaced (a FIFO without a reader for 5 s, or whose
    reader stops taking data for 10 s, is an error, never a hang); anything else (a
    directory, a block device, a socket) is refused. A temporary name keeps at most 200
    bytes of the target's, so a 254-byte name still fits.
Standard input
    :func:`read_input` reads it with a cap, says on stderr when it is waiting, and stops
    after a minute without data: a slow or silent writer cannot hold a command forever.

Errors are raised as the caller's :class:`~planner.errors.PlannerError` subclass, so a
profile that is too large is a ``ProfileError`` and a table a ``DatasetError``.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import io
import os
import select
import stat
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Final

from planner.errors import OutputError, PlannerError

KIB: Final = 1024
MIB: Final = 1024 * KIB
#: Size caps. A profile, an answers file or a manifest is a few hundred bytes; the bundled
#: foods table is 0.6 MB compressed and 3 MB as text; a full FDC Foundation + SR Legacy
#: table is about 10 MB as text.
SMALL_FILE_CAP: Final = 1 * MIB
#: Bytes of the target's name kept in a temporary name (".NAME.XXXXXXXX.tmp" fits 255).
TEMP_NAME_STEM: Final = 200
#: Seconds a write to a pipe may wait for its reader to take more, and a read of standard
#: input for the writer to send more, before planner gives up with a one-line error.
PIPE_TIMEOUT: Final = 10.0
PIPE_OPEN_TIMEOUT: Final = 5.0
INPUT_TIMEOUT: Final = 60.0
TABLE_FILE_CAP: Final = 256 * MIB
TABLE_TEXT_CAP: Final = 512 * MIB


def _size(value: int) -> str:
    return f"{value / MIB:g} MiB" if value >= MIB else f"{value / KIB:g} KiB"


def read_bytes(path: Path, *, limit: int, error: type[PlannerError], what: str = "file"
               ) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises ``error`` (one line, naming the path) when the file is missing, is not a regular
    file, is larger than ``limit`` or cannot be read.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error(f"{path}: {what} not found") from None
    except OSError as exc:
        raise error(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{path}: is a directory, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{path}: not a regular file (a device, pipe or socket); planner reads "
                    "only regular files")
    if info.st_size > limit:
        raise error(f"{path}: {_size(info.st_size)} is larger than the {_size(limit)} "
                    f"a {what} may have")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    if len(data) > limit:  # grew while we read it
        raise error(f"{path}: larger than the {_size(limit)} a {what} may have")
    return data


def read_text(path: Path, *, limit: int = SMALL_FILE_CAP, error: type[PlannerError],
              what: str = "file") -> str:
    """The UTF-8 text of a regular file (see :func:`read_bytes`)."""
    data = read_bytes(path, limit=limit, error=error, what=what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start})") from None


def gunzip(data: bytes, *, limit: int, where: str, error: type[PlannerError]) -> bytes:
    """Decompress gzip ``data``, refusing more than ``limit`` bytes of output."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise error(f"{where}: unreadable, corrupt or truncated ({exc})") from None
    if len(out) > limit:
        raise error(f"{where}: unpacks to more than {_size(limit)}; not a planner table")
    return out


# ------------------------------------------------------------------ standard input

def read_input(stream: IO[str] | None, *, limit: int, error: type[PlannerError],
               what: str = "standard input", timeout: float = INPUT_TIMEOUT,
               waiting: str = "") -> str:
    """At most ``limit`` characters of text from ``stream`` (standard input), never waiting
    forever: after a second without data ``waiting`` is said on stderr (if given), and
    after ``timeout`` seconds without any the read ends with ``error``. A closed stream
    (None) reads as empty. Raises ``error`` for more than ``limit`` characters, text that is
    not UTF-8 and read errors."""
    if stream is None or stream.closed:
        return ""
    try:
        fd = stream.fileno()
    except (OSError, ValueError, io.UnsupportedOperation):  # not a real file (tests)
        text = stream.read(limit + 1)
        if len(text) > limit:
            raise error(f"{what}: more than {_size(limit)} of text") from None
        return text
    chunks: list[bytes] = []
    size, said, last = 0, False, time.monotonic()
    while True:
        try:
            ready, _, _ = select.select([fd], [], [], 1.0)
        except (OSError, ValueError) as exc:
            raise error(f"{what}: cannot read ({getattr(exc, 'strerror', None) or exc})"
                        ) from None
        if not ready:
            if waiting and not said:
                with contextlib.suppress(OSError):
                    sys.stderr.write(waiting + "\n")
                    sys.stderr.flush()
                said = True
            if time.monotonic() - last > timeout:
                raise error(f"{what}: nothing more arrived within {timeout:g} s; give the "
                            "answers another way (a file, flags) or close the input")
            continue
        try:
            chunk = os.read(fd, 64 * KIB)
        except OSError as exc:
            raise error(f"{what}: cannot read ({exc.strerror or exc})") from None
        if not chunk:
            break
        last = time.monotonic()
        size += len(chunk)
        if size > 4 * limit:  # UTF-8 is at most 4 bytes a character
            raise error(f"{what}: more than {_size(limit)} of text")
        chunks.append(chunk)
    try:
        text = b"".join(chunks).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{what}: not UTF-8 text (byte {exc.start})") from None
    if len(text) > limit:
        raise error(f"{what}: more than {_size(limit)} of text")
    return text


# ------------------------------------------------------------------ writing

def atomic_write_bytes(target: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``target`` through a temporary file beside it and a rename.

    The new file gets ``mode`` (default: what a plain ``open()`` would give under the
    current umask). Raises OSError; the target is either the old file or the new one.
    """
    with _temporary_beside(target) as tmp:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, target)


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    # the name is cut so that the temporary name fits where the target's does (255 bytes);
    # as the bytes the system has, so that a name that is not UTF-8 (Linux allows any
    # byte but / and NUL) is kept as it is
    stem = os.fsdecode(os.fsencode(target.name)[:TEMP_NAME_STEM])
    fd, name = tempfile.mkstemp(prefix=f".{stem}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def _write_pipe(path: Path, target: Path, data: bytes, timeout: float = PIPE_TIMEOUT,
                wait: float = PIPE_OPEN_TIMEOUT) -> None:
    """Write ``data`` into a named pipe without blocking forever: a pipe nobody opens for
    reading within ``wait`` seconds is refused, and a reader that stops taking data for
    ``timeout`` seconds ends the write."""
    end = time.monotonic() + wait
    while True:
        try:
            fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
            if time.monotonic() >= end:
                raise OutputError(f"{path}: a named pipe nobody read within {wait:g} s; "
                                  "start the reader first") from None
            time.sleep(0.05)
    try:
        view = memoryview(data)
        while view:
            _, ready, _ = select.select([], [fd], [], timeout)
            if not ready:
                raise OutputError(f"{path}: the pipe's reader took nothing for {timeout:g} s; "
                                  "output not complete")
            try:
                view = view[os.write(fd, view):]
            except BlockingIOError:
                continue
    finally:
        os.close(fd)


def check_output(path: Path, *, force: bool) -> None:
    """Raise :class:`OutputError` now if :func:`write_output` would refuse ``path`` (an
    existing file without ``force``, a missing directory, a directory): checked before
    the work, so that a plan is not made only to be thrown away."""
    try:
        _output_kind(path, force)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None


def write_output(path: Path, data: bytes, *, force: bool) -> Path:
    """Write a report where the user asked (``--output``); return the path written.

    A new path or (with ``force``) an existing regular file is written atomically, keeping
    an existing file's permissions. A symbolic link is followed, never replaced. A
    character device or FIFO is streamed to (no ``force`` needed: nothing is replaced).
    Raises :class:`OutputError` for anything else and for every OS error.
    """
    try:
        target, kind, info = _output_kind(path, force)
        if kind == "new":
            atomic_write_bytes(target, data)
        elif kind == "fifo":
            _write_pipe(path, target, data)
        elif kind == "device":
            with open(target, "wb", buffering=0) as handle:
                handle.write(data)
        else:
            assert info is not None
            atomic_write_bytes(target, data, mode=stat.S_IMODE(info.st_mode))
        return target
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None


def _output_kind(path: Path, force: bool) -> tuple[Path, str, os.stat_result | None]:
    """Where ``path`` leads (a symbolic link followed) and what it is there: ``new``,
    ``fifo``, ``device`` or ``file`` (an existing regular file, only with ``force``);
    :class:`OutputError` for what may not be written."""
    target = path
    if path.is_symlink():
        try:
            target = path.resolve()
        except RuntimeError:  # Python 3.11's word for a loop of links
            raise OutputError(f"{path}: is a symbolic link that leads back to itself; give "
                              "the real path") from None
        if not target.exists():
            raise OutputError(f"{path}: is a symbolic link to {target}, which does not "
                              "exist; give the real path")
    try:
        info = os.stat(target)
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise OutputError(f"{target.parent}: directory does not exist") from None
        return target, "new", None
    if stat.S_ISFIFO(info.st_mode):
        return target, "fifo", info
    if stat.S_ISCHR(info.st_mode):
        return target, "device", info
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{path}: is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"{path}: is a block device or socket; planner writes only "
                          "regular files, character devices and pipes")
    if not force:
        raise OutputError(f"{path}: already exists; use --force to overwrite it")
    return target, "file", info
