"""The diets planner plans for, by name: kept apart from the catalogue (which loads
pandas) so that tab completion can offer them at once."""

from __future__ import annotations

from typing import Final

#: Every diet a plan may follow, from the least to the most restricted.
DIETS: Final[tuple[str, ...]] = ("omnivore", "pescatarian", "vegetarian", "vegan")
