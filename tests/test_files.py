"""File safety: capped reads of regular files only, atomic writes, --output rules.

Real FIFOs, devices, symlinks and folders; no mocks.
"""

from __future__ import annotations

import gzip
import os
import stat
import threading
from pathlib import Path

import pytest

from planner.errors import DatasetError, OutputError, ProfileError
from planner.files import atomic_write_bytes, gunzip, read_bytes, read_text, write_output


def test_write_output_creates_a_new_file_atomically(tmp_path: Path) -> None:
    target = tmp_path / "week.md"
    assert write_output(target, b"# plan\n", force=False) == target
    assert target.read_bytes() == b"# plan\n"
    assert [p.name for p in tmp_path.iterdir()] == ["week.md"]  # no temporary left


def test_an_existing_file_needs_force_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "week.md"
    target.write_bytes(b"old work\n")
    target.chmod(0o640)
    with pytest.raises(OutputError, match=r"already exists; use --force"):
        write_output(target, b"new\n", force=False)
    assert target.read_bytes() == b"old work\n"
    write_output(target, b"new\n", force=True)
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_symlink_is_followed_never_replaced(tmp_path: Path) -> None:
    real = tmp_path / "Dropbox" / "plan.html"
    real.parent.mkdir()
    real.write_bytes(b"old\n")
    link = tmp_path / "plan.html"
    link.symlink_to(real)
    write_output(link, b"new\n", force=True)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new\n"
    dangling = tmp_path / "dangling.html"
    dangling.symlink_to(tmp_path / "nowhere" / "x.html")
    with pytest.raises(OutputError, match=r"symbolic link to .*nowhere/x\.html, which does "
                                          r"not exist"):
        write_output(dangling, b"new\n", force=True)
    assert dangling.is_symlink()


def test_a_fifo_is_streamed_to_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, b"streamed\n", force=False)  # nothing replaced: no --force needed
    reader.join(timeout=10)
    assert received == [b"streamed\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_character_devices_are_written_not_replaced() -> None:
    write_output(Path("/dev/null"), b"x" * 1000, force=True)
    with pytest.raises(OutputError, match=r"/dev/full: cannot write \(No space left"):
        write_output(Path("/dev/full"), b"plan\n", force=True)
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"is a directory"):
        write_output(tmp_path, b"x", force=True)
    with pytest.raises(OutputError, match=r"directory does not exist"):
        write_output(tmp_path / "no" / "such.md", b"x", force=True)


def test_atomic_write_leaves_the_old_file_when_it_fails(tmp_path: Path) -> None:
    target = tmp_path / "data.bin"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        atomic_write_bytes(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["data.bin"]


def test_reads_refuse_pipes_and_devices_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "profile.toml"
    os.mkfifo(fifo)
    with pytest.raises(ProfileError, match=r"not a regular file"):
        read_text(fifo, error=ProfileError)
    with pytest.raises(ProfileError, match=r"/dev/zero: not a regular file"):
        read_text(Path("/dev/zero"), error=ProfileError)


def test_reads_are_capped(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * 5000)
    with pytest.raises(ProfileError, match=r"big\.toml: 4\.88281 KiB is larger than the "
                                           r"4 KiB a profile may have"):
        read_bytes(big, limit=4096, error=ProfileError, what="profile")
    assert read_bytes(big, limit=5000, error=ProfileError) == b"#" * 5000


def test_gunzip_stops_at_its_cap() -> None:
    bomb = gzip.compress(b"0" * (4 * 1024 * 1024))
    assert len(bomb) < 10_000
    with pytest.raises(DatasetError, match=r"unpacks to more than 1 MiB"):
        gunzip(bomb, limit=1024 * 1024, where="bomb.gz", error=DatasetError)
    assert gunzip(gzip.compress(b"ok"), limit=10, where="x", error=DatasetError) == b"ok"
    with pytest.raises(DatasetError, match=r"x: unreadable, corrupt or truncated"):
        gunzip(b"\x1f\x8b garbage", limit=10, where="x", error=DatasetError)


def test_an_output_that_is_a_loop_of_links_is_one_line(tmp_path: Path) -> None:
    # Path.resolve() raised RuntimeError: an internal error (exit 70)
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(OutputError, match=r"a: is a symbolic link that leads back to itself"):
        write_output(tmp_path / "a", b"x", force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]
