"""Every portion in the catalogue weighs what its words say, and every purchase is counted
in the unit the shop sells: one pass over the whole of datasets/recommended_foods.csv with
the bundled USDA portions table (SR28 WEIGHT.txt). Each check collects every row it finds,
so a failure lists them all."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from planner.food.catalogue import Catalogue, measure_amount, portion_words
from planner.food.data import FoodTable
from planner.food.intake import parse_eaten
from planner.meals.shopping import shopping_list

OZ_G = 28.3495
FL_OZ_ML = 29.5735
#: grams in one of a shown unit, by unit and (where it matters) by the food's role or
#: category: (low, high). A cup of a drink weighs about what a cup of water does (237 g);
#: the densest cups in the catalogue (canned pumpkin, tofu, ricotta) reach about 255 g.
CUP_OF_DRINK = (230.0, 265.0)
CUP_OF_FOOD = (5.0, 265.0)
FL_OZ = (28.0, 32.0)
TBSP_OF_SEEDS = (6.0, 15.0)  # ground flaxseed 7 g (USDA), sesame 9 g, hemp 10 g
TBSP = (4.0, 20.0)  # grated parmesan 5 g ... nut butters 16 g
TSP = (1.5, 6.0)
TSP_OF_HERBS = (0.5, 3.0)  # dried leaves: a tsp of thyme or oregano weighs 1 g (USDA)
EGG = (40.0, 65.0)  # one large egg, as cooked (USDA: fried 46 g ... scrambled 61 g)
DRINK_ROLES = ("milk_drink", "juice")
VOLUMES = ("cup", "fl oz", "tbsp", "tsp")
#: the words a household amount may be in, longest first ("fl oz" before "oz")
UNITS = ("fl oz", "cups", "cup", "tbsp", "tsp", "oz")
#: grams of one purchase unit without a stated weight
UNIT_GRAMS = {"half-gallon": (1850.0, 2000.0), "quart": (925.0, 1000.0),
              "pint": (440.0, 500.0), "dozen": (12 * 45.0, 12 * 60.0), "lb": (450.0, 456.0)}
PACKET = (20.0, 60.0)  # one dry packet of a hot cereal
DRY_PINT = (280.0, 400.0)  # berries sold by the dry pint: about 12 oz


def _unit(words: str) -> str:
    """The measure a household wording starts with ("cup", "fl oz", "oz", "tbsp"), or ""
    for a counted thing ("medium banana", "container (6 oz) yogurt")."""
    for unit in UNITS:
        if re.match(rf"{re.escape(unit)}\b", words.strip()):
            return "cup" if unit == "cups" else unit
    return ""


def _stated_oz(text: str) -> float | None:
    """A weight in parentheses: 'container (6 oz)' -> 6, 'small box (1.5 oz)' -> 1.5."""
    match = re.search(r"\((\d+(?:\.\d+)?) oz\)", text)
    return float(match.group(1)) if match else None


def _usda(table: FoodTable) -> pd.DataFrame:
    p = table.portions
    return p.assign(text=p["amount"].map(lambda a: f"{a:g}") + " " + p["description"],
                    per=p["grams"] / p["amount"])


def _unit_of_usda(description: str) -> str:
    return _unit(description.replace(",", " "))


def _problems_in_words(entries: pd.DataFrame, usda: pd.DataFrame) -> list[str]:
    problems = []
    for fid, e in entries.iterrows():
        desc, grams = str(e["portion_description"]), float(e["portion_grams"])
        amount = measure_amount(desc)
        per_unit = grams / amount  # grams in one of what the words count
        shown = _unit(str(e["say_one"]))
        described = _unit(desc.split(" ", 1)[1] if " " in desc else desc)
        where = f"{fid} {e['short_name']!s} ({portion_words(e, 1.0)}, {grams:g} g):"
        if shown and described and shown != described:
            problems.append(f"{where} words say {shown!r}, the measure is {described!r}")
        if shown == "cup":
            low, high = CUP_OF_DRINK if e["role"] in DRINK_ROLES else CUP_OF_FOOD
            if not low <= per_unit <= high:
                problems.append(f"{where} a cup weighs {per_unit:.0f} g, not {low:g}-{high:g}")
        elif shown == "fl oz" and not FL_OZ[0] <= per_unit <= FL_OZ[1]:
            problems.append(f"{where} a fl oz weighs {per_unit:.1f} g, not about 30")
        elif shown == "tbsp":
            low, high = TBSP_OF_SEEDS if e["category"] == "seeds" else TBSP
            if not low <= per_unit <= high:
                problems.append(f"{where} a tbsp weighs {per_unit:.1f} g, not {low:g}-{high:g}")
        elif shown == "tsp" and not (TSP_OF_HERBS if "dried" in str(e["short_name"])
                                     and e["role"] == "seasoning" else TSP)[0] \
                <= per_unit <= TSP[1]:
            problems.append(f"{where} a tsp weighs {per_unit:.1f} g")
        elif shown == "oz" and abs(per_unit - OZ_G) > 0.02 * OZ_G:
            problems.append(f"{where} an oz weighs {per_unit:.1f} g, not 28.35")
        stated = _stated_oz(str(e["say_one"])) or _stated_oz(desc)
        if stated is not None and not shown and abs(grams / amount - stated * OZ_G) > \
                0.1 * stated * OZ_G:
            problems.append(f"{where} the words say {stated:g} oz ({stated * OZ_G:.0f} g)")
        if e["role"] == "egg_dish" and not EGG[0] <= per_unit <= EGG[1]:
            problems.append(f"{where} an egg weighs {per_unit:.0f} g, not {EGG[0]:g}-{EGG[1]:g}")
        # against USDA's own portions for the food, where it has any
        own = usda[usda["food_id"] == fid]
        if len(own):
            match = own[own["text"] == desc]
            weight = re.fullmatch(r"\d+(?:\.\d+)? oz", desc) is not None
            if match.empty and not weight:
                problems.append(f"{where} {desc!r} is not one of USDA's measures: "
                                + "; ".join(own["text"]))
            elif not match.empty and abs(float(match["grams"].iloc[0]) - grams) > 0.01 * grams:
                problems.append(f"{where} USDA's {desc!r} weighs "
                                f"{float(match['grams'].iloc[0]):g} g")
            if shown in VOLUMES:
                same = own[own["description"].map(_unit_of_usda) == shown]
                if len(same) and not any(abs(per_unit - p) <= 0.1 * p for p in same["per"]):
                    problems.append(f"{where} USDA's {shown} weighs "
                                    f"{float(same['per'].iloc[0]):.1f} g, the words "
                                    f"{per_unit:.1f} g")
    return problems


def _problems_in_purchases(entries: pd.DataFrame, table: FoodTable) -> list[str]:
    problems = []
    described = table.foods["description"]
    for fid, e in entries.iterrows():
        unit, grams = str(e["buy_unit"]), float(e["buy_unit_grams"])
        raw = float(e["raw_per_gram"])
        where = f"{fid} {e['short_name']!s} (buy {e['buy']!s}: {unit}, {grams:g} g):"
        weight = re.search(r"\((\d+(?:\.\d+)?) (oz|lb|ml)\)", unit)
        count = re.search(r"\((\d+)(?: (packets|slices|patties|fillets))?\)", unit)
        if weight:
            value, what = float(weight.group(1)), weight.group(2)
            stated = value * {"oz": OZ_G, "lb": 16 * OZ_G, "ml": 0.92}[what]
            low = 0.55 if unit.startswith("can") else 0.94  # a can: its drained weight
            if what == "ml":
                low, stated = 0.85, value  # a bottle: between oil and water
            if not low * stated <= grams <= 1.06 * stated * (1.2 if what == "ml" else 1):
                problems.append(f"{where} the unit says {value:g} {what}")
        elif count and count.group(2) == "packets":
            per = grams / int(count.group(1))
            if not PACKET[0] <= per <= PACKET[1]:
                problems.append(f"{where} one packet weighs {per:.0f} g: a packet is counted "
                                "dry, as sold")
        elif count:
            per = grams / int(count.group(1))
            portion = float(e["portion_grams"]) / measure_amount(str(e["portion_description"]))
            if abs(per - portion * raw) > 0.15 * per:
                problems.append(f"{where} one of {count.group(1)} weighs {per:.0f} g, "
                                f"one eaten {portion:.0f} g")
        elif unit == "pint" and e["section"] == "produce":  # a dry pint of berries
            if not DRY_PINT[0] <= grams <= DRY_PINT[1]:
                problems.append(f"{where} a dry pint weighs {DRY_PINT[0]:g}-{DRY_PINT[1]:g} g")
        elif unit in UNIT_GRAMS:
            low, high = UNIT_GRAMS[unit]
            if not low <= grams <= high:
                problems.append(f"{where} a {unit} weighs {low:g}-{high:g} g")
        # a food eaten cooked or prepared but bought dry in a box, bag or packet is counted
        # in its dry weight: grams of the purchase per gram eaten below 1
        prepared = re.search(r"\b(cooked|prepared)\b", str(described.get(fid, "")),
                             re.IGNORECASE)
        dry_goods = e["role"] in ("grain", "hot_cereal") and not unit.startswith("can")
        if prepared and dry_goods and raw >= 1:
            problems.append(f"{where} bought dry but counted at {raw:g} g per g eaten")
    return problems


def test_every_portion_weighs_what_its_words_say(bundled: FoodTable,
                                                 catalogue: Catalogue) -> None:
    problems = _problems_in_words(catalogue.entries, _usda(bundled))
    assert not problems, "\n".join(problems)


def test_every_purchase_is_counted_in_the_unit_the_shop_sells(bundled: FoodTable,
                                                              catalogue: Catalogue) -> None:
    problems = _problems_in_purchases(catalogue.entries, bundled)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("words", "portion", "grams", "role", "category", "found"), [
    ("cup rice milk", "8 fl oz (approximate weight, 1 serving)", 240, "milk_drink",
     "fortified", "words say 'cup'"),
    ("tbsp chia seeds", "1 oz", 28.35, "topping", "seeds", "a tbsp weighs 28.4 g"),
    ("cup 1% milk", "1 cup", 150, "milk_drink", "dairy", "a cup weighs 150 g"),
    ("egg, scrambled", "1 large", 90, "egg_dish", "eggs", "an egg weighs 90 g"),
    ("container (6 oz) yogurt", "1 container", 250, "yogurt", "dairy", "say 6 oz"),
    ("cup 1% milk", "1 cup", 244, "milk_drink", "dairy", ""),
])
def test_the_checks_catch_what_they_are_for(words: str, portion: str, grams: float,
                                            role: str, category: str, found: str) -> None:
    row = pd.DataFrame({"short_name": ["x"], "portion_description": [portion],
                        "portion_grams": [grams], "say_one": [words], "say_many": [words],
                        "role": [role], "category": [category]}, index=["99999"])
    usda = pd.DataFrame({"food_id": [], "text": [], "description": [], "grams": [],
                         "per": []})
    problems = _problems_in_words(row, usda)
    assert (found in " ".join(problems)) if found else not problems, problems


@pytest.mark.parametrize(("unit", "grams", "raw", "found"), [
    ("box (10 packets)", 1770, 1.0, "one packet weighs 177 g"),  # cooked grams: wrong
    ("box (10 packets)", 280, 0.158, ""),  # ten 28 g packets, counted dry
    ("half-gallon", 1000, 1.0, "a half-gallon weighs"),
    ("bag (8 oz)", 150, 1.0, "the unit says 8 oz"),
    ("can (15 oz)", 255, 1.0, ""),  # a can holds its drained weight
])
def test_the_purchase_checks_catch_what_they_are_for(bundled: FoodTable, unit: str,
                                                     grams: float, raw: float,
                                                     found: str) -> None:
    row = pd.DataFrame({"short_name": ["x"], "buy": ["x"], "buy_unit": [unit],
                        "buy_unit_grams": [grams], "raw_per_gram": [raw],
                        "portion_description": ["1 cup, cooked"], "portion_grams": [234.0],
                        "role": ["hot_cereal"], "section": ["cereal"]}, index=["08123"])
    problems = _problems_in_purchases(row, bundled)
    assert (found in " ".join(problems)) if found else not problems, problems


def test_the_amounts_a_plan_prints_weigh_right(bundled: FoodTable,
                                               catalogue: Catalogue) -> None:
    e = catalogue.entries
    # were "16 cups rice milk (fortified)" for 480 g and "1 tbsp chia seeds" for 28.35 g
    assert portion_words(e.loc["14639"], 2) == "16 fl oz rice milk (fortified)"
    assert portion_words(e.loc["14639"], 1) == "8 fl oz rice milk (fortified)"
    assert portion_words(e.loc["12006"], 0.5) == "½ oz chia seeds"
    # what the plan prints can be logged back as it is, to the same grams
    for food_id, servings in (("12006", 0.5), ("14639", 1.0), ("14639", 2.0)):
        words = portion_words(e.loc[food_id], servings)
        eaten = parse_eaten(words, bundled, catalogue)
        assert [x.food_id for x in eaten] == [food_id]
        assert eaten[0].grams == pytest.approx(
            servings * float(e.loc[food_id, "portion_grams"]), rel=1e-3)  # 1 oz = 28.35 g


def test_instant_oatmeal_is_bought_by_the_box_in_dry_packets(catalogue: Catalogue) -> None:
    # 7 cups cooked (USDA 08123: a 28 g packet, 08122, makes 177 g cooked)
    (line,) = shopping_list({"08123": 7 * 234.0}, catalogue.entries)
    assert line.quantity == "1 box (10 packets)"
    assert line.purchased_grams == pytest.approx(7 * 234 * 0.158)  # about 259 g dry
    assert line.purchased_grams <= 280  # one box of ten 28 g packets holds it
    (line,) = shopping_list({"08123": 14 * 234.0}, catalogue.entries)
    assert line.quantity == "2 boxes (10 packets)"
