"""Accident photos: the type is read from the bytes, limits hold, files live outside a web root."""

import pytest

from bot.photo_store import PhotoRejected, sniff_image_type, store_photo
from bot.rules.photos import MAX_PHOTO_BYTES, MAX_PHOTOS_PER_REPORT
from tests.db.support import file_report

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
HEIC = b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100


@pytest.mark.parametrize(
    ("data", "kind"),
    [(JPEG, "image/jpeg"), (PNG, "image/png"), (HEIC, "image/heic"),
     (b"\x00\x00\x00\x18ftypmif1" + b"\x00" * 8, "image/heic"),
     (b"GIF89a" + b"\x00" * 10, None), (b"%PDF-1.7", None), (b"<script>", None), (b"", None)],
)
def test_the_type_comes_from_the_bytes(data, kind):
    assert sniff_image_type(data) == kind


def test_a_photo_is_stored_under_a_generated_name_and_counted(seeded, tmp_path):
    report = file_report(seeded, "沪A12345", "photo-key")
    first = store_photo(seeded, tmp_path, "test-sender", JPEG)
    second = store_photo(seeded, tmp_path, "test-sender", PNG)
    assert (first.received, second.received) == (1, 2)
    assert second.expected == 3  # single-vehicle checklist: whole car, close-ups, licences
    stored = sorted(p.name for p in (tmp_path / report.report_number).iterdir())
    assert len(stored) == 2 and all(len(name.split(".")[0]) == 32 for name in stored)


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"%PDF-1.7 not a photo", "utter_photo_wrong_type"), (b"", "utter_photo_empty"),
     (JPEG + b"\x00" * MAX_PHOTO_BYTES, "utter_photo_too_large")],
)
def test_bad_files_are_refused_and_nothing_is_stored(seeded, tmp_path, data, reason):
    file_report(seeded, "沪A12345", "photo-key")
    with pytest.raises(PhotoRejected) as refused:
        store_photo(seeded, tmp_path, "test-sender", data)
    assert refused.value.reason == reason
    assert not any(tmp_path.rglob("*.*"))


def test_a_conversation_without_a_report_cannot_upload(seeded, tmp_path):
    with pytest.raises(PhotoRejected) as refused:
        store_photo(seeded, tmp_path, "someone-else", JPEG)
    assert refused.value.reason == "utter_photo_no_report"


def test_the_twenty_first_photo_is_refused(seeded, tmp_path):
    file_report(seeded, "沪A12345", "photo-key")
    for _ in range(MAX_PHOTOS_PER_REPORT):
        store_photo(seeded, tmp_path, "test-sender", JPEG)
    with pytest.raises(PhotoRejected) as refused:
        store_photo(seeded, tmp_path, "test-sender", JPEG)
    assert refused.value.reason == "utter_photo_limit"
    assert len(list(tmp_path.rglob("*.jpg"))) == MAX_PHOTOS_PER_REPORT
