"""The person: profile, Dietary Reference Intake targets, health rules, the guided check.

Owns the profile and its TOML file (:mod:`.profile`), the DRI table and the targets for
one person (:mod:`.targets`, ``dri.csv``), conditions and medicines (:mod:`.health`) and
the guided check with its red-flag questions (:mod:`.advice`).

May import: :mod:`planner.errors`, :mod:`planner.files`, :mod:`planner.limits`,
:mod:`planner.words`, :mod:`planner.food.nutrients`.
"""
