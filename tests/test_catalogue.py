from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from planner.errors import DatasetError, PlanRequestError
from planner.food.catalogue import (
    ALLERGENS,
    CATALOGUE_FILE,
    CATEGORIES,
    GROUP_COLUMNS,
    ROLES,
    Catalogue,
    cooks_units,
    counted_groups,
    find_food,
    generic_catalogue,
    load_catalogue,
    most_servings,
    portion_words,
    select,
)
from planner.food.data import FoodTable, bundled_dir, load_foods, write_dataset

NEEDED = ("energy_kcal", "protein_g", "fat_g", "carbohydrate_g", "magnesium_mg", "calcium_mg",
          "potassium_mg", "sodium_mg")


def test_catalogue_size_and_families(catalogue: Catalogue) -> None:
    entries = catalogue.entries
    assert len(entries) >= 150
    assert set(entries["category"]) == set(CATEGORIES)
    assert not catalogue.missing
    names = " ".join(entries["short_name"]).lower()
    for word in ("spinach", "kale", "collard", "chard", "sweet potato", "potato", "broccoli",
                 "banana", "avocado", "apricot", "orange", "almond", "pumpkin seeds", "oatmeal",
                 "lentils", "tofu", "milk", "yogurt", "cheese", "soy milk", "almond milk",
                 "cereal", "orange juice", "salmon", "sardines", "mackerel", "trout", "tuna",
                 "cod", "shrimp", "egg", "beef", "chicken"):
        assert word in names, word


def test_every_row_matches_the_food_table(catalogue: Catalogue, bundled: FoodTable) -> None:
    portions = bundled.portions
    for food_id, row in catalogue.entries.iterrows():
        assert food_id in bundled.foods.index
        measures = portions[portions["food_id"] == food_id]
        labels: dict[str, set[float]] = {}  # USDA may list one label twice ("1 slice")
        for a, d, g in zip(measures["amount"], measures["description"], measures["grams"],
                           strict=True):
            labels.setdefault(f"{a:g} {d}", set()).add(g)
        weight = re.fullmatch(r"(\d+(?:\.\d+)?) oz", str(row["portion_description"]))
        # a weight is its own measure: tofu and tempeh in ounces, as cooks say
        if weight and row["portion_description"] not in labels:
            assert row["portion_grams"] == pytest.approx(float(weight.group(1)) * 28.35,
                                                         abs=0.01), food_id
        else:
            assert row["portion_grams"] in labels.get(row["portion_description"], ()), \
                food_id
        lowest = 0.5 if row["role"] == "seasoning" else 2  # a tsp of dried thyme: 1 g
        assert lowest <= row["portion_grams"] <= 500


def test_planner_nutrients_are_known_or_declared(catalogue: Catalogue,
                                                 bundled: FoodTable) -> None:
    values = bundled.foods.loc[catalogue.entries.index]
    for key in NEEDED:  # known, or the row says SR28 lacks it (counted as 0, never silent)
        for food_id in values.index[values[key].isna()]:
            assert key in catalogue.entries.loc[food_id, "notes"], (food_id, key)
    assert values[list(NEEDED)].isna().any(axis=1).sum() <= 1
    for key in ("vitamin_d_ug", "vitamin_b12_ug"):
        unknown = values.index[values[key].isna()]
        for food_id in unknown:  # an unknown key value must be declared, never silent
            assert key in catalogue.entries.loc[food_id, "notes"], (food_id, key)
        assert len(unknown) <= 10


def test_fortified_products_carry_the_tag(catalogue: Catalogue, bundled: FoodTable) -> None:
    foods = bundled.foods.loc[catalogue.entries.index]
    descriptions = foods["description"].str.lower()
    # Grains have no vitamin B12 of their own: a cereal that has some was fortified.
    cereal = descriptions.str.contains("cereal") & (foods["vitamin_b12_ug"] > 0)
    fortified = cereal | descriptions.str.contains(
        "soymilk|almond milk|rice milk|added calcium|, fortified|calcium sulfate|"
        "veggie burger|vegetarian fillet|with added vitamin")
    tags = catalogue.entries["tags"]
    for food_id in catalogue.entries.index[fortified]:
        assert "fortified" in tags[food_id] or \
            catalogue.entries.loc[food_id, "category"] == "fortified", food_id


