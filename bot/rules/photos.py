"""The fast-track photo checklist (domain.md §4) and the per-report photo limits."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PHOTOS_PER_REPORT = 20
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # 10 MB
# A 50-megapixel phone camera (8160 × 6144) fits; a small file claiming more pixels
# is a decompression bomb and is refused before it is decoded.
MAX_PHOTO_PIXELS = 60_000_000


@dataclass(frozen=True)
class ChecklistItem:
    code: str  # stored on the photo row
    label: str  # what the bot asks for
    two_vehicle_only: bool = False


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("whole_car", "车辆全貌照片（能看清车牌）"),
    ChecklistItem("damage_closeup", "每个受损部位的近照"),
    ChecklistItem("scene_positions", "能看出两车位置的现场照片", two_vehicle_only=True),
    ChecklistItem("other_plate", "对方车辆的车牌照片", two_vehicle_only=True),
    ChecklistItem("licences", "驾驶证和行驶证照片"),
)

CHECKLIST_CODES: tuple[str, ...] = tuple(item.code for item in CHECKLIST)


def checklist_for(two_vehicle: bool) -> tuple[ChecklistItem, ...]:
    """The photos an accident of this kind needs, in the order the bot asks for them."""
    return tuple(item for item in CHECKLIST if two_vehicle or not item.two_vehicle_only)


def missing_items(tagged: set[str], two_vehicle: bool) -> tuple[ChecklistItem, ...]:
    """Checklist items no photo has been tagged with yet."""
    return tuple(item for item in checklist_for(two_vehicle) if item.code not in tagged)
