"""Indicator tables in every text layout the reader rebuilds, and in those it cannot rebuild.

Each test is one layout (docs/layouts.md, "Indicator tables"), with a form of our own: the whole
report goes through the text reader and the extraction pipeline, and the indicators come out with
their tiers, comparison, target, actual and unit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extract.indicators.model import indicator_name
from kg.extract.indicators.values import normalise_unit, parse_value
from kg.lexicon.measures import is_unit

D = Decimal


# -- the pieces ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("★★★示例受助人数(月均)(≥**人)", "示例受助人数(月均)"),
        ("示例受益人数≥**人", "示例受益人数"),
        ("★其中:示例覆盖率(≥**%)", "示例覆盖率"),
        ("示例最高额度(<**元/户·年)——单户不超过500元", "示例最高额度——单户不超过500元"),
        ("示例知晓率(%)", "示例知晓率(%)"),
    ],
)
def test_indicator_names_drop_marks_placeholders_and_part_words(written: str, name: str) -> None:
    assert indicator_name(written) == name


@pytest.mark.parametrize(
    ("text", "unit"), [("%", True), ("%(百分比)", True), ("人次", True), ("元/人*月", True), ("万元", True),
                       ("完成", False), ("2021年", False), ("达标", False)]
)  # fmt: skip
def test_cells_that_hold_only_a_unit(text: str, unit: bool) -> None:
    assert is_unit(text) is unit


def test_units_with_a_gloss_or_a_star() -> None:
    assert normalise_unit("%(百分比)") == "%"
    assert parse_value(">= 97 %(百分比)") == parse_value("≥97%")
    assert parse_value(">=480元/人*月").unit == "元/人*月"