def test_uv_exposed_mushrooms_carry_the_tag(catalogue: Catalogue, bundled: FoodTable) -> None:
    """Their vitamin D is made by UV light and varies by brand: the label note and
    ``--exclude uv_exposed`` find them by the tag."""
    descriptions = bundled.foods.loc[catalogue.entries.index, "description"].str.lower()
    exposed = catalogue.entries.index[descriptions.str.contains("ultraviolet")]
    assert len(exposed) >= 1
    tagged = catalogue.entries.index[catalogue.entries["tags"].map(lambda t: "uv_exposed" in t)]
    assert set(tagged) == set(exposed)
    assert not set(exposed) & set(select(catalogue, "omnivore", ["uv_exposed"]).index)


def test_diets_and_allergens_are_consistent(catalogue: Catalogue, bundled: FoodTable) -> None:
    e = catalogue.entries
    animal = {"fish": "fish", "shellfish": "shellfish", "dairy": "dairy", "eggs": "egg"}
    for category, allergen in animal.items():
        rows = e[e["category"] == category]
        assert rows["allergens"].map(lambda a, x=allergen: x in a).all(), category
        assert not rows["diets"].map(lambda d: "vegan" in d).any(), category
    meat = e[e["category"].isin(["meat", "poultry"])]
    assert meat["diets"].map(lambda d: d == ("omnivore",)).all()
    descriptions = bundled.foods.loc[e.index, "description"].str.lower()
    peanut = e.index[descriptions.str.contains("peanut")]
    assert all("peanuts" in e.loc[f, "allergens"] for f in peanut)
    assert all(set(a) <= set(ALLERGENS) for a in e["allergens"])


def test_select_by_diet_and_exclusions(catalogue: Catalogue) -> None:
    vegan = select(catalogue, "vegan")
    assert not vegan["category"].isin(["dairy", "eggs", "fish", "meat", "poultry"]).any()
    no_fortified = select(catalogue, "omnivore", ["fortified"])
    assert not no_fortified["tags"].map(lambda t: "fortified" in t).any()
    assert "01082" not in no_fortified.index  # milk with added vitamin D is fortified
    no_fish = select(catalogue, "omnivore", ["fish", "dairy"])
    assert not no_fish["allergens"].map(lambda a: "fish" in a or "dairy" in a).any()
    assert "09040" not in select(catalogue, "omnivore", ["09040"]).index
    assert "09040" not in select(catalogue, "omnivore", ["banana"]).index


@pytest.mark.parametrize("name", ["nuts-and-bolts", "glutenn"])
def test_unknown_exclusion_is_an_error(catalogue: Catalogue, name: str) -> None:
    with pytest.raises(PlanRequestError, match=r"exclude: .* is not an allergen"):
        select(catalogue, "omnivore", [name])


def test_unknown_diet_is_an_error(catalogue: Catalogue) -> None:
    with pytest.raises(PlanRequestError, match=r"diet: 'keto' is not one of"):
        select(catalogue, "keto")


def test_find_food(catalogue: Catalogue) -> None:
    assert find_food(catalogue, "banana") == ["09040"]
    assert find_food(catalogue, "09040") == ["09040"]
    with pytest.raises(PlanRequestError, match="ambiguous"):
        find_food(catalogue, "milk")
    with pytest.raises(PlanRequestError, match="not in the catalogue"):
        find_food(catalogue, "durian")


def _copy_catalogue(tmp_path: Path) -> Path:
    path = tmp_path / CATALOGUE_FILE
    shutil.copy(bundled_dir() / CATALOGUE_FILE, path)
    return path


