"""Accident photos: the type is read from the bytes, limits hold, files live outside a web root."""

import pytest
from sqlalchemy.exc import IntegrityError

from bot.db import repository
from bot.db.models import Photo
from bot.photo_store import PhotoRejected, sniff_image_type, store_photo
from bot.rules.photos import MAX_PHOTO_BYTES, MAX_PHOTOS_PER_REPORT
from tests.db.support import file_report

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
HEIC = b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (HEIC, "image/heic"),
        (b"\x00\x00\x00\x18ftypmif1" + b"\x00" * 8, "image/heic"),
        (b"GIF89a" + b"\x00" * 10, None),
        (b"%PDF-1.7", None),
        (b"<script>", None),
        (b"", None),
    ],
)
def test_the_type_comes_from_the_bytes(data, kind):
    assert sniff_image_type(data) == kind


def test_a_photo_is_stored_under_a_generated_name_and_counted(seeded, tmp_path):
    report = file_report(seeded, "沪A12345", "photo-key")
    first = store_photo(seeded, tmp_path, "test-sender", JPEG).progress
    second = store_photo(seeded, tmp_path, "test-sender", PNG).progress
    assert (first.received, second.received) == (1, 2)
    assert second.expected == 3  # single-vehicle checklist: whole car, close-ups, licences
    stored = sorted(p.name for p in (tmp_path / report.report_number).iterdir())
    assert len(stored) == 2 and all(len(name.split(".")[0]) == 32 for name in stored)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7 not a photo", "utter_photo_wrong_type"),
        (b"", "utter_photo_empty"),
        (JPEG + b"\x00" * MAX_PHOTO_BYTES, "utter_photo_too_large"),
    ],
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


def _file_a_report(session, sender: str) -> None:
    file_report(session, "沪A12345", "photo-key")  # filed from "test-sender"


def _ask_for_a_person(session, sender: str) -> None:
    repository.open_handoff_ticket(session, sender_id=sender, reason="customer_request")
    session.commit()


@pytest.mark.parametrize(
    ("owner", "sender"), [(_file_a_report, "test-sender"), (_ask_for_a_person, "many-sender")]
)
def test_the_twenty_first_photo_of_a_report_or_a_ticket_is_refused(seeded, tmp_path, owner, sender):
    owner(seeded, sender)
    for _ in range(MAX_PHOTOS_PER_REPORT):
        store_photo(seeded, tmp_path, sender, JPEG)
    with pytest.raises(PhotoRejected) as refused:
        store_photo(seeded, tmp_path, sender, JPEG)
    assert refused.value.reason == "utter_photo_limit"
    assert len(list(tmp_path.rglob("*.jpg"))) == MAX_PHOTOS_PER_REPORT


def test_during_a_handoff_without_a_report_the_photo_goes_to_the_ticket(seeded, tmp_path):
    ticket = repository.open_handoff_ticket(
        seeded, sender_id="waiting-sender", reason="customer_request"
    )
    seeded.commit()
    stored = store_photo(seeded, tmp_path, "waiting-sender", JPEG)
    assert stored.for_agent and stored.progress is None
    seeded.refresh(ticket)
    assert [p.report_id for p in ticket.photos] == [None]
    assert ticket.photos[0].stored_name.startswith(f"handoff-{ticket.id}/")
    assert (tmp_path / ticket.photos[0].stored_name).is_file()


def test_during_a_handoff_with_a_report_the_photo_goes_to_the_report(seeded, tmp_path):
    report = file_report(seeded, "沪A12345", "photo-key")
    repository.open_handoff_ticket(
        seeded, sender_id="test-sender", reason="injury", report_id=report.id
    )
    seeded.commit()
    stored = store_photo(seeded, tmp_path, "test-sender", JPEG)
    assert stored.for_agent and stored.progress.report_number == report.report_number
    assert repository.photo_count(seeded, report) == 1


def test_a_closed_ticket_takes_no_more_photos(seeded, tmp_path):
    ticket = repository.open_handoff_ticket(
        seeded, sender_id="done-sender", reason="customer_request"
    )
    repository.end_ticket(seeded, ticket.id, "cancelled", from_statuses=("waiting",))
    seeded.commit()
    with pytest.raises(PhotoRejected) as refused:
        store_photo(seeded, tmp_path, "done-sender", JPEG)
    assert refused.value.reason == "utter_photo_no_report"


def test_a_photo_row_needs_a_report_or_a_ticket(seeded):
    seeded.add(Photo(stored_name="orphan.jpg", content_type="image/jpeg", size_bytes=4))
    with pytest.raises(IntegrityError):
        seeded.flush()
