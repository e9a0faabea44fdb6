"""Amounts of money as the customer reads them."""

from __future__ import annotations

from decimal import Decimal


def yuan(amount: Decimal | float | int) -> str:
    """The number of 元 with thousands separators, cents only when there are any.

    2500 → "2,500"; Decimal("1234.5") → "1,234.50"; 0.1 → "0.10" (a float is
    read as it prints, not as its binary value).
    """
    return f"{Decimal(str(amount)):,.2f}".removesuffix(".00")
