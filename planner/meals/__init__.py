"""Meals: what a meal and a day are made of, and how good a day's food is.

Owns the dish table (:mod:`.dishes`, ``dishes.csv``: the dishes people cook, one row a
dish, ``seasonings.csv``: what each is cooked with, and ``food_choices.csv``: which foods
are for whom), each dish's method (:mod:`.recipes`, with ``recipes.csv``, ``cooking.csv``
and ``safe_temperatures.csv``), the meal, day and portion
rules, the DGA food patterns and the FDA/EPA fish advice (:mod:`.rules`, with
``meal_rules.csv``, ``day_rules.csv``, ``portions.csv``, ``side_portions.csv``,
``food_patterns.csv`` and ``fish.csv`` beside it), food groups and the Healthy Eating
Index (:mod:`.quality`) and the shopping list (:mod:`.shopping`, with ``packs.csv``: the
packs each purchase is sold in, and ``keeping.csv``: how long it keeps, USDA FoodKeeper).

May import: :mod:`planner.errors`, :mod:`planner.files`, :mod:`planner.limits`,
:mod:`planner.words`, :mod:`planner.food`.
"""
