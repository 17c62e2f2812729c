"""Where planner keeps a user's files, one folder per kind (platformdirs conventions).

- config (:func:`config_dir`): the saved profile, ``profile.toml``;
- data (:func:`data_dir`): the food log, ``log.sqlite3``;
- cache (:func:`cache_dir`): what a food-data refresh has downloaded so far, safe to delete.

On Linux these follow the XDG base directories (``$XDG_CONFIG_HOME/planner``,
``$XDG_DATA_HOME/planner``, ``$XDG_CACHE_HOME/planner``); on macOS and Windows the
platform's own places. Nothing here creates a folder: the code that writes does. The
environment variables that move the data folder and the log are named here too, so that
the command line can name them without loading the modules that read those files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import platformdirs

APP: Final = "planner"
#: Environment variable naming a data directory to use instead of the bundled one.
DATA_ENV: Final = "PLANNER_DATA"
#: Environment variable naming the food log file to use instead of the default.
LOG_ENV: Final = "PLANNER_LOG"


def config_dir() -> Path:
    """The user's planner config folder (the saved profile; the food log until 0.2).

    The roaming folder on Windows, as planner 0.1-0.3 used (through click), so a saved
    profile stays where it was."""
    return platformdirs.user_config_path(APP, appauthor=False, roaming=True)


def data_dir() -> Path:
    """The user's planner data folder (the food log)."""
    return platformdirs.user_data_path(APP, appauthor=False)


def cache_dir() -> Path:
    """The user's planner cache folder (food-data refresh downloads)."""
    return platformdirs.user_cache_path(APP, appauthor=False)
