"""Planning: choosing what to eat for a person's targets.

Owns the optimisation models (:mod:`.model`, the only module that uses PuLP and HiGHS),
the weekly planner and its verification (:mod:`.plan`), planning again around what was
eaten or kept (:mod:`.replan`), what a week adds up to (:mod:`.summary`), food rankings
(:mod:`.suggest`), the generic diet problem (:mod:`.diet`) and many people at once
(:mod:`.batch`).

May import: :mod:`planner.errors`, :mod:`planner.files`, :mod:`planner.words`, :mod:`planner.food`,
:mod:`planner.person`, :mod:`planner.meals`. Never :mod:`planner.output` or the CLI.
"""
