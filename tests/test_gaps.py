"""Gap reports: minerals per day, vitamins on the average, missing days and values, and
foods that really close each gap (issue 13). Totals are recomputed here from the table."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.errors import LogError
from planner.food.catalogue import Catalogue, select
from planner.food.data import FoodTable
from planner.log.foodlog import Entry, SupplementEntry
from planner.log.gaps import gap_report
from planner.output.report import bar, format_gaps
from planner.person.profile import make_profile
from planner.person.targets import Targets, compute_targets

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def targets() -> Targets:
    return compute_targets(make_profile("female", 35))


def _entry(n: int, day: dt.date, food_id: str, grams: float) -> Entry:
    return Entry(n, day, None, food_id, food_id, grams, food_id, food_id, "")


def _amount(table: FoodTable, nutrient: str, food_id: str, grams: float) -> float:
    value = table.foods.loc[food_id, nutrient]
    return 0.0 if value != value else float(value) * grams / 100


def test_minerals_per_day_vitamins_on_average(bundled: FoodTable, catalogue: Catalogue,
                                              targets: Targets) -> None:
    # Monday: 300 g cooked spinach (magnesium met); Wednesday: one banana (far short);
    # Tuesday: nothing logged, so it is unknown, not zero
    tuesday, wednesday = MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2)
    entries = [_entry(1, MONDAY, "11458", 300.0), _entry(2, MONDAY, "15086", 200.0),
               _entry(3, wednesday, "09040", 118.0)]
    report = gap_report(entries, MONDAY, wednesday, targets, bundled, catalogue,
                        today=dt.date(2030, 1, 1))
    assert report.logged == (MONDAY, wednesday)
    assert report.empty == (tuesday,)
    magnesium = report.line("magnesium_mg")
    monday = _amount(bundled, "magnesium_mg", "11458", 300) + \
        _amount(bundled, "magnesium_mg", "15086", 200)
    banana = _amount(bundled, "magnesium_mg", "09040", 118)
    assert dict(magnesium.per_day) == pytest.approx({MONDAY: monday, wednesday: banana})
    assert magnesium.intake == pytest.approx((monday + banana) / 2)  # over logged days only
    assert monday >= 320 > banana
    assert magnesium.short_days == (wednesday,)
    assert magnesium.gap == pytest.approx(320 - banana)
    vitamin_d = report.line("vitamin_d_ug")  # 200 g sockeye salmon carries both days
    d_total = _amount(bundled, "vitamin_d_ug", "15086", 200)
    assert vitamin_d.basis == "average"
    assert vitamin_d.intake == pytest.approx(d_total / 2)
    assert d_total / 2 >= 15 and not vitamin_d.short_days
    assert any("1 day without entries is left out" in n for n in report.notes)


def test_closers_close_the_gap_within_the_diet(bundled: FoodTable, catalogue: Catalogue,
                                               targets: Targets) -> None:
    entries = [_entry(1, MONDAY, "09040", 118.0)]
    report = gap_report(entries, MONDAY, MONDAY, targets, bundled, catalogue, diet="vegan",
                        exclude=("soy",), dislike=("pumpkin seeds",),
                        today=dt.date(2030, 1, 1))
    allowed = select(catalogue, "vegan", ("soy",)).index
    entries_ = catalogue.entries
    for line in report.lines:
        if not line.short_days or line.nutrient in ("energy_kcal", "sodium_mg"):
            continue
        assert line.closers, line.nutrient
        for c in line.closers:
            assert c.food_id in allowed
            grams = float(entries_.loc[c.food_id, "portion_grams"])
            amount = _amount(bundled, line.nutrient, c.food_id, grams)
            assert c.amount == pytest.approx(amount)
            if c.closes:
                assert amount >= line.gap - 1e-9
        if line.nutrient == "calcium_mg":  # oxalate-bound calcium never closes a gap
            assert not {"11458", "11457", "11148", "11087"} & {c.food_id
                                                               for c in line.closers}
        if line.nutrient == "magnesium_mg":  # disliked: last, if at all
            ids = [c.food_id for c in line.closers]
            assert "12016" not in ids[:-1]


def test_unknown_values_make_a_lower_bound(bundled: FoodTable, catalogue: Catalogue,
                                           targets: Targets) -> None:
    unknown_d = bundled.foods.index[bundled.foods["vitamin_d_ug"].isna()][0]
    report = gap_report([_entry(1, MONDAY, unknown_d, 100.0)], MONDAY, MONDAY, targets,
                        bundled, catalogue, today=MONDAY)
    assert report.line("vitamin_d_ug").unknown
    text = format_gaps(report, width=1000)
    assert "≥ " in text and "lower bounds" in text
    assert "Today is not over" in text


def test_nothing_logged_is_an_error(bundled: FoodTable, catalogue: Catalogue,
                                    targets: Targets) -> None:
    with pytest.raises(LogError, match="nothing logged for 2026-11-23"):
        gap_report([], MONDAY, MONDAY, targets, bundled, catalogue)
    # a day with only supplements is not a logged day, and the error says why
    taken = [SupplementEntry(1, MONDAY, "magnesium", "glycinate", 200.0,
                             "magnesium glycinate 200 mg", "magnesium glycinate 200 mg", "")]
    with pytest.raises(LogError, match="only supplements logged for 2026-11-23; the gaps "
                                       "need what you ate too"):
        gap_report([], MONDAY, MONDAY, targets, bundled, catalogue, supplements=taken)


def test_formats(bundled: FoodTable, catalogue: Catalogue, targets: Targets) -> None:
    report = gap_report([_entry(1, MONDAY, "09040", 118.0)], MONDAY, MONDAY, targets,
                        bundled, catalogue, today=dt.date(2030, 1, 1))
    table = format_gaps(report, width=1000)
    assert "Magnesium" in table and "short on 1 of 1 day" in table
    assert "To close the gaps" in table and "NASEM" in table
    html = format_gaps(report, "html")
    assert "<svg" in html and "gap-chart" in html
    markdown = format_gaps(report, "markdown")
    assert markdown.startswith("# What you ate") and "| Magnesium |" in markdown


@pytest.mark.parametrize(("percent", "filled"), [(0, 0), (45, 9), (100, 20), (250, 20),
                                                 (None, None)])
def test_bar(percent: float | None, filled: int | None) -> None:
    text = bar(percent)
    if filled is None:
        assert text == ""
    else:
        assert text.count("█") == filled and len(text) == 20


def test_the_gap_chart_labels_a_bar_past_its_axis(bundled: FoodTable, catalogue: Catalogue,
                                                  targets: Targets) -> None:
    from planner.output.report import CHART_CAP, gap_chart_svg

    # 100 g of cooked clams: about 99 µg of B12, some 4,000 % of the 2.4 µg RDA
    report = gap_report([_entry(1, MONDAY, "15159", 100.0)], MONDAY, MONDAY, targets,
                        bundled, catalogue, today=dt.date(2030, 1, 1))
    b12 = next(x for x in report.lines if x.nutrient == "vitamin_b12_ug")
    assert b12.percent is not None and b12.percent > CHART_CAP
    assert f"{b12.percent:,.0f} %" in gap_chart_svg(report)


# ------------------------------------------------------------------ supplements (issue 35)

def test_logged_and_usual_supplements_count_with_the_food(bundled: FoodTable,
                                                          catalogue: Catalogue) -> None:
    from planner.log.foodlog import SupplementEntry
    from planner.person.supplements import parse_supplement

    usual = [s for s in (parse_supplement("magnesium=200mg"),
                         parse_supplement("vitamin_d=1000IU")) if s is not None]
    targets = compute_targets(make_profile("female", 35), supplements=usual)
    tuesday = MONDAY + dt.timedelta(days=1)
    entries = [_entry(1, MONDAY, "09040", 118.0), _entry(2, tuesday, "09040", 118.0)]
    # Tuesday's logged magnesium takes the place of the profile's; vitamin D stays
    logged = [SupplementEntry(3, tuesday, "magnesium", "citrate", 400.0,
                              "magnesium citrate 400 mg", "magnesium citrate 400 mg", "")]
    report = gap_report(entries, MONDAY, tuesday, targets, bundled, catalogue,
                        today=dt.date(2030, 1, 1), supplements=logged)
    banana = _amount(bundled, "magnesium_mg", "09040", 118)
    magnesium = report.line("magnesium_mg")
    assert dict(magnesium.per_day) == pytest.approx({MONDAY: banana + 200,
                                                     tuesday: banana + 400})
    assert magnesium.short_days == (MONDAY,)  # 200 mg and a banana fall short of 320
    d = report.line("vitamin_d_ug")
    assert d.intake == pytest.approx(25 + _amount(bundled, "vitamin_d_ug", "09040", 118))
    assert not d.short_days
    assert [s.text for s in report.supplements[tuesday]] == [
        "vitamin D 25 µg (1,000 IU)", "magnesium citrate 400 mg"]
    notes = " ".join(report.notes)
    assert "takes the place of your profile's of the same kind" in notes
    # 400 mg of supplemental magnesium passes its 350 mg UL (NIH ODS)
    assert "magnesium supplements give 400 mg a day, above the upper limit of 350 mg" in notes
    doc = format_gaps(report, "json")
    assert '"text": "magnesium citrate 400 mg"' in doc


def test_a_total_over_the_ul_is_an_over_day(bundled: FoodTable, catalogue: Catalogue) -> None:
    from planner.person.supplements import parse_supplement

    calcium = parse_supplement("calcium=2400mg")
    assert calcium is not None
    targets = compute_targets(make_profile("female", 35), supplements=[calcium])
    entries = [_entry(1, MONDAY, "01079", 244.0)]  # a cup of 2 % milk: about 290 mg
    report = gap_report(entries, MONDAY, MONDAY, targets, bundled, catalogue,
                        today=dt.date(2030, 1, 1))
    line = report.line("calcium_mg")
    assert line.cap == 2500 and line.over_days == (MONDAY,)  # food and supplement together