@pytest.mark.parametrize(("column", "value", "message"), [
    ("category", "sweets", r"column category: unknown category: 'sweets' for food '11457'"),
    ("meal_slots", "brunch", r"column meal_slots: unknown word"),
    ("allergens", "nightshade", r"column allergens: unknown word"),
    ("portion_grams", "9000", r"column portion_grams: grams outside"),
    ("portion_grams", "a lot", r"column portion_grams: non-numeric value 'a lot'"),
    ("step", "0.3", r"column step: must be 1, 1/2, 1/3 or 1/4"),
    ("role", "dessert", r"column role: unknown role"),
    ("dairy_cup", "lots", r"column dairy_cup: non-numeric value"),
    ("buy", "", r"column buy: empty"),
    ("section", "garden", r"column section: unknown section"),
    ("child_max_servings", "5", r"column child_max_servings: must be empty, or at least"),
    ("child_max_servings", "0.1", r"column child_max_servings: must be empty, or at least"),
    ("child_max_servings", "some", r"column child_max_servings: must be empty, or at least"),
])
def test_malformed_catalogue_rows(bundled: FoodTable, tmp_path: Path, column: str, value: str,
                                  message: str) -> None:
    path = _copy_catalogue(tmp_path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame["food_id"] == "11457", column] = value
    frame.to_csv(path, index=False)
    with pytest.raises(DatasetError, match=message):
        load_catalogue(bundled, path)


def test_catalogue_foods_missing_from_a_data_directory_are_listed(
        bundled: FoodTable, tmp_path: Path) -> None:
    keep = bundled.foods.index != "09040"
    table = FoodTable(bundled.foods[keep], bundled.portions[bundled.portions["food_id"]
                                                             != "09040"])
    write_dataset(tmp_path / "data", table, source="test")
    partial = load_catalogue(load_foods(tmp_path / "data"))
    assert partial.missing == ("09040",)
    assert "09040" not in partial.entries.index


def test_generic_catalogue_covers_the_whole_table(bundled: FoodTable) -> None:
    generic = generic_catalogue(bundled)
    assert 8000 < len(generic) < 8789  # spices, powders, leavening agents... left out
    assert "18373" not in generic.entries.index  # cream of tartar (leavening agent)
    assert generic.entries.loc["11457", "portion_description"] == "1 cup"
    with pytest.raises(PlanRequestError, match="no allergen labels"):
        select(generic, "omnivore", ["dairy"])


# ------------------------------------------------------------------ meal semantics (issue 10)

def _cup(portions: pd.DataFrame, food_id: str) -> float | None:
    """The food's own '1 cup' measure weight in SR28, if it has one."""
    rows = portions[(portions["food_id"] == food_id) & (portions["amount"] == 1)]
    cups = rows[rows["description"].str.match(r"^cup\b")]
    return float(cups["grams"].iloc[0]) if len(cups) else None


#: Grams per DGA equivalent that are plausible for a category: 1 cup-eq of vegetables is
#: 1 cup cooked (60-250 g) or 2 cups raw leafy greens (30-130 g); 1 cup-eq of fruit 1 cup
#: (100-250 g) or 1/2 cup dried (40-90 g); 1 oz-eq of grains 1/2 cup cooked (80-130 g), a
#: slice, a tortilla or 1 oz of cereal (15-60 g); 1 cup-eq of dairy 1 cup of milk or yogurt
#: (225-250 g), 1.5 oz of cheese (42 g) or 2 cups of cottage cheese; 1 oz-eq of protein 1 oz
#: cooked meat or fish (28 g), an egg (46-61 g), 1/2 oz nuts (14 g), 1 tbsp nut butter (15-16
#: g), 1/4 cup tofu (63 g).
PLAUSIBLE_GRAMS_PER_EQ = {
    "veg": (15.0, 260.0), "fruit": (35.0, 260.0), "grain": (8.0, 130.0),
    "dairy": (35.0, 460.0), "protein": (13.0, 65.0),
}


