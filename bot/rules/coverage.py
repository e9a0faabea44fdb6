"""Rider (附加险) codes stored on a policy and their Chinese names (domain.md §2)."""

from __future__ import annotations

RIDERS: dict[str, str] = {
    "body_scratch": "车身划痕损失险",
    "medical_outside_insurance": "医保外医疗费用责任险",
    "holiday_limit_double": "法定节假日限额翻倍险",
    "repair_period_compensation": "修理期间费用补偿险",
    "wheel_damage": "车轮单独损失险",
    "roadside_assistance": "道路救援服务特约",
}


def rider_names(codes: list[str]) -> list[str]:
    """Chinese names of a policy's riders; an unknown code is a data error."""
    return [RIDERS[code] for code in codes]
