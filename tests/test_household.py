"""Household plans (#38): shared meals, each member's own targets, one shopping list.

Each household is planned once per module (2 days: sharing, variants, portions and the
list show on any day); a household of one is compared with plan_week for that person."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.errors import InfeasiblePlanError
from planner.food.catalogue import Catalogue, select
from planner.food.data import FoodTable
from planner.output.report import format_household, portion_text
from planner.planning import household
from planner.planning import plan as planning
from planner.planning.household import (
    MAX_MEMBERS,
    HouseholdPlan,
    plan_household,
    read_members,
    verify_shared,
)
from planner.planning.plan import plan_week
from planner.planning.records import WeekPlan
from tests.test_health import held_from_the_first_day
from tests.test_plan import assert_meets, recompute

FAMILY = """id,sex,age,weight,height,activity,diet,exclude
ana,female,40,65,165,low,,
ben,male,42,80,180,low,,
mia,female,9,28,132,active,,
leo,male,15,60,172,active,vegetarian,
"""
#: A vegan member and one with a tree-nut and peanut allergy.
MIXED = """id,sex,age,diet,exclude
kim,female,35,,tree_nuts;peanuts
sam,male,17,vegan,
lou,male,38,,
"""
DAYS = 2


def _plan(tmp: Path, text: str, table: FoodTable, catalogue: Catalogue,
          share: tuple[str, ...] = ("dinner",)) -> HouseholdPlan:
    path = tmp / "people.csv"
    path.write_text(text)
    return plan_household(table, catalogue, read_members(path, days=DAYS), share=share)


@pytest.fixture(scope="module")
def family(tmp_path_factory: pytest.TempPathFactory, bundled: FoodTable,
           catalogue: Catalogue) -> HouseholdPlan:
    return _plan(tmp_path_factory.mktemp("family"), FAMILY, bundled, catalogue)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory, bundled: FoodTable,
          catalogue: Catalogue) -> HouseholdPlan:
    return _plan(tmp_path_factory.mktemp("mixed"), MIXED, bundled, catalogue)


def _weeks(plan: HouseholdPlan) -> dict[str, WeekPlan]:
    return {m.id: w for m, w in zip(plan.members, plan.weeks, strict=True)}


def _meal(week: WeekPlan, day: int, slot: str):  # type: ignore[no-untyped-def]
    return next(m for m in week.days[day - 1].meals if m.slot == slot)


# ------------------------------------------------------------------ a family of four

def test_family_shares_dinner_every_day(family: HouseholdPlan) -> None:
    weeks = _weeks(family)
    assert [m.id for m in family.members] == ["ana", "ben", "mia", "leo"]
    assert not family.failed
    assert family.share == ("dinner",)
    days = sorted(m.day for m in family.shared)
    assert days == list(range(1, DAYS + 1))  # one shared dinner a day
    for shared in family.shared:
        assert shared.slot == "dinner"
        assert len(shared.members) >= 2
        assert set(shared.members) | set(shared.own) == set(weeks)
        for member in shared.members:  # the same dish for everyone who shares it
            assert _meal(weeks[member], shared.day, "dinner").dish_id == shared.dish_id
        # the house's note says who had their own dinner, and the day
        for member in shared.own:
            assert any(f"Day {shared.day}" in n and member in n for n in family.notes)
    # everyone but those said has the same foods for every part the dish has no variant of
    assert sum(len(s.members) for s in family.shared) >= DAYS * 3


def test_each_member_meets_their_own_targets_from_the_grams(
        family: HouseholdPlan, bundled: FoodTable, catalogue: Catalogue) -> None:
    for member, week in zip(family.members, family.weeks, strict=True):
        assert week.targets is member.targets
        assert_meets(week, bundled, member.targets, misses=True)
        totals = recompute(week, bundled)
        for day, recomputed in zip(week.days, totals, strict=True):
            assert day.totals["magnesium_mg"] == pytest.approx(recomputed["magnesium_mg"])
    # their own targets: the child's energy need is well below her father's
    weeks = _weeks(family)
    assert weeks["mia"].applied["energy_kcal"].max < weeks["ben"].applied["energy_kcal"].min


def test_the_vegetarian_eats_vegetarian_at_the_shared_dinner(
        family: HouseholdPlan, catalogue: Catalogue) -> None:
    leo = _weeks(family)["leo"]
    assert leo.options.diet == "vegetarian"
    diets = catalogue.entries["diets"]
    for day in leo.days:
        for meal in day.meals:
            for item in meal.items:
                assert "vegetarian" in diets[item.food_id], (day.day, meal.slot, item.name)


def test_the_childs_portions_are_smaller(family: HouseholdPlan) -> None:
    weeks = _weeks(family)
    shared = [s for s in family.shared if {"mia", "ben"} <= set(s.members)]
    assert shared
    for s in shared:
        child = _meal(weeks["mia"], s.day, "dinner")
        father = _meal(weeks["ben"], s.day, "dinner")
        kcal = [sum(i.nutrients.get("energy_kcal") or 0.0 for i in m.items)
                for m in (child, father)]
        assert kcal[0] < kcal[1], (s.day, kcal)
        grams = [sum(i.grams for i in m.items if i.role != "seasoning")
                 for m in (child, father)]
        assert grams[0] < grams[1], (s.day, grams)


def test_one_shopping_list_sums_every_members_grams(family: HouseholdPlan) -> None:
    eaten: Counter[str] = Counter()
    for week in family.weeks:
        for day in week.days:
            for meal in day.meals:
                for item in meal.items:
                    eaten[item.food_id] += item.grams
    listed: Counter[str] = Counter()
    for line in family.shopping_list:
        total = sum(eaten[f] for f in line.food_ids)
        assert line.eaten_grams == pytest.approx(total, rel=1e-6), line.buy
        listed.update({f: 1 for f in line.food_ids})
    assert set(eaten) <= set(listed)  # every food eaten is bought
    assert max(listed.values()) == 1  # each on one line
    # the house's list is shorter than the members' lists put together
    assert len(family.shopping_list) < sum(len(w.shopping_list) for w in family.weeks)




def test_with_every_meal_shared_a_member_keeps_the_meals_they_can_share(
        tmp_path: Path, bundled: FoodTable, catalogue: Catalogue) -> None:
    """With --share all, a member the house's breakfast cannot serve has their own
    breakfast and still shares the rest (a tester's read: the girl and the teenager had
    all four meals of day 1 their own for want of one)."""
    path = tmp_path / "people.csv"
    path.write_text(FAMILY)
    plan = plan_household(bundled, catalogue, read_members(path, days=1),
                          share=("breakfast", "lunch", "dinner", "snack"))
    own = Counter(m for meal in plan.shared for m in meal.own)
    assert own  # some meal could not serve everyone: the case this is about
    for member, n in own.items():
        assert n < 4, (member, own)  # they share the others
    assert sum(len(meal.members) for meal in plan.shared) > 2 * 4

def test_a_shared_meal_is_named_by_what_every_sharer_has(
        family: HouseholdPlan, mixed: HouseholdPlan, catalogue: Catalogue) -> None:
    """A glass of milk that only some sharers have is on their plates, not in the name of
    the house's dish ("Pasta with lentils in tomato sauce, with a glass of 1% milk" was
    said of a dinner only kim had milk at)."""
    roles = catalogue.entries["role"]
    for plan in (family, mixed):
        weeks = _weeks(plan)
        for shared in plan.shared:
            if not shared.members:
                continue
            drinking = [m for m in shared.members if any(
                roles[i.food_id] == "milk_drink"
                for i in _meal(weeks[m], shared.day, shared.slot).items)]
            assert ("glass of" in shared.name) <= (len(drinking) == len(shared.members)), \
                (shared.name, drinking)

def test_text_report_says_each_shared_meal_once_with_every_portion(
        family: HouseholdPlan) -> None:
    text = format_household(family, width=80)
    assert all(len(line) <= 80 for line in text.splitlines())
    weeks = _weeks(family)
    first = family.shared[0]
    assert text.count(f"Dinner for {', '.join(first.members[:-1])}") >= 1
    meal = _meal(weeks[first.members[0]], first.day, "dinner")
    main = next(i for i in meal.items if i.role not in ("seasoning", "oil"))
    portions = [portion_text(i) for m in first.members
                for i in _meal(weeks[m], first.day, "dinner").items
                if i.food_id == main.food_id]
    line = next(x for x in text.splitlines() if x.strip().startswith(f"{main.name}:"))
    assert portions[0].split(" (")[0] in line
    assert "Shopping list for the house" in text
    assert "not medical advice" in text
    # the method is the pot's, for everyone who shares the meal
    assert "amounts for one" not in text
    for shared in family.shared:
        if shared.members:
            assert f"Method for {len(shared.members)} (amounts for the pot" in text



def test_a_note_several_members_have_is_said_once_in_the_house_s_words(
        family: HouseholdPlan) -> None:
    """Each member's week notes are read once per note: one that several members have is
    said once for them all, and an option of 'planner week' a note names is said as the
    people file's setting (a new user's read: the potassium note, four times, told each
    member to pass --condition or --medicine, which 'planner household' has no use for)."""
    text = format_household(family, "table", width=80)
    flat = " ".join(text.split())
    every = [n for n in family.weeks[0].notes if all(n in w.notes for w in family.weeks)]
    assert every  # e.g. vitamin D and B12 met on average
    for note in every:
        said = " ".join(note.split())
        assert flat.count(said) == 1 and f"ana, ben, mia and leo: {said}" in flat, note
    assert "--condition" not in flat and "--medicine" not in flat
    if any("--condition" in n for w in family.weeks for n in w.notes):
        assert "in the people file (its conditions and medicines)" in flat


def test_a_shared_meals_oil_is_said_as_used_together(family: HouseholdPlan) -> None:
    """One pan's or one dressing's oil cannot be measured out per person: where the
    sharers' oil differs, its line says it is used together, each plate's share coming
    with its food (a cook's read: 'mia 2 tsp, ana 1 tsp' from one pan)."""
    from planner.output.report import _portions_line, shared_rows

    text = " ".join(format_household(family, "table", width=80).split())
    seen = 0
    for shared in family.shared:
        _, foods = shared_rows(family, shared.day, shared.slot)
        for name, portions in foods:
            if not all(item.role == "oil" for _, item in portions):
                continue
            line = _portions_line(name, portions, len(shared.members))
            differ = len({portion_text(item) for _, item in portions}) > 1
            assert ("(used all together; each plate's share comes with its food)"
                    in line) == differ, line
            assert " ".join(line.split()) in text
            seen += differ
    assert seen


def test_every_members_own_meal_says_how_to_cook_it(family: HouseholdPlan) -> None:
    """A member's own meals carry their method in every format, as a single week's do (a
    dietitian's read: a member's own raw chicken came with no step and no safe
    temperature), and --no-method leaves them out."""
    flat = {fmt: " ".join(format_household(family, fmt, width=80).split())
            for fmt in ("table", "markdown", "html")}
    bare = " ".join(format_household(family, "table", width=80, method=False).split())
    seen = 0
    for member, week in zip(family.members, family.weeks, strict=True):
        for day in week.days:
            for meal in day.meals:
                shared = family.meal(day.day, meal.slot)
                if meal.method is None or (shared is not None
                                           and member.id in shared.members):
                    continue
                step = " ".join(meal.method.steps[-1].split())
                for fmt, text in flat.items():
                    said = step.replace("&", "&amp;") if fmt == "html" else step
                    assert said in text or step in text, (fmt, member.id, step)
                assert step not in bare
                seen += 1
    assert seen

def test_json_csv_and_markdown(family: HouseholdPlan) -> None:
    doc = json.loads(format_household(family, "json"))
    assert doc["schema"] == "planner.household/1"
    assert [m["id"] for m in doc["members"]] == ["ana", "ben", "mia", "leo"]
    for member in doc["members"]:
        assert set(member) >= {"id", "profile", "targets", "days"}
        assert len(member["days"]) == DAYS
        assert set(member["days"][0]) >= {"day", "meals", "totals", "food_groups"}
    assert {(s["day"], s["slot"]) for s in doc["shared"]} == \
        {(d, "dinner") for d in range(1, DAYS + 1)}
    assert len(doc["shopping_list"]) == len(family.shopping_list)
    rows = format_household(family, "csv").splitlines()
    assert rows[0].startswith("member,day,slot,shared,dish_id,food_id")
    items = sum(len(m.items) for w in family.weeks for d in w.days for m in d.meals)
    assert len(rows) == 1 + items
    assert any(",dinner,yes," in r for r in rows)
    markdown = format_household(family, "markdown")
    assert markdown.startswith("# Household plan for 4 people")
    assert "### Dinner for" in markdown
    assert "(amounts for the pot" in markdown and "amounts for one" not in markdown
    # JSON carries each shared meal's method for the pot, as planner.week/2 writes one
    for entry, shared in zip(doc["shared"], family.shared, strict=True):
        assert shared.method is not None
        assert entry["method"]["steps"] == list(shared.method.steps)
        assert entry["method"]["servings"] == len(shared.members) == len(entry["members"])
        assert {"active_min", "total_min", "seasonings"} <= set(entry["method"])
        assert entry["apart"] == list(shared.apart)
        assert entry["dish"] == shared.name


# ------------------------------------------------------------------ the pot

def _house_parts(catalogue: Catalogue):  # type: ignore[no-untyped-def]
    from planner.meals.dishes import load_dishes
    from planner.planning.household import _dish_parts

    return {d.id: _dish_parts(d, catalogue.entries) for d in load_dishes().dishes}


def _apart_foods(plan: HouseholdPlan, shared, parts):  # type: ignore[no-untyped-def]
    """Per sharer, the foods they have that are a variant's and not the part's own (worked
    out here from the dish table, not by the code under test)."""
    weeks = _weeks(plan)
    out: dict[str, set[str]] = {}
    for member in shared.members:
        foods = {i.food_id for i in _meal(weeks[member], shared.day, shared.slot).items}
        for fits, variant in parts[shared.dish_id].parts():
            out.setdefault(member, set()).update(foods & (variant - fits))
    return out


@pytest.mark.parametrize("house", ["family", "mixed"])
def test_the_pots_method_holds_the_house_foods_summed_over_its_sharers(
        house: str, request: pytest.FixtureRequest, catalogue: Catalogue) -> None:
    from planner.food.catalogue import portion_words
    from planner.meals.dishes import load_dishes
    from planner.meals.recipes import load_recipes
    from planner.words import and_list

    plan: HouseholdPlan = request.getfixturevalue(house)
    weeks = _weeks(plan)
    entries = catalogue.entries
    recipes, dishes, parts = load_recipes(), load_dishes(), _house_parts(catalogue)
    checked = 0
    for shared in plan.shared:
        if not shared.members:
            continue
        method = shared.method
        assert method is not None and method.servings == len(shared.members)
        steps = " ".join(method.steps)
        apart = _apart_foods(plan, shared, parts)
        plates = {m: _meal(weeks[m], shared.day, shared.slot) for m in shared.members}
        pot: Counter[str] = Counter()
        eaters: dict[str, list[str]] = {}
        for member, plate in plates.items():
            for item in plate.items:
                if item.role != "seasoning" and item.food_id not in apart[member]:
                    pot[item.food_id] += item.grams
                    eaters.setdefault(item.food_id, []).append(member)
        dish = dishes.by_id(shared.dish_id)
        assert dish is not None
        for food_id, grams in pot.items():
            assert not any(food_id in a for a in apart.values())  # variant foods: apart
            # sharers with a food of their own in place of a house's ("For sam: ...")
            instead = {m for x in shared.apart if x.startswith("For ")
                       for m in plates if m in x.split(":")[0]}
            texts = [i.text for m in eaters[food_id] for i in plates[m].items
                     if i.food_id == food_id]
            if all(any(t in x for x in shared.apart if x.startswith("For ")) for t in texts):
                continue  # this food is theirs in place of the house's: said apart
            if any(m not in eaters[food_id] and not apart[m] and m not in instead
                   for m in plates):
                # only some sharers have it (and the rest nothing in its place): it goes
                # on their plates, said in a line of its own, not in the pot
                owners = and_list(f"{m}'s" for m in eaters[food_id])
                assert any(x.startswith(f"On {owners} plate") for x in shared.apart), \
                    (shared.day, food_id, shared.apart)
                continue
            row = recipes.cooking_for(entries.loc[[food_id]], dish.id)[0]
            if row is None or "{raw}" not in row.how:
                continue
            raw = grams * float(entries.at[food_id, "raw_per_gram"])
            # the raw or dry amount to weigh out is the sharers' grams added up
            assert f"{raw:,.0f} g" in steps, (shared.day, food_id, raw, steps)
            checked += 1
        # each seasoning every sharer's plate holds alike, for that many servings
        seasonings = [{i.food_id: i.servings for i in p.items if i.role == "seasoning"}
                      for p in plates.values()]
        for food_id, servings in seasonings[0].items():
            if all(s.get(food_id) == servings for s in seasonings):
                words = portion_words(entries.loc[food_id], servings * len(plates))
                assert words in method.seasonings, (shared.day, words, method.seasonings)
                assert any(words in step for step in method.steps) or not any(
                    portion_words(entries.loc[food_id], servings) in step
                    for step in method.steps)
    assert checked


def test_a_variant_sharer_has_a_line_for_their_food_and_what_it_replaces(
        family: HouseholdPlan, mixed: HouseholdPlan, catalogue: Catalogue) -> None:
    from planner.meals.dishes import dish_word

    entries = catalogue.entries
    parts = _house_parts(catalogue)
    seen = 0
    for plan in (family, mixed):
        weeks = _weeks(plan)
        for shared in plan.shared:
            for member, foods in _apart_foods(plan, shared, parts).items():
                for food_id in foods:
                    item = next(i for i in _meal(weeks[member], shared.day,
                                                 shared.slot).items if i.food_id == food_id)
                    lines = [x for x in shared.apart if x.startswith("For ")
                             and member in x.split(":")[0] and item.text in x]
                    assert len(lines) == 1, (shared, member, item.text)
                    # the house's food it replaces: a sharer without the variant has it
                    house = {i.food_id for m in shared.members if not
                             _apart_foods(plan, shared, parts)[m]
                             for i in _meal(weeks[m], shared.day, shared.slot).items}
                    replaced = [dish_word(str(entries.at[f, "short_name"])) for f in house
                                if any(f in fits for fits, v in parts[shared.dish_id].parts()
                                       if food_id in v)]
                    assert replaced and any(f"in place of the {r}" in lines[0]
                                            for r in replaced), (lines, replaced)
                    seen += 1
    # a vegetarian and a vegan at dinners the omnivores choose: some variant is had
    assert seen


def test_a_sharer_whose_part_differs_from_the_house_has_it_apart(
        catalogue: Catalogue) -> None:
    from planner.planning.household import _apart
    from planner.planning.records import PlanItem

    entries = catalogue.entries

    def item(food_id: str, servings: float = 1.0) -> PlanItem:
        grams = servings * float(entries.at[food_id, "portion_grams"])
        return PlanItem(food_id, str(entries.at[food_id, "short_name"]), "", None, None,
                        servings, "1 cup", grams / servings, grams, "", "main",
                        f"{servings:g} cup {entries.at[food_id, 'short_name']}")
    lentils, peas, shrimp, pasta = "16070", "16086", "15151", "20125"
    legumes = frozenset({lentils, peas})
    # the house's shrimp; the variant's lentils for one
    parts = [(frozenset({pasta}), frozenset()), (frozenset({shrimp, lentils}), legumes)]
    plates = {"ana": [item(pasta), item(shrimp)], "ben": [item(pasta, 2), item(shrimp)],
              "leo": [item(pasta), item(lentils)]}
    assert _apart(plates, parts) == {"leo": {lentils: (shrimp,)}}
    # a bowl of legumes: the lentils most have are the house's, the split peas apart
    parts = [(legumes, legumes)]
    plates = {"ana": [item(lentils)], "ben": [item(peas)], "mia": [item(lentils)]}
    assert _apart(plates, parts) == {"ben": {peas: (lentils,)}}
    # all alike: nothing apart
    assert _apart({"ana": [item(lentils)], "mia": [item(lentils, 0.5)]}, parts) == {}


def test_apart_words_say_who_how_much_what_it_replaces_and_how(
        catalogue: Catalogue) -> None:
    from planner.meals.dishes import load_dishes
    from planner.meals.recipes import load_recipes
    from planner.planning.cooking import apart_words
    from planner.planning.records import PlanItem

    entries = catalogue.entries
    dish = load_dishes().by_id("pasta")
    assert dish is not None

    def lentils(servings: float) -> PlanItem:
        grams = servings * 198.0
        return PlanItem("16070", "cooked lentils", "", None, None, servings, "1 cup", 198.0,
                        grams, "", "main", f"{servings:g} cup cooked lentils")
    one = apart_words(load_recipes(), dish, entries.loc[["16070"]], [("leo", lentils(0.75))],
                      ["shrimp, cooked"])
    assert one.startswith("For leo: 0.75 cup cooked lentils (148 g) in place of the "
                          "shrimp; keep the shrimp out of leo's share: add the shrimp to "
                          "the others' plates only. Apart, simmer ")
    assert "dry lentils" in one and one.endswith(".")
    two = apart_words(load_recipes(), dish, entries.loc[["16070"]],
                      [("leo", lentils(1)), ("sam", lentils(1))], ["shrimp, cooked"])
    assert two.startswith("For leo and sam: 1 cup cooked lentils (198 g) each in place")
    assert "keep the shrimp out of leo's and sam's shares: add the shrimp to the " \
           "others' plates only." in two
    only = apart_words(load_recipes(), dish, entries.loc[["16070"]],
                       [("mia", lentils(0.5))], [], only=True)
    assert only.startswith("On mia's plate only: 0.5 cup cooked lentils (99 g).")
    raw = 2 * 198.0 * float(entries.at["16070", "raw_per_gram"])
    assert f"{raw:,.0f} g" in two  # cooked for both together
    # the pasta's shrimp is cooked in the oil its sauce is then made with: a vegetarian's
    # share keeps out of that pan (a dietitian's read), as the household's line says
    pan = apart_words(load_recipes(), dish, entries.loc[["16070"]], [("leo", lentils(1))],
                      ["shrimp, cooked"], own_pan=True)
    assert "in place of the shrimp; keep the shrimp out of leo's share: cook the shrimp " \
           "in a pan of its own with a little of the oil and add it to the others' " \
           "plates." in pan
    # a sharer whose diet allows the house's food has the variant for their own targets:
    # the line says so (a cook's read: an omnivore's salmon in place of the tempeh, with
    # no reason given, read as a second dish for nothing)
    chosen = apart_words(load_recipes(), dish, entries.loc[["16070"]],
                         [("ana", lentils(1)), ("leo", lentils(1))], ["shrimp, cooked"],
                         by_choice=["ana"])
    assert "in place of the shrimp, for ana's own targets (not a diet's: ana may have the " \
           "shrimp too); keep the shrimp out of ana's and leo's shares" in chosen
    assert "not a diet's" not in two


# ------------------------------------------------------------------ diets and allergies

def test_a_vegan_and_a_nut_allergy_in_one_house(mixed: HouseholdPlan, bundled: FoodTable,
                                                catalogue: Catalogue) -> None:
    weeks = _weeks(mixed)
    diets = catalogue.entries["diets"]
    nuts = set(select(catalogue, "omnivore", ()).index) - \
        set(select(catalogue, "omnivore", ("tree_nuts", "peanuts")).index)
    assert nuts
    for day in weeks["sam"].days:  # the vegan eats vegan, at shared meals too
        for meal in day.meals:
            assert all("vegan" in diets[i.food_id] for i in meal.items), meal
    for day in weeks["kim"].days:  # the allergic member eats no nuts
        assert not {i.food_id for m in day.meals for i in m.items} & nuts
    for shared in mixed.shared:  # and no shared meal holds any, for anyone
        for member in shared.members:
            foods = {i.food_id for i in _meal(weeks[member], shared.day, "dinner").items}
            assert not foods & nuts, (shared, member)
    assert mixed.shared  # they do share
    for member, week in zip(mixed.members, mixed.weeks, strict=True):
        assert_meets(week, bundled, member.targets, misses=True)


# ------------------------------------------------------------------ a household of one


def test_an_allergen_others_eat_is_a_cross_contact_note(mixed: HouseholdPlan,
                                                       catalogue: Catalogue) -> None:
    """kim leaves out tree nuts and peanuts; what the others eat with them, from the
    catalogue's allergens, is named in one note that says to keep kim's food apart."""
    weeks = _weeks(mixed)
    e = catalogue.entries
    theirs = sorted({str(e.at[i.food_id, "short_name"]) for m, w in weeks.items()
                     if m != "kim" for d in w.days for i in d.items
                     if {"tree_nuts", "peanuts"} & set(e.at[i.food_id, "allergens"])})
    assert theirs  # sam and lou eat peanut butter or nuts in these two days
    notes = [n for n in mixed.notes if n.startswith("kim leaves out tree nuts and peanuts")]
    assert len(notes) == 1 and "FDA" in notes[0] and "keep kim's food apart" in notes[0]
    assert all(name in notes[0] for name in theirs[:4])
    assert not any(n.startswith(("sam leaves out", "lou leaves out")) for n in mixed.notes)

def test_a_household_of_one_is_plan_week(tmp_path: Path, bundled: FoodTable,
                                          catalogue: Catalogue) -> None:
    path = tmp_path / "one.csv"
    path.write_text("id,sex,age,diet\nana,female,40,pescatarian\n")
    members = read_members(path, days=DAYS, seed=3)
    house = plan_household(bundled, catalogue, members)
    week = plan_week(bundled, catalogue, members[0].targets, members[0].options)
    assert house.shared == ()

    def plates(w: WeekPlan) -> list[object]:
        return [(m.slot, m.dish_id, [(i.food_id, i.grams) for i in m.items])
                for d in w.days for m in d.meals]
    assert plates(house.weeks[0]) == plates(week)
    assert house.weeks[0].notes == week.notes
    assert [(s.buy, s.quantity) for s in house.shopping_list] == \
        [(s.buy, s.quantity) for s in week.shopping_list]


def test_a_household_of_one_holds_a_days_energy_as_plan_week_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bundled: FoodTable,
        catalogue: Catalogue) -> None:
    """A member's day too far short of energy (made so here) is planned again holding it,
    and their days after it hold it from the start, as plan_week plans one person (it was
    a failed member: the household judged the day and never held it)."""
    path = tmp_path / "one.csv"
    path.write_text("id,sex,age\nana,female,40\n")
    members = read_members(path, days=DAYS, seed=3)
    with monkeypatch.context() as patch:
        built = held_from_the_first_day(patch, household)
        house = plan_household(bundled, catalogue, members)
    assert built == [(1, False), (1, True), (2, True)] and not house.failed
    with monkeypatch.context() as patch:
        held_from_the_first_day(patch, planning)
        week = plan_week(bundled, catalogue, members[0].targets, members[0].options)
    assert [(m.dish_id, [(i.food_id, i.grams) for i in m.items])
            for d in house.weeks[0].days for m in d.meals] == \
        [(m.dish_id, [(i.food_id, i.grams) for i in m.items]) for d in week.days
         for m in d.meals]