def test_every_rows_equivalents_fit_its_grams_and_category(catalogue: Catalogue,
                                                          bundled: FoodTable) -> None:
    e = catalogue.entries
    portions = bundled.portions
    groups = {"veg": [c for c in GROUP_COLUMNS if c.startswith("veg_")],
              "fruit": ["fruit_whole_cup", "fruit_juice_cup"],
              "grain": ["grain_whole_oz", "grain_refined_oz"], "dairy": ["dairy_cup"],
              "protein": ["protein_meat_oz", "protein_seafood_oz", "protein_nuts_soy_oz"]}
    for food_id, row in e.iterrows():
        grams = row["portion_grams"]
        total = {g: sum(row[c] for c in cols) for g, cols in groups.items()}
        single = sum(1 for a in total.values() if a > 0) == 1  # mixed items split the grams
        for group, amount in total.items():
            if amount > 0 and single:
                low, high = PLAUSIBLE_GRAMS_PER_EQ[group]
                assert low <= grams / amount <= high, (food_id, row["short_name"], group,
                                                       grams / amount)
        category = row["category"]
        if category in ("meat", "poultry"):  # 1 oz cooked = 1 oz-eq, exactly
            assert row["protein_meat_oz"] == pytest.approx(grams / 28.35, rel=0.01), food_id
        if category in ("fish", "shellfish"):
            assert row["protein_seafood_oz"] == pytest.approx(grams / 28.35, rel=0.01)
        if category == "eggs":
            assert row["protein_meat_oz"] == 1.0  # one large egg
        if category == "legumes" and row["role"] == "main" and row["kind"] != "tempeh":
            assert row["veg_beans_cup"] == pytest.approx(grams / _cup(portions, food_id),
                                                         rel=0.01), food_id
        if row["role"] in ("leafy_green",):
            assert row["veg_dark_green_cup"] > 0, food_id  # every leafy green is dark green
        if row["role"] == "milk_drink" and "almond" not in row["short_name"] \
                and "rice" not in row["short_name"]:
            assert row["dairy_cup"] == pytest.approx(1.0, rel=0.01), food_id
        if row["role"] == "milk_drink" and ("almond" in row["short_name"]
                                            or "rice" in row["short_name"]):
            assert row["dairy_cup"] == 0, food_id  # DGA: not dairy equivalents
        nonzero = [g for g, a in total.items() if a > 0]
        if row["role"] in ("main", "vegetable", "leafy_green", "fruit", "grain",
                           "cold_cereal", "hot_cereal", "bread", "yogurt",
                           "cheese", "egg_dish", "nuts_seeds", "juice", "starch"):
            assert nonzero, (food_id, "counts toward no food group")


def test_catalogue_errors_of_the_last_round_are_fixed(catalogue: Catalogue,
                                                      bundled: FoodTable) -> None:
    e = catalogue.entries
    descriptions = bundled.foods.loc[e.index, "description"].str.lower()
    cooked = e.index[e["short_name"].str.contains(r"braised|roast|cooked|broiled|baked")]
    assert not descriptions[cooked].str.contains(r"\braw\b").any()  # no cooked name on raw
    barley = e.index[e["short_name"].str.contains("barley")]
    rye = e.index[e["short_name"].str.contains("rye bread")]
    for food_id in (*barley, *rye):
        assert e.loc[food_id, "grain_whole_oz"] == 0 and e.loc[food_id, "grain_refined_oz"] > 0


def test_roles_kinds_and_purchases(catalogue: Catalogue) -> None:
    e = catalogue.entries
    assert set(e["role"]) == set(ROLES)
    # foods of one purchase are one kind, and eggs are bought by the dozen
    for buy, rows in e.groupby("buy"):
        assert rows["kind"].nunique() == 1, buy
    eggs = e[e["role"] == "egg_dish"]
    assert set(eggs["buy"]) == {"large eggs"} and set(eggs["buy_unit"]) == {"dozen"}
    milks = e[e["kind"] == "cow's milk"]
    assert set(milks["buy_unit"]) == {"half-gallon"}
    # grains and beans cooked from dry are bought dry: less dry weight than cooked
    dry = e[e["buy"].str.contains(r"\(dry\)")]
    assert len(dry) >= 8 and (dry["raw_per_gram"] < 0.5).all()
    meat = e[e["category"].isin(["meat", "poultry"])]
    assert (meat["raw_per_gram"] > 1.2).all()  # raw weight is more than cooked


