"""How collected report facts are shown back to the customer (no Rasa import)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.concepts.money import yuan
from bot.dialogue.form_answers import UNKNOWN

NOT_GIVEN = "未填写"


def yes_no(value: bool | None) -> str:
    return NOT_GIVEN if value is None else ("是" if value else "否")


def money(amount: float | Decimal | None) -> str:
    return NOT_GIVEN if amount is None else yuan(amount)


def loss(amount: float | str | None) -> str:
    """A loss as the summary shows it: an estimate, or 待定损 when the customer cannot say."""
    if amount == UNKNOWN:
        return "待定损（由查勘员定损）"
    return NOT_GIVEN if amount is None else f"约{money(amount)}元"


def local_time(iso: str | None, tz: ZoneInfo) -> str:
    if not iso:
        return NOT_GIVEN
    return datetime.fromisoformat(iso).astimezone(tz).strftime("%Y年%m月%d日 %H:%M")


def _with_note(text: str, note: str | None) -> str:
    """The customer's hedge or detail beside the value, so that they confirm it."""
    return f"{text}（您说：{note}）" if note else text


def summary_fields(slots: dict, tz: ZoneInfo) -> dict[str, str]:
    """The placeholders of ``utter_report_summary``."""
    notes = slots.get("answer_notes") or {}
    two_vehicle = slots.get("two_vehicle")
    third_party = ""
    if two_vehicle:
        other = _with_note(loss(slots.get("third_party_loss")), notes.get("third_party_loss"))
        third_party = f"；对方车损失：{other}"
    company = slots.get("is_company")

    def noted(slot: str, text: str) -> str:
        return _with_note(text, notes.get(slot))

    return {
        "time": noted("accident_time", local_time(slots.get("accident_time"), tz)),
        "location": slots.get("accident_location") or NOT_GIVEN,
        "kind": noted(
            "two_vehicle",
            NOT_GIVEN if two_vehicle is None else ("双方事故" if two_vehicle else "单方事故"),
        ),
        "injured": noted("anyone_injured", yes_no(slots.get("anyone_injured"))),
        "drivable": noted("car_drivable", yes_no(slots.get("car_drivable"))),
        "own_loss": noted("own_loss", loss(slots.get("own_loss"))),
        "third_party": third_party,
        "driving": "不适用（单位客户）"
        if company
        else noted("insured_driving", yes_no(slots.get("insured_driving"))),
        "reporting": "不适用（单位客户）"
        if company
        else noted("insured_reporting", yes_no(slots.get("insured_reporting"))),
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
