"""Synthetic policyholders for load runs, and the accident each one reports.

They are written only into the database a load run is pointed at (never into
the demo data): individual customers with three claim-free years and the full
cover the fast track asks for (交强 + 车损 + 三者 + 不计免赔), plates 鲁Q00000,
鲁Q00001 … and phones 1390000xxxx. Whether a report may take the fast track
then depends only on the accident, which varies with the customer's number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from bot.db import seed
from bot.db.schema import upgrade_to_head
from bot.db.session import make_engine, make_session_factory
from bot.settings import load_settings

LOCATIONS = (
    "人民广场附近的停车场",
    "延安路和华山路路口",
    "世纪大道地铁站出口",
    "南京东路步行街旁边",
    "浦东机场高速收费站",
)
# What happened, told in the customer's words: it must agree with the vehicle count.
# (Phrasings the current model misreads are left out: "等红灯时被后车追尾" is not
# understood and asked again; "排队时被后面的车轻轻顶了一下" turns a two-vehicle
# accident into a single-vehicle one. A load run should not trip over NLU gaps.)
SINGLE_VEHICLE_DESCRIPTIONS = ("拐弯时蹭到了护栏", "停车时碰到了路边的石墩")
TWO_VEHICLE_DESCRIPTIONS = ("变道时和旁边的车刮了一下",)
# (what the customer says, minutes ago)
TIMES = (("半小时前", 30), ("一小时前", 60), ("二十分钟前", 20), ("两个小时前", 120))
# (what the customer says, amount in 元)
OWN_LOSSES = (("两千", 2000), ("一千五", 1500), ("两千八", 2800), ("四千", 4000), ("3000元", 3000))
THIRD_PARTY_LOSSES = (("一千五", 1500), ("两千五", 2500), ("八百", 800))


@dataclass(frozen=True)
class Accident:
    """What one synthetic customer reports, in their words and as stored facts."""

    plate: str
    phone_tail: str
    answers: dict[str, str]  # utter_ask_* question → the customer's reply
    minutes_ago: int
    location: str
    two_vehicle: bool
    own_loss: Decimal
    third_party_loss: Decimal | None
    description: str

    @property
    def fast_track_outcome(self) -> str:
        """domain.md §4 limits for a claim-free customer with full cover, nobody hurt."""
        within = self.own_loss <= 3000 and (self.third_party_loss or 0) <= 2000
        return "eligible" if within else "wait_for_surveyor"


def plate(number: int) -> str:
    return f"鲁Q{number:05d}"


def phone(number: int) -> str:
    return f"1390000{number % 10_000:04d}"


def accident(number: int) -> Accident:
    """Customer `number`'s accident: the facts cycle through the tables above."""
    time_words, minutes = TIMES[number % len(TIMES)]
    own_words, own = OWN_LOSSES[number % len(OWN_LOSSES)]
    two_vehicle = number % 3 == 2
    tp_words, tp = THIRD_PARTY_LOSSES[number % len(THIRD_PARTY_LOSSES)]
    location = LOCATIONS[number % len(LOCATIONS)]
    descriptions = TWO_VEHICLE_DESCRIPTIONS if two_vehicle else SINGLE_VEHICLE_DESCRIPTIONS
    description = descriptions[number % len(descriptions)]
    answers = {
        "utter_ask_identity_key": plate(number),
        "utter_ask_phone_tail": phone(number)[-4:],
        "utter_ask_accident_time": time_words,
        "utter_ask_accident_location": location,
        "utter_ask_two_vehicle": "和另一辆车撞了" if two_vehicle else "只有我一辆车",
        "utter_ask_anyone_injured": "没人受伤",
        "utter_ask_car_drivable": "车还能开",
        "utter_ask_own_loss": own_words,
        "utter_ask_third_party_loss": tp_words,
        "utter_ask_insured_driving": "是我本人开的",
        "utter_ask_insured_reporting": "是我本人在报案",
        "utter_ask_description": description,
    }
    return Accident(
        plate(number),
        phone(number)[-4:],
        answers,
        minutes,
        location,
        two_vehicle,
        Decimal(own),
        Decimal(tp) if two_vehicle else None,
        description,
    )


def seed_customers(url: str, numbers: range) -> None:
    """Create the schema if needed and the customers `numbers` (existing ones are kept)."""
    upgrade_to_head(url)
    settings = load_settings()
    engine = make_engine(url)
    today = datetime.now(settings.timezone).date()
    current_start = today - timedelta(days=seed.DAYS_INTO_CURRENT_PERIOD)
    with make_session_factory(engine)() as session:
        for number in numbers:
            customer = seed.DemoCustomer(
                f"压测客户{number:05d}",
                "individual",
                phone(number),
                plate(number),
                f"PDAA202637{number:010d}",
                True,
                1_000_000,
                True,
                3,
            )
            # The demo data's own loader: the same policy years, no claims.
            seed._seed_customer(session, customer, current_start)  # noqa: SLF001
        session.commit()
    engine.dispose()