def test_where_the_week_planned_again_has_no_plan_the_first_pass_is_the_nearest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bundled: FoodTable,
        catalogue: Catalogue) -> None:
    """As plan_week: the first pass stops at a day the days before set up (made so
    here: a real one takes minutes), the week one repeat looser has no plan for the
    member (made so), and the first pass goes on to the end, holding energy, its days
    the house's plan (it was a failed member, exit 3)."""
    path = tmp_path / "one.csv"
    path.write_text("id,sex,age\nana,female,40\n")
    members = read_members(path, days=DAYS, seed=3)
    real = household._house_days
    passes: list[tuple[int, bool, bool]] = []

    def house_days(*args, **kwargs):  # type: ignore[no-untyped-def]
        passes.append((args[2][0].max_days, kwargs["week_retry"], kwargs["hold_energy"]))
        if len(passes) == 1:
            raise planning._RetryWeek(2, 0.25)
        if len(passes) == 2:
            raise household._MemberFailed(0, InfeasiblePlanError("no plan, made so"))
        return real(*args, **kwargs)

    monkeypatch.setattr(household, "_house_days", house_days)
    house = plan_household(bundled, catalogue, members)
    assert passes == [(3, True, True), (4, False, False), (3, False, True)]
    assert not house.failed and len(house.weeks[0].days) == DAYS