def test_spare_legumes_count_as_protein_foods_and_neither_group_drops_below_its_pattern(
        ) -> None:
    # a vegan day: 4.9 cup-eq vegetables of which 2.0 legumes, 0.5 oz-eq other protein
    day = {"vegetables": 4.9, "protein": 0.5, "legumes": 2.0, "fruits": 2.0}
    counted = counted_groups(day, vegetables=2.5, protein=3.5)
    # protein gap 3.0 oz-eq = 0.75 cup-eq of legumes; vegetables keep 4.15
    assert counted["protein"] == pytest.approx(3.5)
    assert counted["vegetables"] == pytest.approx(4.15)
    assert counted["legumes"] == 2.0 and counted["fruits"] == 2.0
    # vegetables just at the pattern: nothing can move
    tight = counted_groups({**day, "vegetables": 2.5}, vegetables=2.5, protein=3.5)
    assert tight["vegetables"] == 2.5 and tight["protein"] == 0.5
    # protein already met (an omnivore): nothing moves
    met = counted_groups({**day, "protein": 5.0}, vegetables=2.5, protein=3.5)
    assert met["vegetables"] == 4.9 and met["protein"] == 5.0
    # little spare vegetable: only the spare moves (0.4 cup-eq = 1.6 oz-eq)
    some = counted_groups({**day, "vegetables": 2.9}, vegetables=2.5, protein=3.5)
    assert some["vegetables"] == pytest.approx(2.5) and some["protein"] == pytest.approx(2.1)
    # no pattern (whole-table plans): unchanged
    assert counted_groups(day, None, None) == day


def test_a_child_has_a_smaller_largest_portion_where_the_catalogue_says(
        bundled: FoodTable, tmp_path: Path) -> None:
    path = _copy_catalogue(tmp_path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame["food_id"] == "11457", "child_max_servings"] = "2"  # raw spinach, 3 cups
    frame.to_csv(path, index=False)
    entries = load_catalogue(bundled, path).entries
    for age, spinach in ((9, 2.0), (13, 2.0), (14, 3.0), (40, 3.0)):
        assert most_servings(entries, age)["11457"] == spinach, age
    avocado = entries.index[entries["short_name"] == "avocado"][0]
    assert most_servings(entries, 10)[avocado] == 0.5
    assert most_servings(entries, 30)[avocado] == 1.0
    # a catalogue without the column (a data directory of an earlier release) still loads
    frame.drop(columns="child_max_servings").to_csv(path, index=False)
    old = load_catalogue(bundled, path).entries
    assert (most_servings(old, 10) == old["max_servings"]).all()


@pytest.mark.parametrize(("amount", "words", "said"), [
    (3, "tsp olive oil", (1, "tbsp olive oil")),
    (4.5, "tsp olive oil", (1.5, "tbsp olive oil")),
    (4, "tsp olive oil", (4, "tsp olive oil")),  # 1⅓ tbsp is nobody's measure
    (1.5, "tsp ground cumin", (1.5, "tsp ground cumin")),  # not "½ tbsp"
    (4, "tbsp chopped onion", (0.25, "cup chopped onion")),
    (8, "tbsp hummus", (0.5, "cup hummus")),
    (12, "tsp x", (0.25, "cup x")),  # 12 tsp = 4 tbsp = ¼ cup
    (2, "tbsp salsa", (2, "tbsp salsa")),
    (2, "cups kale", (2, "cups kale")),
])
def test_amounts_are_said_in_a_cooks_measure(amount: float, words: str,
                                            said: tuple[float, str]) -> None:
    assert cooks_units(amount, words) == said


def test_oil_tofu_and_tempeh_read_as_a_cook_measures_them(catalogue: Catalogue) -> None:
    e = catalogue.entries
    assert portion_words(e.loc["04053"], 3) == "1 tbsp olive oil"  # was "3 tsp"
    assert portion_words(e.loc["16127"], 1.5) == "4½ oz soft tofu (calcium-set)"
    assert portion_words(e.loc["16114"], 4 / 3) == "4 oz tempeh"  # was "1 cup tempeh"
    assert portion_words(e.loc["11282"], 4) == "¼ cup chopped onion"
