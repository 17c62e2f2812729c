"""The test run's own machinery (conftest.py): a plan is shared between the test workers
only if its request is named by the same bytes in each of them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KEY = ("import hashlib, sys\n"
       "sys.path.insert(0, sys.argv[1])\n"
       "from conftest import _key\n"
       "from planner.meals.rules import load_rules\n"
       "print(hashlib.sha256(_key(load_rules(), {'b': frozenset('fish eggs milk'.split())}))"
       ".hexdigest())\n")


def test_a_request_holding_sets_has_one_key_in_every_process() -> None:
    # the rules hold sets; a set's order follows PYTHONHASHSEED, which differs between
    # workers: their plain pickles differed, and each worker planned the batch's people
    keys = {subprocess.run([sys.executable, "-c", KEY, str(Path(__file__).parent)],
                           capture_output=True, text=True, check=True, timeout=120,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")}
    assert len(keys) == 1 and len(next(iter(keys)).strip()) == 64, keys
