"""Labels of government levels and budget phases, and amounts as people read them."""

from __future__ import annotations

from decimal import Decimal

from kg.lexicon.words import words

LEVEL_LABEL: dict[str, str] = dict(words()["government_levels"])
LEVEL_ORDER: tuple[str, ...] = tuple(LEVEL_LABEL)  # top (central) first
PHASE_LABEL: dict[str, str] = dict(words()["budget_phases"])
PHASE_ORDER: tuple[str, ...] = tuple(PHASE_LABEL)


def level_rank(notation: str) -> int:
    """0 for central, 1 for province …; unknown notations sort last."""
    return LEVEL_ORDER.index(notation) if notation in LEVEL_ORDER else len(LEVEL_ORDER)


def wan_text(value: Decimal) -> str:
    """An amount in yuan written in 万元, exactly (18640207.36 → 1864.020736万元): one unit for a whole tree."""
    return f"{(value / Decimal(10000)).normalize():f}万元"


def signed_wan(difference: Decimal) -> str:
    """A difference in 万元 with its sign: +10万元, −0.5万元, 0万元."""
    return ("+" if difference > 0 else "−" if difference < 0 else "") + wan_text(abs(difference))


def yuan_text(value: Decimal) -> str:
    """An amount in yuan as reports write it: 749万元 when it is whole hundreds, else 1234.5元."""
    wan = value / Decimal(10000)
    return f"{wan.normalize():f}万元" if value % 100 == 0 else f"{value:f}元"
