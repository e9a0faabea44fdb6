"""Policy, claim, rating and photo texts read or written by the account actions (no Rasa)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.rules.coverage import rider_names
from bot.rules.fast_track import ExpertTeamRefusal, expert_team_refusal
from bot.rules.status import DESCRIPTIONS

SCORE_WORDS = (  # most specific first: "非常不满意" before "满意"
    ("非常不满意", 1),
    ("很不满意", 1),
    ("很差", 1),
    ("太差", 1),
    ("不满意", 2),
    ("差", 2),
    ("一般", 3),
    ("还行", 3),
    ("非常满意", 5),
    ("很满意", 5),
    ("满意", 4),
    ("不错", 4),
)
CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
SCORE = re.compile(r"(?<!\d)([1-5])(?!\d)\s*(分|星)?|([一二两三四五])\s*(分|星)")

# What a customer says a photo shows → the checklist item (bot.rules.photos).
PHOTO_WORDS = (
    (re.compile(r"对方.{0,4}(车牌|牌照)"), "other_plate"),
    (re.compile(r"驾驶证|行驶证|驾照|证件"), "licences"),
    (re.compile(r"现场|全景|位置|两车"), "scene_positions"),
    (
        re.compile(r"特写|近景|近照|受损|损坏|划痕|凹陷|刮|撞|保险杠|车门|车灯|大灯|叶子板"),
        "damage_closeup",
    ),
    (re.compile(r"车牌|整车|全车|车身|全貌"), "whole_car"),
)


def parse_score(text: str) -> int | None:
    """A 1–5 satisfaction score from "5分", "打四分", "非常满意"…; None if there is none."""
    match = SCORE.search(text)
    if match:
        return int(match.group(1)) if match.group(1) else CHINESE_DIGITS[match.group(3)]
    for word, score in SCORE_WORDS:
        if word in text:
            return score
    return None


def photo_item(text: str) -> str | None:
    for pattern, code in PHOTO_WORDS:
        if pattern.search(text):
            return code
    return None


def cover_lines(policy) -> str:  # noqa: ANN001 - a bot.db.models.Policy
    lines = []
    if policy.has_compulsory:
        lines.append("• 交强险")
    if policy.has_vehicle_damage:
        lines.append("• 车损险（机动车损失保险）")
    if policy.third_party_limit:
        lines.append(f"• 三者险，保额 {policy.third_party_limit // 10000} 万元")
    if policy.has_passenger_liability:
        lines.append("• 车上人员责任险")
    lines.append("• 不计免赔：" + ("已投保" if policy.deductible_waiver else "未投保"))
    riders = rider_names(policy.riders or [])
    if riders:
        lines.append("• 附加险：" + "、".join(riders))
    return "\n".join(lines)


def history_lines(report, tz: ZoneInfo) -> str:  # noqa: ANN001 - a bot.db.models.Report
    return "\n".join(
        f"{change.changed_at.astimezone(tz):%m月%d日 %H:%M} {change.status}"
        for change in sorted(report.status_history, key=lambda c: c.changed_at)
    )


def status_text(status: str) -> str:
    return f"{status}（{DESCRIPTIONS.get(status, '')}）"


def local_date(moment: datetime, tz: ZoneInfo) -> str:
    return f"{moment.astimezone(tz):%Y年%m月%d日}"


# What the bot says when the expert team is asked for but not available: the
# condition that failed (domain.md §1), or that there is no report to attach it to.
EXPERT_TEAM_REFUSALS = {
    ExpertTeamRefusal.COMPANY: "utter_expert_team_company",
    ExpertTeamRefusal.NOT_CLAIM_FREE: "utter_expert_team_not_claim_free",
    ExpertTeamRefusal.LOSS_NOT_LARGE: "utter_expert_team_loss_not_large",
}


def expert_team_refusal_of(report) -> ExpertTeamRefusal | None:  # noqa: ANN001 - a Report
    """The expert team's conditions on a filed report, from what was stored with it."""
    failed = {item["name"] for item in report.fast_track_reasons or []}
    return expert_team_refusal(
        is_company=report.customer.is_company,
        claim_free="three_claim_free_years" not in failed,
        total_loss=(report.own_loss or 0) + (report.third_party_loss or 0),
    )


# Words that only say "I complain", not what about ("我要投诉你们").
_COMPLAINT_WORDS = re.compile(
    r"我|要|想|投诉|举报|反映|反馈|一下|你们|您们|登记|提交|帮|给|一个|个|问题|的|了|他|她|"
    r"[\s,.!?，。！？、~～]"
)
GRIEVANCE_MIN_CHARS = 6


def states_grievance(text: str) -> bool:
    """Whether a complaint already says what went wrong ("定损员态度太差了 我要投诉他"),
    so that it is registered with these words instead of asking again."""
    return len(_COMPLAINT_WORDS.sub("", text)) >= GRIEVANCE_MIN_CHARS
