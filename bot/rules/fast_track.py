"""Who may leave the scene: the fast track for claim-free customers (domain.md §4, §10).

The conditions of 小额案件授权/授信 are the table `CONDITIONS` below; a
reader finds every rule, its Chinese explanation and what the customer can do
next in one place. `decide()` evaluates the table and returns one of three
outcomes: eligible (授权 or 授信, the customer chooses), wait for the surveyor,
or the injury path (any injury; never the leave-the-scene message).

Product decision — large losses (大额赔案专家团队): domain.md offers the expert
team to a claim-free customer with a "major" loss but sets no amount. We offer
it to claim-free individual customers whose estimated property loss (own car
plus the other party) is over 50,000 元: that is well above the small-loss
limits (3,000 / 2,000 元) and the 交强险 property limit (2,000 元), and is the
size at which a case usually needs a dedicated large-loss assessor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum

from bot.concepts.money import yuan

OWN_LOSS_LIMIT = Decimal("3000")  # 元, own car, single- or two-vehicle accident
THIRD_PARTY_LOSS_LIMIT = Decimal("2000")  # 元, the other car, two-vehicle accident
REQUIRED_CLAIM_FREE_YEARS = 3  # the core system's "-3" mark
REPORTING_WINDOW = timedelta(hours=48)
LARGE_LOSS_THRESHOLD = Decimal("50000")  # 元, see the module docstring


@dataclass(frozen=True)
class Cover:
    """The parts of the current policy the fast track looks at."""

    compulsory: bool  # 交强险
    vehicle_damage: bool  # 车损险
    third_party_limit: int | None  # 三者险 limit in 元; None = not insured
    deductible_waiver: bool  # 不计免赔

    def missing_for_fast_track(self) -> tuple[str, ...]:
        required = (
            ("交强险", self.compulsory),
            ("车损险", self.vehicle_damage),
            ("三者险", bool(self.third_party_limit)),
            ("不计免赔", self.deductible_waiver),
        )
        return tuple(name for name, held in required if not held)


@dataclass(frozen=True)
class Policyholder:
    """The customer as the claims history shows them on the day of the accident."""

    is_company: bool
    claim_free_years: int  # consecutive policy years with us, before this one, without a claim
    claims_this_period: int  # earlier claims in the current period (withdrawn ones excluded)
    cover: Cover


@dataclass(frozen=True)
class Accident:
    """The facts collected by the report conversation."""

    two_vehicle: bool
    anyone_injured: bool
    own_loss: Decimal | None  # 元, the customer's estimate; None: cannot say (待定损)
    third_party_loss: Decimal | None  # 元, the other car; two-vehicle only; None: unknown
    insured_driving: bool
    insured_reporting: bool
    occurred_at: datetime
    reported_at: datetime
    # The bot only ever pays the insured's own account (domain.md §3), so this
    # holds for every chat report; it is a fact so the rule stays visible.
    paid_to_insured_account: bool = True

    @property
    def total_loss(self) -> Decimal:
        """What is known of the loss; an unknown part counts as nothing yet."""
        return (self.own_loss or Decimal(0)) + (self.third_party_loss or Decimal(0))

    @property
    def loss_known(self) -> bool:
        """Every loss the fast track weighs has an estimate."""
        return self.own_loss is not None and (
            not self.two_vehicle or self.third_party_loss is not None
        )


Check = Callable[[Policyholder, Accident], bool]


@dataclass(frozen=True)
class Condition:
    name: str
    reason: str  # why the condition failed; may use the fields of `_facts()`
    next_step: str  # what the customer can do about it
    holds: Check
    applies: Check = lambda holder, accident: True


def _within_loss_limits(holder: Policyholder, accident: Accident) -> bool:
    """No known part of the loss over its limit (an unknown part is `loss_estimated`'s)."""
    own, other = accident.own_loss, accident.third_party_loss
    if own is not None and own > OWN_LOSS_LIMIT:
        return False
    return not accident.two_vehicle or other is None or other <= THIRD_PARTY_LOSS_LIMIT


WAIT_FOR_ASSESSMENT = "请留在现场，在安全的地方等查勘员来查勘定损。"

CONDITIONS: tuple[Condition, ...] = (
    Condition(
        name="individual_customer",
        reason="快速理赔通道只面向个人客户，单位（公司）名下的车辆不适用。",
        next_step="本次按常规流程处理：请留在现场，在安全的地方等查勘员联系。",
        holds=lambda holder, accident: not holder.is_company,
    ),
    Condition(
        name="three_claim_free_years",
        reason="需要连续三个保险年度在本公司投保且没有出险，您目前连续未出险的年数为 "
        "{claim_free_years} 年。",
        next_step="本次按常规流程处理；连续三年无赔款后即可享受快速理赔服务。",
        holds=lambda holder, accident: holder.claim_free_years >= REQUIRED_CLAIM_FREE_YEARS,
    ),
    Condition(
        name="first_claim_this_period",
        reason="快速理赔只适用于本保单期内的第一次出险，本保单期内您已有 "
        "{claims_this_period} 次出险记录。",
        next_step="本次按常规流程处理，请等待查勘员联系。",
        holds=lambda holder, accident: holder.claims_this_period == 0,
    ),
    Condition(
        name="full_cover",
        reason="需要同时投保交强险、车损险、三者险和不计免赔，您的保单缺少：{missing_cover}。",
        next_step="本次按常规流程处理；续保时可以补充投保{missing_cover}。",
        holds=lambda holder, accident: not holder.cover.missing_for_fast_track(),
    ),
    Condition(
        name="insured_drove_and_reported",
        reason="快速理赔要求出险时由被保险人本人驾驶，并由被保险人本人报案。",
        next_step="本次按常规流程处理，请等待查勘员联系；也可以请被保险人本人与我们联系。",
        holds=lambda holder, accident: accident.insured_driving and accident.insured_reporting,
        # domain.md §10: for a company the driver is never "the insured person".
        applies=lambda holder, accident: not holder.is_company,
    ),
    Condition(
        name="paid_to_insured_account",
        reason="赔款只能支付到被保险人本人的账户。",
        next_step="请准备被保险人本人的银行卡，按常规流程处理。",
        holds=lambda holder, accident: accident.paid_to_insured_account,
    ),
    Condition(
        name="nobody_injured",
        reason="事故中有人受伤，不能走小额快赔通道，也不能先行离开现场。",
        next_step="请先确保安全：开启危险报警灯，在车后放好警示三角牌，重伤者不要随意搬动；"
        "拨打 120 急救和 122 报警，保护好现场；人伤服务专员会一对一联系您，全程指导后续处理。",
        holds=lambda holder, accident: not accident.anyone_injured,
    ),
    Condition(
        name="loss_estimated",
        reason="小额快赔要先确定损失在限额以内（本车 3,000 元、对方车 2,000 元），"
        "您暂时估不出损失（{loss_summary}）。",
        next_step=WAIT_FOR_ASSESSMENT,
        holds=lambda holder, accident: accident.loss_known,
    ),
    Condition(
        name="loss_within_limits",
        reason="小额快赔的限额是：本车损失 3,000 元以内，双方事故时对方车损失 2,000 元以内；"
        "您估计的损失（{loss_summary}）超出了限额。",
        next_step=WAIT_FOR_ASSESSMENT,
        holds=_within_loss_limits,
    ),
)


class Outcome(str, Enum):
    ELIGIBLE = "eligible"  # may leave the scene: 授权 or 授信
    WAIT_FOR_SURVEYOR = "wait_for_surveyor"
    INJURY_PATH = "injury_path"


class SettlementMode(str, Enum):
    AUTHORISED = "授权"  # photos now, leave the scene, paid 1 working day after documents
    CREDIT = "授信"  # no waiting at all, paid the same day once documents are complete


DEFAULT_MODE = SettlementMode.AUTHORISED  # domain.md §10: when the customer does not choose


@dataclass(frozen=True)
class FailedCondition:
    name: str
    reason: str
    next_step: str


@dataclass(frozen=True)
class FastTrackDecision:
    outcome: Outcome
    failed: tuple[FailedCondition, ...]
    own_damage_covered: bool  # False without 车损险: the report is taken all the same
    late_report: bool  # reported more than 48 hours after the accident
    expert_team_offered: bool  # 大额赔案专家团队

    @property
    def may_leave_scene(self) -> bool:
        return self.outcome is Outcome.ELIGIBLE

    @property
    def settlement_modes(self) -> tuple[SettlementMode, ...]:
        return tuple(SettlementMode) if self.may_leave_scene else ()

    def failed_as_json(self) -> list[dict[str, str]]:
        return [vars(condition).copy() for condition in self.failed]


def _facts(holder: Policyholder, accident: Accident) -> dict[str, object]:
    """The values a condition's Chinese text may quote."""
    own = accident.own_loss
    losses = f"本车 {yuan(own)} 元" if own is not None else "本车损失待定损"
    if accident.two_vehicle:
        other = accident.third_party_loss
        losses += f"、对方车 {yuan(other)} 元" if other is not None else "、对方车损失待定损"
    return {
        "claim_free_years": holder.claim_free_years,
        "claims_this_period": holder.claims_this_period,
        "missing_cover": "、".join(holder.cover.missing_for_fast_track()),
        "loss_summary": losses,
    }


def failed_conditions(holder: Policyholder, accident: Accident) -> tuple[FailedCondition, ...]:
    """Every applicable condition of the table that does not hold, in table order."""
    facts = _facts(holder, accident)
    return tuple(
        FailedCondition(c.name, c.reason.format(**facts), c.next_step.format(**facts))
        for c in CONDITIONS
        if c.applies(holder, accident) and not c.holds(holder, accident)
    )


class ExpertTeamRefusal(str, Enum):
    """Why a customer may not ask for the expert team: the first condition that fails."""

    COMPANY = "company"
    NOT_CLAIM_FREE = "not_claim_free"
    LOSS_NOT_LARGE = "loss_not_large"


def expert_team_refusal(
    *, is_company: bool, claim_free: bool, total_loss: Decimal
) -> ExpertTeamRefusal | None:
    """None when a claim-free individual customer has a large loss (the expert team's
    three conditions), else the first condition that fails."""
    if is_company:
        return ExpertTeamRefusal.COMPANY
    if not claim_free:
        return ExpertTeamRefusal.NOT_CLAIM_FREE
    if total_loss <= LARGE_LOSS_THRESHOLD:
        return ExpertTeamRefusal.LOSS_NOT_LARGE
    return None


def offers_expert_team(holder: Policyholder, accident: Accident) -> bool:
    """A claim-free individual customer with a large loss may ask for the expert team."""
    refusal = expert_team_refusal(
        is_company=holder.is_company,
        claim_free=holder.claim_free_years >= REQUIRED_CLAIM_FREE_YEARS,
        total_loss=accident.total_loss,
    )
    return refusal is None


def is_late_report(accident: Accident) -> bool:
    return accident.reported_at - accident.occurred_at > REPORTING_WINDOW


def decide(holder: Policyholder, accident: Accident) -> FastTrackDecision:
    """Evaluate the fast-track table for one accident report."""
    failed = failed_conditions(holder, accident)
    if accident.anyone_injured:
        outcome = Outcome.INJURY_PATH
    elif failed:
        outcome = Outcome.WAIT_FOR_SURVEYOR
    else:
        outcome = Outcome.ELIGIBLE
    return FastTrackDecision(
        outcome=outcome,
        failed=failed,
        own_damage_covered=holder.cover.vehicle_damage,
        late_report=is_late_report(accident),
        expert_team_offered=offers_expert_team(holder, accident),
    )