# ------------------------------------------------------------------ bad input, via the CLI

@pytest.fixture()
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("PLANNER_DATA", raising=False)
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args))
    return invoke


def _error(result) -> str:  # type: ignore[no-untyped-def]
    lines = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize(("text", "code", "said"), [
    ("id,sex,age\na,female,30\nb,male,40\na,male,41\n", 1, r"duplicate id 'a' (rows 2 and 4)"),
    ("id,sex,age\nana,female,30\nAna,male,40\n", 1,
     "people.csv row 2 (ana) as 'ana': ids differ in more than case)"),
    ("id,sex,age\na,female,30\nb,martian,40\n", 1, "people.csv row 3 (b): sex"),
    ("id,sex,age,diet\na,female,30,\nb,male,40,carnivore\n", 1, "people.csv row 3 (b):"),
    ("id,sex,age,exclude\na,female,30,\nb,male,40,nuts_and_bolts\n", 1,
     "people.csv row 3 (b):"),
    ("id,sex,age\n" + "".join(f"p{n},female,30\n" for n in range(MAX_MEMBERS + 1)), 1,
     f"row {MAX_MEMBERS + 2} (p{MAX_MEMBERS}): a household has at most {MAX_MEMBERS}"),
    ("", 1, "people.csv: empty (a people table starts with a header row"),
    ("\ufeff\n\n", 1, "people.csv: empty"),
    ("id,sex,age\n", 1, "no people"),
    # a row longer than its header: refused, not read with every column shifted by one
    ("id,sex,age\nana,female,40,extra\n", 1,
     "people.csv row 2: a row has more cells than the header's 3"),
    ("id,sex,age\nana,female,40\nben,male,40,extra\n", 1,
     "people.csv row 3: a row has more cells than the header's 3"),
    ("id;sex;age\nana;female;40\n", 1, "missing column id (the header looks separated "
     "by ';'"),
])
def test_bad_households_are_one_line_naming_the_row(run, tmp_path: Path, text: str,  # type: ignore[no-untyped-def]
                                                     code: int, said: str) -> None:
    path = tmp_path / "people.csv"
    path.write_text(text)
    r = run("household", str(path), "--days", "1")
    assert r.exit_code == code, r.output
    assert said in _error(r)
    assert r.stdout == ""


