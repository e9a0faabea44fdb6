"""How collected report facts are shown back to the customer (no Rasa import)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.concepts.money import yuan

NOT_GIVEN = "未填写"


def yes_no(value: bool | None) -> str:
    return NOT_GIVEN if value is None else ("是" if value else "否")


def money(amount: float | Decimal | None) -> str:
    if amount is None:
        return NOT_GIVEN
    return yuan(amount)


def local_time(iso: str | None, tz: ZoneInfo) -> str:
    if not iso:
        return NOT_GIVEN
    return datetime.fromisoformat(iso).astimezone(tz).strftime("%Y年%m月%d日 %H:%M")


def summary_fields(slots: dict, tz: ZoneInfo) -> dict[str, str]:
    """The placeholders of ``utter_report_summary``."""
    two_vehicle = slots.get("two_vehicle")
    third_party = ""
    if two_vehicle:
        third_party = f"；对方车损失：约{money(slots.get('third_party_loss'))}元"
    return {
        "time": local_time(slots.get("accident_time"), tz),
        "location": slots.get("accident_location") or NOT_GIVEN,
        "kind": NOT_GIVEN if two_vehicle is None else ("双方事故" if two_vehicle else "单方事故"),
        "injured": yes_no(slots.get("anyone_injured")),
        "drivable": yes_no(slots.get("car_drivable")),
        "own_loss": money(slots.get("own_loss")),
        "third_party": third_party,
        "driving": "不适用（单位客户）"
        if slots.get("is_company")
        else yes_no(slots.get("insured_driving")),
        "reporting": "不适用（单位客户）"
        if slots.get("is_company")
        else yes_no(slots.get("insured_reporting")),
        "description": slots.get("description") or NOT_GIVEN,
    }


def reasons_text(failed: list[dict]) -> str:
    """The failed fast-track conditions as a numbered list, each reason followed by what
    the customer can do next (domain.md §1); a next step already said is not repeated."""
    lines, said = [], set()
    for i, item in enumerate(failed, start=1):
        step = item.get("next_step") or ""
        lines.append(f"{i}. {item['reason']}{'' if step in said else step}")
        said.add(step)
    return "\n".join(lines)
