"""The guided check's interactive path: unit tests of :func:`ask`, and the real command
driven through a pseudo-terminal (Enter alone asks again; Ctrl-D is an error, never a no)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.errors import ProfileError
from planner.person.advice import MUST_ANSWER, QUESTIONS, RED_FLAGS, ask


def _reader(lines: list[str]):  # type: ignore[no-untyped-def]
    prompts: list[str] = []

    def read(prompt: str) -> str:
        prompts.append(prompt)
        if not lines:
            raise EOFError
        return lines.pop(0)
    return read, prompts


def test_enter_alone_asks_a_red_flag_again() -> None:
    read, prompts = _reader(["", "  ", "maybe", "no"])
    said: list[str] = []
    assert ask("weakness", read, said.append) is False
    assert len(prompts) == 4 and all(p.startswith(RED_FLAGS["weakness"]) for p in prompts)
    assert said == ["Please answer yes or no.", "Please answer yes or no.",
                    "'maybe' is not an answer: please answer yes or no."]


def test_end_of_input_is_an_error_never_a_no() -> None:
    read, _ = _reader([""])
    with pytest.raises(ProfileError, match="input ended"):
        ask("wasting", read, lambda _: None)


def test_condition_and_medicine_questions_must_be_answered_too() -> None:
    assert set(RED_FLAGS) <= MUST_ANSWER and "ckd" in MUST_ANSWER
    read, prompts = _reader(["", "y"])
    assert ask("ace_inhibitor", read, lambda _: None) is True and len(prompts) == 2


def test_a_factor_question_may_be_skipped() -> None:
    read, _ = _reader([""])
    assert ask("caffeine", read, lambda _: None) is None


# ------------------------------------------------------------------ a real terminal

def _spawn(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    main, secondary = pty.openpty()
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "PYTHONPATH": os.getcwd(),
           "COLUMNS": "200", "TERM": "dumb"}
    env.pop("PLANNER_DATA", None)
    proc = subprocess.Popen([sys.executable, "-m", "planner", "advice"], stdin=secondary,
                            stdout=secondary, stderr=secondary, env=env, close_fds=True)
    os.close(secondary)
    return proc, main


def _until(fd: int, text: str, seen: list[bytes], timeout: float = 30.0,
           times: int = 1) -> str:
    """Read the terminal until ``text`` appeared ``times`` times (or it closes, or time
    runs out)."""
    deadline = time.monotonic() + timeout
    while b"".join(seen).count(text.encode()) < times and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen.append(chunk)
    return b"".join(seen).decode(errors="replace")


def _finish(proc: subprocess.Popen[bytes], fd: int, seen: list[bytes]) -> tuple[int, str]:
    _until(fd, "\x00never", seen, timeout=10.0)  # drain what is left
    code = proc.wait(timeout=30)
    os.close(fd)
    return code, b"".join(seen).decode(errors="replace")


def test_terminal_enter_alone_asks_again_then_yes_is_heard(tmp_path: Path) -> None:
    proc, fd = _spawn(tmp_path)
    seen: list[bytes] = []
    first = RED_FLAGS["weakness"]
    out = _until(fd, "[y/n]: ", seen)
    assert first in out
    os.write(fd, b"\r")
    out = _until(fd, "[y/n]: ", seen, times=2)
    again = out.split("Please answer yes or no.", 1)[1]  # the same question, not the next
    assert again.strip().startswith(first) and QUESTIONS["wasting"] not in out
    os.write(fd, b"yes\r")
    code, out = _finish(proc, fd, seen)
    assert code == 0, out
    assert "see a doctor" in out.lower()
    assert QUESTIONS["wasting"] not in out  # one red flag is enough


def test_terminal_ctrl_d_is_a_one_line_error_not_a_no(tmp_path: Path) -> None:
    proc, fd = _spawn(tmp_path)
    seen: list[bytes] = []
    _until(fd, "[y/n]: ", seen)
    os.write(fd, b"\x04")  # Ctrl-D at the start of a line: end of input
    code, out = _finish(proc, fd, seen)
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "input ended" in errors[0]
    assert "Traceback" not in out and QUESTIONS["wasting"] not in out


# ------------------------------------------------------------------ an answers file

def test_a_list_of_conditions_or_medicines_answers_every_question_of_its_kind(
        tmp_path: Path) -> None:
    from planner.person.advice import Answers, advise, read_answers_file
    from planner.person.health import CONDITIONS, MEDICINES

    file = tmp_path / "answers.toml"
    file.write_text("weakness = false\nwasting = false\nswallowing = false\n"
                    "spreading = false\npersistent = false\nconditions = []\n"
                    'medicines = ["ppi"]\n')
    answers = read_answers_file(file)
    assert all(answers[k] is False for k in CONDITIONS)  # [] is "none", not "not asked"
    assert answers["ppi"] is True and all(answers[k] is False for k in MEDICINES
                                          if k != "ppi")
    advice = advise(Answers(answers))
    assert not set(CONDITIONS) & set(advice.unanswered)
    assert not set(MEDICINES) & set(advice.unanswered)
    file.write_text('ckd = true\nconditions = ["kidney_stones"]\n')
    with pytest.raises(ProfileError, match="ckd = true contradicts conditions"):
        read_answers_file(file)
    file.write_text('kidney_stones = true\nconditions = ["kidney_stones"]\n')
    assert read_answers_file(file)["kidney_stones"] is True


def test_the_examples_answers_file_answers_every_question() -> None:
    """The README's answers file: 'planner advice --answers examples/answers.toml' leaves
    nothing unanswered (it was read as 18 unanswered questions)."""
    from planner.person.advice import QUESTIONS, Answers, advise, read_answers_file

    path = Path(__file__).resolve().parent.parent / "examples" / "answers.toml"
    answers = read_answers_file(path)
    assert set(answers) == set(QUESTIONS)
    assert advise(Answers(answers)).unanswered == ()


def test_the_check_says_it_prints_the_command_that_plans() -> None:
    from planner.output.report import format_advice
    from planner.person.advice import Answers, advise

    advice = advise(Answers({**dict.fromkeys(RED_FLAGS, False), "sweating": True}))
    for fmt in ("table", "markdown"):
        text = " ".join(format_advice(advice, fmt).split())
        assert "Commands to run next: a week planned for these answers" in text
        assert "this check plans nothing itself" in text


# ------------------------------------------------------------------ an 80-column terminal

def _advice_at_80(tmp_path: Path, *args: str):  # type: ignore[no-untyped-def]
    from screen import Terminal

    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "COLUMNS"))}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "c"), TERM="xterm",
               PYTHONPATH=os.getcwd())
    env.pop("PLANNER_DATA", None)
    return Terminal([sys.executable, "-m", "planner", "advice", *args], env)


def test_prompts_wrap_between_words_and_ctrl_c_ends_on_a_line_of_its_own(
        tmp_path: Path) -> None:
    """The ARB question is longer than 80 columns: it wraps before 'losartan)?', not
    inside it ('losarta / n)?'); Ctrl-C at the next prompt prints its one line below the
    '^C' the terminal echoed."""
    run = _advice_at_80(tmp_path)
    asked = list(QUESTIONS).index("arb") + 1
    for k in range(asked):
        run.until("[y/n]: ", times=k + 1)
        if k < asked - 1:
            run.type("n\r")
    time.sleep(0.5)  # as a person does: the prompt read, then Ctrl-C (not mid-write)
    run.type("\x03")  # Ctrl-C
    assert run.finish() == 130
    lines = run.lines()
    assert all(len(line) <= 80 for line in lines), [x for x in lines if len(x) > 80]
    arb = [line for line in lines if "losartan" in line]
    assert arb and arb[0].startswith("losartan)? [y/n]:")  # the word whole, on the next line
    screen = run.screen()
    assert screen[-1] == "error: interrupted" and screen[-2].endswith("[y/n]: ^C")


def test_sex_and_age_are_asked_again_until_they_are_answers(tmp_path: Path) -> None:
    answers = Path(__file__).resolve().parent.parent / "examples" / "answers.toml"
    run = _advice_at_80(tmp_path, "--answers", str(answers))
    run.until("(female or male): ")
    run.type("f\r")
    run.until("Please answer female or male: ")
    run.type("Female\r")
    run.until("Your age in years: ")
    run.type("thirty\r")
    run.until("whole number of years: ")
    run.type("52\r")
    assert run.finish() == 0
    assert "planner week --sex female --age 52" in run.text
