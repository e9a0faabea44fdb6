"""The standard fast-track case of the rule tests: a claim-free individual with full
cover and a small single-vehicle accident reported an hour later; tests vary it."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from bot.rules.fast_track import Accident, Cover, Policyholder

REPORTED = datetime(2026, 5, 20, 10, 0, tzinfo=timezone.utc)
FULL_COVER = Cover(
    compulsory=True, vehicle_damage=True, third_party_limit=2_000_000, deductible_waiver=True
)
CLAIM_FREE = Policyholder(
    is_company=False, claim_free_years=3, claims_this_period=0, cover=FULL_COVER
)
SMALL_SINGLE_VEHICLE = Accident(
    two_vehicle=False,
    anyone_injured=False,
    own_loss=Decimal("2000"),
    third_party_loss=None,
    insured_driving=True,
    insured_reporting=True,
    occurred_at=REPORTED - timedelta(hours=1),
    reported_at=REPORTED,
)
SMALL_TWO_VEHICLE = replace(
    SMALL_SINGLE_VEHICLE, two_vehicle=True, third_party_loss=Decimal("1500")
)
