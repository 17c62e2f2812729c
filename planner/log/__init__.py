"""The food log: what a person ate, kept in SQLite, and what it lacks.

Owns the log file (:mod:`.foodlog`) and the gap reports over it (:mod:`.gaps`).

May import: :mod:`planner.errors`, :mod:`planner.files`, :mod:`planner.limits`,
:mod:`planner.words`, :mod:`planner.food`, :mod:`planner.person`, :mod:`planner.planning`.
"""
