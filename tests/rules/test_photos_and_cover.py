"""The photo checklist of domain.md §4 and the rider names of §2."""

import subprocess
import sys

import pytest

from bot.rules.coverage import rider_names
from bot.rules.photos import checklist_for, missing_items


def test_a_single_vehicle_accident_needs_three_kinds_of_photo():
    assert [item.code for item in checklist_for(two_vehicle=False)] == [
        "whole_car",
        "damage_closeup",
        "licences",
    ]


def test_a_two_vehicle_accident_also_needs_the_scene_and_the_other_plate():
    codes = [item.code for item in checklist_for(two_vehicle=True)]
    assert codes == ["whole_car", "damage_closeup", "scene_positions", "other_plate", "licences"]


def test_the_missing_photos_are_those_no_photo_was_tagged_with():
    missing = missing_items({"whole_car", "licences"}, two_vehicle=False)
    assert [item.label for item in missing] == ["每个受损部位的近照"]


def test_rider_codes_have_chinese_names_and_unknown_codes_are_errors():
    assert rider_names(["body_scratch"]) == ["车身划痕损失险"]
    with pytest.raises(KeyError):
        rider_names(["free_car_wash"])


def test_the_business_rules_import_neither_rasa_nor_the_database():
    code = (
        "import sys, bot.rules.fast_track, bot.rules.identity, bot.rules.workdays, "
        "bot.rules.status, bot.rules.photos, bot.rules.coverage; "
        "print(sorted(m for m in ('rasa', 'rasa_sdk', 'sqlalchemy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