def test_bad_toml_and_share(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "house.toml"
    path.write_text("")
    r = run("household", str(path))
    assert r.exit_code == 1 and "no members" in _error(r)
    path.write_text('[ana]\nsex = "female"\nage = 40\ncolour = "red"\n')
    r = run("household", str(path))
    assert r.exit_code == 1 and "[ana]: unknown key 'colour'" in _error(r)
    path.write_text('[ana]\nsex = "female"\nage = 40\nweight_kg = nan\n')
    r = run("household", str(path))  # which member's weight
    assert r.exit_code == 1 and "house.toml: ana.weight_kg: number too large or not " \
        "finite" in _error(r)
    path.write_text('[ana]\nsex = "female"\nage = 40\n')
    r = run("household", str(path), "--share", "brunch")
    assert r.exit_code == 2 and "'--share': 'brunch' is not a meal" in _error(r)
    r = run("household", str(path), "--share", "ALL,dinner")  # a usage error, as others
    assert r.exit_code == 2 and "'all' shares every meal and stands alone" in _error(r)
    # ids that differ only in case name one person twice
    path.write_text('[ana]\nsex = "female"\nage = 40\n[Ana]\nsex = "female"\nage = 41\n')
    r = run("household", str(path))
    assert r.exit_code == 1 and "[Ana]" in _error(r) and "given twice" in _error(r) \
        and "as 'ana'" in _error(r), r.output
    # a member's name is an id, as in a CSV: the table's name and --me alike
    for name, problem in (('"a\\nb"', "has a control or invisible character"),
                          ('""', "is empty")):
        path.write_text(f'[{name}]\nsex = "female"\nage = 40\n')
        r = run("household", str(path))
        assert r.exit_code == 1 and problem in _error(r), r.output
    path.write_text('[ana]\nsex = "female"\nage = 40\n')
    for me, problem in (("", "is empty"), ("x\ny", "has a control or invisible character")):
        r = run("household", str(path), "--me", me)
        assert r.exit_code == 1 and f"--me {me!r}: the name {problem}" in _error(r)
    # a supplement's error names its table once
    path.write_text('[kim]\nsex = "female"\nage = 40\n[kim.supplements]\n'
                    'vitamin_d = "lots"\n')
    r = run("household", str(path))
    assert r.exit_code == 1 and _error(r).count("[kim]") == 1, r.output
    json_file = tmp_path / "house.json"
    json_file.write_text('{"id": 1}')
    r = run("household", str(json_file))
    assert r.exit_code == 1 and "a .json file is not read" in _error(r)


def test_a_member_who_cannot_be_planned_is_named_and_the_rest_planned(
        run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "house.toml"
    path.write_text('[ana]\nsex = "female"\nage = 40\n\n'
                    '[ben]\nsex = "male"\nage = 70\nconditions = ["ckd"]\n'
                    '[ben.targets]\npotassium_mg = {max = 600}\n'
                    'phosphorus_mg = {max = 300}\nprotein_g = {max = 40}\n')
    r = run("household", str(path), "--days", "1", "--format", "json")
    assert r.exit_code == 3, r.output
    line = _error(r)
    assert "[ben]" in line and "ben" in line and "ana" not in line.split("[ben]")[0]
    doc = json.loads(r.stdout)  # the others are not lost
    assert [m["id"] for m in doc["members"]] == ["ana"]
    assert [f["id"] for f in doc["failed"]] == ["ben"]



def test_a_day_no_try_can_share_is_tried_with_every_sharer_one_repeat_looser(
        tmp_path: Path, bundled: FoodTable, catalogue: Catalogue,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Late in a week the foods every sharer may still have run short (the example
    family's day 7): before anyone eats alone, the day is tried with every sharer one
    repeat looser, and each sharer's notes say so. The variety rules are stood in for
    here: on day 2, every try at the members' own repeat limit leaves ben without a plan
    (plan_household checks the shared meals from the weeks, as always)."""
    from dataclasses import replace

    import planner.planning.household as household
    from planner.planning.model import STOPPED, SolverInfo

    limit_of: dict[int, tuple[int, int]] = {}  # id of a built day -> (day, repeat limit)
    build, sequential = household._build, household._sequential

    def built(person, options, history, day, rng, shares):  # type: ignore[no-untyped-def]
        made = build(person, options, history, day, rng, shares)
        limit_of[id(made)] = (day, options.max_days)
        return made

    def tried(people, house, days, *args, **kwargs):  # type: ignore[no-untyped-def]
        results = sequential(people, house, days, *args, **kwargs)
        if limit_of[id(days[1])] == (2, 3):  # ben's day 2 at the default limit
            results[1] = replace(results[1], info=SolverInfo("HiGHS", STOPPED, 0.0, None))
        return results
    monkeypatch.setattr(household, "_build", built)
    monkeypatch.setattr(household, "_sequential", tried)
    path = tmp_path / "people.csv"
    path.write_text(FAMILY)
    members = read_members(path, days=DAYS)
    plan = plan_household(bundled, catalogue, members)
    dinners = [m for m in plan.shared if m.slot == "dinner"]
    assert [(m.day, len(m.members)) for m in dinners] == [(1, 4), (2, 4)]
    for week in plan.weeks:
        raised = [n for n in week.notes if "foods may repeat on up to 4 days" in n]
        assert len(raised) == 1 and "up to 4 from day 2 on" in raised[0], week.notes


def test_the_shared_meals_are_checked_from_the_weeks_alone(family: HouseholdPlan,
                                                          catalogue: Catalogue) -> None:
    from dataclasses import replace

    from planner.meals.dishes import load_dishes
    from planner.planning.household import _dish_parts

    ids = [m.id for m in family.members]
    shared = family.shared[0]
    j = ids.index(shared.members[-1])
    week = family.weeks[j]
    day = week.days[shared.day - 1]
    # one sharer's dinner made another dish, and their lunch said to be a dish it is not
    meals = tuple(replace(m, dish_id="soup") if m.slot == "dinner" else
                  replace(m, dish_id="popcorn") if m.slot == "lunch" else m
                  for m in day.meals)
    days = list(week.days)
    days[shared.day - 1] = replace(day, meals=meals)
    weeks = list(family.weeks)
    weeks[j] = replace(week, days=tuple(days))
    problems = verify_shared(weeks, family.shared, ids, {}, (), catalogue.entries,
                             load_dishes())
    member = ids[j]
    assert any(f"{member} does not have the house's {shared.dish_id}" in p for p in problems)
    assert any(p.startswith(f"day {shared.day} lunch of {member}:") for p in problems)
    recipes = {d.id: _dish_parts(d, catalogue.entries) for d in load_dishes().dishes}
    assert verify_shared(family.weeks, family.shared, ids, recipes, (), catalogue.entries,
                         load_dishes()) == []


def test_html_one_page_with_the_grid_the_days_and_one_list(family: HouseholdPlan) -> None:
    from html.parser import HTMLParser

    page = format_household(family, "html")
    cells: list[str] = []

    class Cells(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            cells.append(tag)
    Cells().feed(page)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    head = page[page.index("<thead>"):page.index("</thead>")]
    assert all(f">{m.id}<" in head for m in family.members) and "Dinner, shared" in head
    assert page.count('class="buy"') == len(family.shopping_list) + 1  # and its column
    assert page.count("in detail</h2>") == DAYS
    assert "@media print" in page  # the week's print sheet rules
    assert "amounts for the pot" in page and "amounts for one" not in page


def test_me_adds_the_saved_profile(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "house.csv"
    path.write_text("id,sex,age\nkid,male,10\n")
    r = run("household", str(path), "--me", "pat", "--days", "1")
    assert r.exit_code == 1 and "--me pat (the saved profile): sex: required" in _error(r)
    r = run("profile", "init", "--sex", "female", "--age", "44", "--diet", "pescatarian")
    assert r.exit_code == 0, r.output
    r = run("household", str(path), "--me", "kid", "--days", "1")
    assert r.exit_code == 1 and "has a member 'kid' too" in _error(r)
    full = tmp_path / "twelve.csv"  # a full house: --me makes 13, said as such
    full.write_text("id,sex,age\n" + "".join(f"p{n},female,30\n" for n in range(MAX_MEMBERS)))
    r = run("household", str(full), "--me", "pat", "--days", "1")
    assert r.exit_code == 1 and f"has {MAX_MEMBERS} members, and with you the house " \
        f"would have {MAX_MEMBERS + 1}" in _error(r), r.output
    r = run("household", str(path), "--me", "pat", "--days", "1", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert [(m["id"], m["options"]["diet"]) for m in doc["members"]] == \
        [("pat", "pescatarian"), ("kid", "omnivore")]
    assert doc["shared"] and all(s["slot"] == "dinner" for s in doc["shared"])
