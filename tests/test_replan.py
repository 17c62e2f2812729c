"""Planning around what is fixed (issue 13): the rest of a day after what was eaten, meals
of a saved week planned again, likes and dislikes. Totals are recomputed from the food
table; meal, variety and food-group rules are checked with test_plan's independent
checks."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from test_plan import assert_meals, assert_meets, assert_rules, recompute

from planner.errors import PlanRequestError
from planner.food.catalogue import Catalogue
from planner.food.data import FoodTable
from planner.food.intake import parse_eaten
from planner.output.report import week_document
from planner.person.profile import make_profile, parse_override
from planner.person.targets import Targets, compute_targets
from planner.planning.plan import plan_week
from planner.planning.records import PlanOptions, WeekPlan
from planner.planning.replan import (
    Redo,
    fill_day,
    meals_left,
    parse_redo,
    read_saved_week,
    redo_week,
)
from planner.planning.verify import verify_week


@pytest.fixture(scope="module")
def targets() -> Targets:
    return compute_targets(make_profile("female", 35))


@pytest.fixture(scope="module")
def week(bundled: FoodTable, catalogue: Catalogue, targets: Targets) -> WeekPlan:
    return plan_week(bundled, catalogue, targets)


@pytest.fixture()
def saved(week: WeekPlan, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "week.json"
    path.write_text(json.dumps(week_document(week)))
    return read_saved_week(path)


def _meals(week: WeekPlan) -> dict[tuple[int, str], str]:
    """Every meal of a week as its JSON text, the bytes a saved week holds."""
    return {(d["day"], m["slot"]): json.dumps(m, sort_keys=True)
            for d in week_document(week)["days"] for m in d["meals"]}


def _planned_only(week: WeekPlan) -> WeekPlan:
    days = tuple(replace(d, meals=tuple(m for m in d.meals
                                        if not any(i.eaten for i in m.items)))
                 for d in week.days)
    return replace(week, days=days)


# ------------------------------------------------------------------ the rest of the day

@pytest.mark.parametrize(("eaten", "left"), [
    ([], {"breakfast", "lunch", "dinner", "snack"}),
    (["breakfast"], {"lunch", "dinner", "snack"}),
    (["breakfast", "snack"], {"lunch", "dinner"}),
    (["lunch"], {"dinner", "snack"}),  # a skipped breakfast is not planned after lunch
    (["dinner", "snack"], set()),
])
def test_meals_left(eaten: list[str], left: set[str]) -> None:
    assert meals_left(eaten) == left


def test_fill_the_day_keeps_what_was_eaten_and_meets_the_targets(
        bundled: FoodTable, catalogue: Catalogue, targets: Targets) -> None:
    eaten = parse_eaten("1 cup cooked oatmeal; 1 medium banana; lunch: 150 g cooked "
                        "sockeye salmon; 2 slices whole-wheat bread", bundled, catalogue)
    day = fill_day(bundled, catalogue, targets, eaten)
    meals = {m.slot: m for m in day.days[0].meals}
    assert [(i.food_id, i.grams, i.eaten) for i in meals["breakfast"].items] == [
        ("08121", 234.0, True), ("09040", 118.0, True)]
    assert [(i.food_id, i.grams) for i in meals["lunch"].items] == [("15086", 150.0),
                                                                     ("18075", 64.0)]
    assert {"dinner"} <= set(meals) and all(not i.eaten for s in ("dinner", "snack")
                                            if s in meals for i in meals[s].items)
    # recomputed from the table, eaten grams included: every daily target is met
    assert_meets(day, bundled, targets, strict_daily=True)
    totals = recompute(day, bundled)[0]
    assert totals["magnesium_mg"] >= targets["magnesium_mg"].min
    # the planned meals follow the meal rules; no food eaten today comes again
    assert_meals(_planned_only(day), catalogue)
    planned = {i.food_id for s in ("dinner", "snack") if s in meals for i in meals[s].items}
    assert not planned & {"08121", "09040", "15086"}
    assert not verify_week(day, bundled, catalogue, None)
    assert any("Planned around what you ate (breakfast, lunch)" in n for n in day.notes)
    assert not any(line.buy.startswith("oat") for line in day.shopping_list)


def test_eaten_food_over_a_limit_is_said_and_the_rest_is_planned(
        bundled: FoodTable, catalogue: Catalogue, targets: Targets) -> None:
    eaten = parse_eaten("2 tsp 02047", bundled, catalogue)  # table salt: ~4,650 mg sodium
    sodium = eaten[0].grams * float(bundled.foods.loc["02047", "sodium_mg"]) / 100
    assert sodium > targets["sodium_mg"].max
    day = fill_day(bundled, catalogue, targets, eaten)
    assert any(n.startswith("Already over: what you ate has") and "sodium" in n
               for n in day.notes)
    totals = recompute(day, bundled)[0]
    assert totals["sodium_mg"] >= sodium
    assert totals["sodium_mg"] - sodium < 1000  # the planned meals add little
    for n in ("magnesium_mg", "calcium_mg", "potassium_mg"):  # the rest still holds
        assert totals[n] >= targets[n].min - 1e-6


def test_a_gap_no_remaining_meal_can_close_is_said(bundled: FoodTable,
                                                   catalogue: Catalogue,
                                                   targets: Targets) -> None:
    eaten = parse_eaten("breakfast: 1 banana; dinner: 1 apple", bundled, catalogue)
    day = fill_day(bundled, catalogue, targets, eaten)  # only a snack is left
    assert {m.slot for m in day.days[0].meals} == {"breakfast", "dinner", "snack"}
    assert any(n.startswith("Still short: calcium") for n in day.notes)


def test_nothing_left_to_plan(bundled: FoodTable, catalogue: Catalogue,
                              targets: Targets) -> None:
    eaten = parse_eaten("dinner: 1 banana; snack: 1 apple", bundled, catalogue)
    with pytest.raises(PlanRequestError, match="nothing left to plan today"):
        fill_day(bundled, catalogue, targets, eaten)


# ------------------------------------------------------------------ redo meals of a week

@pytest.mark.parametrize("redo", [["day 3 dinner"], ["day 5"],
                                  ["day 1 breakfast", "day 7 lunch"]])
def test_redo_changes_only_those_meals_and_the_week_still_holds(
        bundled: FoodTable, catalogue: Catalogue, targets: Targets, week: WeekPlan, saved,
        redo: list[str]) -> None:  # type: ignore[no-untyped-def]
    specs = [parse_redo(r) for r in redo]
    again = redo_week(bundled, catalogue, targets, saved, specs)
    before, after = _meals(week), _meals(again)
    redone = {(r.day, s) for r in specs for s in ([r.slot] if r.slot else
                                                  ["breakfast", "lunch", "dinner", "snack"])}
    for key, text in before.items():
        if key not in redone:
            assert after[key] == text, key  # byte for byte
    assert any(after.get(k) != before.get(k) for k in redone)
    for d_before, d_after in zip(week.days, again.days, strict=True):
        if not any(k[0] == d_before.day for k in redone):
            assert d_after.totals == d_before.totals
    # every rule, recomputed independently, over the whole week
    assert_meets(again, bundled, targets)
    # a redone meal that no food within the repeat limit fits raises it, and says so
    raised = [int(m.group(1)) for n in again.notes
              if (m := re.match(r"To meet every target, foods may repeat on up to (\d) ", n))]
    assert_rules(again, catalogue, max_days=max([3, *raised]))
    assert not verify_week(again, bundled, catalogue, None,
                           waived={(s.nutrient, s.bound) for s in again.misses})
    assert again.notes[0].startswith("Planned again: " + ", ".join(
        str(r) for r in sorted(specs, key=lambda r: (r.day, r.slot or ""))))


def test_redo_refuses_another_person_or_file(bundled: FoodTable, catalogue: Catalogue,
                                             saved, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = compute_targets(make_profile("female", 52))
    with pytest.raises(PlanRequestError, match=r"planned for another profile \(age 35"):
        redo_week(bundled, catalogue, other, saved, [Redo(3, "dinner")])
    raised = compute_targets(make_profile("female", 35), [parse_override("magnesium_mg=400")])
    with pytest.raises(PlanRequestError, match="planned for other targets"):
        redo_week(bundled, catalogue, raised, saved, [Redo(3, "dinner")])
    with pytest.raises(PlanRequestError, match="planned with diet omnivore, not vegan"):
        redo_week(bundled, catalogue, compute_targets(make_profile("female", 35)), saved,
                  [Redo(3, "dinner")], PlanOptions(diet="vegan"))
    with pytest.raises(PlanRequestError, match="the saved week has days 1 to 7"):
        redo_week(bundled, catalogue, compute_targets(make_profile("female", 35)), saved,
                  [Redo(8)])
    old = tmp_path / "old.json"
    old.write_text('{"schema": "planner.week/1", "days": []}')
    with pytest.raises(PlanRequestError, match=r"schema 'planner\.week/1', not planner\.week/2"):
        read_saved_week(old)
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "planner.week/2", "days": [{"day": 2}]}')
    with pytest.raises(PlanRequestError, match="not a complete saved week"):
        read_saved_week(broken)


def test_redo_refuses_a_week_planned_with_iom_2005_energy(
        bundled: FoodTable, catalogue: Catalogue, week: WeekPlan, targets: Targets,
        tmp_path: Path) -> None:
    document = week_document(week)
    document["targets"]["energy_kcal"]["source"] = ("IOM 2005 DRIs for Energy and "
                                                    "Macronutrients, estimated energy "
                                                    "requirement equations")
    path = tmp_path / "old-energy.json"
    path.write_text(json.dumps(document))
    with pytest.raises(PlanRequestError, match=r"planned with the IOM 2005 energy equations"):
        redo_week(bundled, catalogue, targets, read_saved_week(path), [Redo(3, "dinner")])


def test_redo_refuses_a_week_planned_with_other_supplements(
        bundled: FoodTable, catalogue: Catalogue, week: WeekPlan, saved,  # type: ignore[no-untyped-def]
        tmp_path: Path) -> None:
    from planner.person.supplements import parse_supplement

    magnesium = parse_supplement("magnesium=200mg")
    assert magnesium is not None
    taking = compute_targets(make_profile("female", 35), supplements=[magnesium])
    with pytest.raises(PlanRequestError, match=r"planned with other supplements \(none, not "
                                               r"magnesium 200\)"):
        redo_week(bundled, catalogue, taking, saved, [Redo(3, "dinner")])
    document = week_document(week)  # a week saved before supplements: none, as it is
    del document["supplements"]
    path = tmp_path / "before.json"
    path.write_text(json.dumps(document))
    assert read_saved_week(path).supplements == ()


@pytest.mark.parametrize(("text", "redo"), [("day 3 dinner", Redo(3, "dinner")),
                                            ("Day 5", Redo(5)), ("3 lunch", Redo(3, "lunch")),
                                            ("day 2, snack", Redo(2, "snack"))])
def test_parse_redo(text: str, redo: Redo) -> None:
    assert parse_redo(text) == redo


@pytest.mark.parametrize("text", ["dinner", "day three", "day 3 brunch", ""])
def test_parse_redo_errors(text: str) -> None:
    with pytest.raises(PlanRequestError, match="redo"):
        parse_redo(text)


# ------------------------------------------------------------------ likes and dislikes

def _days_with(week: WeekPlan, words: str) -> int:
    return sum(any(words in i.name for i in d.items) for d in week.days)


def test_likes_and_dislikes_are_soft_preferences(bundled: FoodTable, catalogue: Catalogue,
                                                 targets: Targets, week: WeekPlan) -> None:
    often = max(("kale", "spinach", "broccoli"), key=lambda w: _days_with(week, w))
    assert _days_with(week, often) >= 2
    without = plan_week(bundled, catalogue, targets, PlanOptions(dislike=(often,)))
    assert _days_with(without, often) == 0
    assert_meets(without, bundled, targets)
    # the fish the week serves least (any plan change may bring one in or out)
    liked = min(("sockeye", "trout", "halibut"), key=lambda w: _days_with(week, w))
    fish = plan_week(bundled, catalogue, targets, PlanOptions(like=(liked,)))
    assert _days_with(fish, liked) > _days_with(week, liked)
    assert_rules(fish, catalogue)  # a like never breaks the variety rules
    with pytest.raises(PlanRequestError, match="like and dislike both name"):
        plan_week(bundled, catalogue, targets, PlanOptions(like=("kale",),
                                                           dislike=("raw kale",)))
    with pytest.raises(PlanRequestError, match="dislike: 'zzz' is not an allergen"):
        plan_week(bundled, catalogue, targets, PlanOptions(dislike=("zzz",)))


# ------------------------------------------------------------------ a tampered saved week

def _tampered(week: WeekPlan, tmp_path, change) -> str:  # type: ignore[no-untyped-def]
    document = week_document(week)
    change(document)
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(document))
    return str(path)


def _first_item(d):  # type: ignore[no-untyped-def]
    return d["days"][0]["meals"][0]["items"][0]


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: _first_item(d).update(servings=float("inf")), r"servings: number too large or "
                                                             r"not finite"),
    (lambda d: _first_item(d).update(servings=10**400), r"servings: number too large"),
    (lambda d: _first_item(d).update(servings=1000.0), r"servings: 1000 is out of range"),
    (lambda d: _first_item(d).update(servings="2"), r"servings: '2' is not a number"),
    (lambda d: _first_item(d).update(servings=True), r"servings: 'True' is not a number"),
    (lambda d: _first_item(d).update(eaten="no"), r"eaten must be true or false, not 'no'"),
    (lambda d: _first_item(d).update(grams=-5), r"grams: -5 is out of range"),
    (lambda d: d["days"][0].update(day=float("inf")), r"day: number too large or not finite"),
    (lambda d: d["days"][0].update(day=10**12), r"day 1: day: 1e\+12 is out of range"),
    (lambda d: d["days"][0].update(day=1.5), r"day 1: day: 1.5 is not a whole number"),
])
def test_a_saved_week_with_a_number_out_of_range_is_refused_naming_the_field(
        week: WeekPlan, tmp_path, change, message) -> None:  # type: ignore[no-untyped-def]
    path = _tampered(week, tmp_path, change)
    with pytest.raises(PlanRequestError, match=message) as info:
        read_saved_week(path)
    assert "\n" not in str(info.value)


def test_json_infinities_and_huge_integers_in_a_saved_week_are_refused(
        week: WeekPlan, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = json.dumps(week_document(week))
    for old, new in (('"servings": 1.0', '"servings": 1e999'),
                     ('"servings": 1.0', '"servings": 1' + "0" * 400),
                     ('"max_days": 3', '"max_days": 1e999'),
                     ('"day": 1,', '"day": 1e999,')):
        assert old in text
        path = tmp_path / "w.json"
        path.write_text(text.replace(old, new, 1))
        with pytest.raises(PlanRequestError, match=r"--keep .*(number too large|not finite)"):
            read_saved_week(path)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(PlanRequestError, match=r"nested more than 32 deep"):
        read_saved_week(deep)


def test_max_days_and_strict_daily_are_checked(bundled: FoodTable, catalogue: Catalogue,
                                               targets: Targets, week: WeekPlan,
                                               tmp_path) -> None:  # type: ignore[no-untyped-def]
    for change, message in ((lambda d: d["options"].update(max_days=9), r"max_days: 9 is out"),
                            (lambda d: d["options"].update(strict_daily="no"),
                             r"strict_daily must be true or false")):
        saved = read_saved_week(_tampered(week, tmp_path, change))
        with pytest.raises(PlanRequestError, match=message):
            redo_week(bundled, catalogue, targets, saved, [Redo(3, "dinner")])


def test_tampered_grams_are_refused_not_ignored(bundled: FoodTable, catalogue: Catalogue,
                                                targets: Targets, week: WeekPlan,
                                                tmp_path) -> None:  # type: ignore[no-untyped-def]
    def heavier(d) -> None:  # type: ignore[no-untyped-def]
        _first_item(d)["grams"] = _first_item(d)["grams"] * 2
    saved = read_saved_week(_tampered(week, tmp_path, heavier))
    with pytest.raises(PlanRequestError, match=r"g does not match its .* servings .*the file "
                                               r"was changed"):
        redo_week(bundled, catalogue, targets, saved, [Redo(3, "dinner")])


# ------------------------------------------------------------------ issue 36

def _meal(document: dict, day: int, slot: str) -> dict:  # type: ignore[type-arg]
    return next(m for m in document["days"][day - 1]["meals"] if m["slot"] == slot)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["days"][0].update(meals=[]), r"not a complete saved week \(day 1 has no "
                                              r"meals\)"),
    (lambda d: d["days"][1].update(meals=[m for m in d["days"][1]["meals"]
                                          if m["slot"] != "snack"]),
     r"not a complete saved week \(day 2 has no snack\)"),
    (lambda d: _meal(d, 1, "lunch").update(items=[]),
     r"not a complete saved week \(day 1 lunch has no foods\)"),
    (lambda d: _meal(d, 1, "lunch").update(items=_meal(d, 1, "lunch")["items"] * 1_000),
     r"day 1 lunch has [0-9,]+ foods, more than the 100 a meal of a saved week may have; "
     r"not a week planner saved$"),
])
def test_a_saved_week_that_planner_did_not_save_is_refused_before_planning(
        week: WeekPlan, tmp_path, change, message) -> None:  # type: ignore[no-untyped-def]
    # day 1 without meals said "plan failed independent verification"; 10,000 foods in
    # one meal kept the planner busy for minutes with no output
    path = _tampered(week, tmp_path, change)
    with pytest.raises(PlanRequestError, match=message) as info:
        read_saved_week(path)
    assert "\n" not in str(info.value)


def test_a_meal_of_100_foods_is_read(week: WeekPlan, tmp_path) -> None:  # type: ignore[no-untyped-def]
    items = week_document(week)["days"][0]["meals"][0]["items"]
    path = _tampered(week, tmp_path, lambda d: _meal(d, 1, d["days"][0]["meals"][0]["slot"])
                     .update(items=(items * 100)[:100]))
    saved = read_saved_week(path)
    assert max(len(v) for v in saved.days[0].values()) == 100


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(days={}), r"\(days is not a list\)"),
    (lambda d: d.update(days="abc"), r"\(days is not a list\)"),
    (lambda d: d["days"].__setitem__(0, 5), r"\(day 1 is not an object\)"),
    (lambda d: d["days"][0].update(meals={"slot": "x"}), r"\(day 1: meals is not a list\)"),
    (lambda d: d["days"][0]["meals"][0].update(items="abc"),
     r"\(day 1 [a-z]+: items is not a list\)"),
    (lambda d: d["days"][0]["meals"][0]["items"].__setitem__(0, "abc"),
     r"\(day 1 [a-z]+: an item is not an object\)"),
])
def test_a_saved_week_of_the_wrong_shape_says_which_part(
        week: WeekPlan, tmp_path, change, message) -> None:  # type: ignore[no-untyped-def]
    # said "string indices must be integers, not 'str'"
    with pytest.raises(PlanRequestError, match=r"not a complete saved week " + message):
        read_saved_week(_tampered(week, tmp_path, change))


def test_a_meal_of_more_than_100_foods_eaten_is_refused(bundled: FoodTable,
                                                        catalogue: Catalogue,
                                                        targets: Targets) -> None:
    # a log with 2,002 entries at breakfast planned for 100 s around 271,000 kcal
    eaten = parse_eaten("1 medium banana", bundled, catalogue, "breakfast") * 101
    with pytest.raises(PlanRequestError, match=r"^101 foods eaten at breakfast, more than "
                                               r"the 100 a meal may have; check the food "
                                               r"log for that day"):
        fill_day(bundled, catalogue, targets, eaten)
