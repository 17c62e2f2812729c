"""The person: profile, Dietary Reference Intake targets, health rules, the guided check.

Owns the profile and its TOML file (:mod:`.profile`), the DRI table and the targets for
one person (:mod:`.targets`, ``dri.csv``, and ``growth_medians.csv``, the CDC 2000
growth-chart medians a child's energy stands on without a measured size), the
supplements taken every day (:mod:`.supplements`), conditions and medicines
(:mod:`.health`) and the guided check with its red-flag questions (:mod:`.advice`).

May import: :mod:`planner.errors`, :mod:`planner.files`, :mod:`planner.limits`,
:mod:`planner.words`, :mod:`planner.food.nutrients`.
"""
