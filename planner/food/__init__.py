"""Food data: what foods contain and how people name and measure them.

Owns the nutrient registry (names, units, USDA codes: :mod:`.nutrients`), loading and
validating the food tables (:mod:`.data`), the SR28/FDC importers (:mod:`.sources`), the
FoodData Central client (:mod:`.fetch`, the only module that talks HTTP), the catalogue of
recommended foods with roles, diets and household wording (:mod:`.catalogue`; the diets'
names in :mod:`.diets`, which loads nothing), and reading the amounts and names a person
writes (:mod:`.intake`).

May import: :mod:`planner.errors`, :mod:`planner.files`, :mod:`planner.dirs` (fetch's
cache), :mod:`planner.limits`, :mod:`planner.words`. Nothing else in planner.
"""
