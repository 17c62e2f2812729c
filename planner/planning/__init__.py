"""Planning: choosing what to eat for a person's targets.

Owns the optimisation models (:mod:`.model`, the only module that uses PuLP and HiGHS, with
its defaults in :mod:`.options`), the day solver (:mod:`.dive`, an LP-guided dive over the
dishes, with :mod:`.fallback`'s search over every dish at once as its last resort), each
day's share of the week's amounts (:mod:`.quotas`), a plan's typed records and shared rule
constants (:mod:`.records`), the weekly planner that schedules the days and builds each
day's model (:mod:`.plan`), the notes a plan carries (:mod:`.notes`), each meal's name,
method and seasonings (:mod:`.cooking`), why a plan cannot be made and
what to try (:mod:`.diagnosis`), checking a plan independently of the solver
(:mod:`.verify`), planning again around what was eaten or kept (:mod:`.replan`), what a week
adds up to (:mod:`.summary`), food rankings (:mod:`.suggest`), the generic diet problem
(:mod:`.diet`), many people at once (:mod:`.batch`) and a household's week, meals shared
(:mod:`.household`).

Within the package: :mod:`.records` imports only :mod:`.options` (and :mod:`.model` for
a type); :mod:`.notes`, :mod:`.diagnosis` and :mod:`.verify` import :mod:`.records` and
never :mod:`.plan`, which imports them all.

May import: :mod:`planner.errors`, :mod:`planner.files`, :mod:`planner.limits`,
:mod:`planner.words`, :mod:`planner.food`, :mod:`planner.person`, :mod:`planner.meals`.
Never :mod:`planner.output` or the CLI.
"""
