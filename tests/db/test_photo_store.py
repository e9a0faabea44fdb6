"""Accident photos: decoded and encoded afresh (only the pixels survive), limits hold,
files live outside a web root."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db import repository
from bot.db.models import Photo
from bot.photo_store import PhotoRejected, sniff_image_type, store_photo
from bot.rules.photos import MAX_PHOTO_BYTES, MAX_PHOTOS_PER_REPORT
from tests.db.support import file_report
from tests.images import (
    GPS_IFD,
    RED,
    ROTATED_90,
    centre_colour,
    decoded,
    decompression_bomb,
    heic,
    jpeg,
    phone_exif,
    photo,
    png,
    srgb_profile,
)

JPEG = jpeg()
PNG = png()
PHP = b"<?php system($_GET['c']); ?>"
HTML = b"<html><script>alert(document.cookie)</script></html>"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100, "image/heic"),
        (b"\x00\x00\x00\x18ftypmif1" + b"\x00" * 8, "image/heic"),
        (b"GIF89a" + b"\x00" * 10, None),
        (b"%PDF-1.7", None),
        (b"<script>", None),
        (b"", None),
    ],
)
def test_the_first_sieve_reads_what_the_bytes_claim_to_be(data, kind):
    assert sniff_image_type(data) == kind


def stored_files(photo_dir):
    return sorted(p for p in photo_dir.rglob("*") if p.is_file())


def only_stored(session, photo_dir):
    """The one stored photo: its database row and its bytes."""
    [row] = session.execute(select(Photo)).scalars().all()
    [path] = stored_files(photo_dir)
    assert row.stored_name == path.relative_to(photo_dir).as_posix()
    assert row.size_bytes == path.stat().st_size
    return row, path.read_bytes()


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [
        (JPEG, "image/jpeg", "jpg"),
        (PNG, "image/png", "png"),  # lossless stays lossless (screenshots of documents)
        (heic(), "image/jpeg", "jpg"),  # what iPhones take, stored as what any browser shows
    ],
    ids=["jpeg", "png", "heic"],
)
def test_jpeg_png_and_heic_photos_are_decoded_and_stored_re_encoded(
    seeded, tmp_path, data, content_type, extension
):
    file_report(seeded, "沪A12345", "photo-key")
    store_photo(seeded, tmp_path, "test-sender", data)
    row, stored = only_stored(seeded, tmp_path)
    assert row.content_type == content_type and row.stored_name.endswith(f".{extension}")
    image = decoded(stored)
    assert image.format == {"jpg": "JPEG", "png": "PNG"}[extension]
    assert image.size == (32, 24)
    assert centre_colour(image) == pytest.approx(RED, abs=8)


@pytest.mark.parametrize(
    "polyglot",
    [
        JPEG + PHP,
        JPEG + HTML,
        photo("JPEG", comment=PHP),  # hidden in a JPEG comment, which Pillow would copy
        photo("JPEG", icc_profile=srgb_profile() + HTML),
        PNG + HTML,
    ],
    ids=["jpeg+php", "jpeg+html", "jpeg comment", "icc profile", "png+html"],
)
def test_a_polyglot_is_stored_as_its_picture_alone(seeded, tmp_path, polyglot):
    file_report(seeded, "沪A12345", "photo-key")
    store_photo(seeded, tmp_path, "test-sender", polyglot)
    _, stored = only_stored(seeded, tmp_path)
    assert PHP not in stored and b"<html" not in stored and b"<?php" not in stored
    image = decoded(stored)
    assert (
        image.size == (32, 24) and "comment" not in image.info and "icc_profile" not in image.info
    )


@pytest.mark.parametrize("kind", ["JPEG", "HEIF"])
def test_exif_is_dropped_after_turning_the_photo_the_way_the_camera_was_held(
    seeded, tmp_path, kind
):
    sent = photo(kind, size=(40, 20), exif=phone_exif(ROTATED_90).tobytes())
    assert decoded(sent).getexif().get_ifd(GPS_IFD)  # the phone did record where it was
    file_report(seeded, "沪A12345", "photo-key")
    store_photo(seeded, tmp_path, "test-sender", sent)
    _, stored = only_stored(seeded, tmp_path)
    image = decoded(stored)
    assert image.size == (20, 40)  # upright
    assert not image.getexif() and b"Exif" not in stored
    assert b"GPS" not in stored and "exif" not in image.info


def test_a_photo_with_more_pixels_than_a_phone_camera_is_refused_before_decoding(seeded, tmp_path):
    bomb = decompression_bomb((8000, 8000))  # 64 megapixels: ~200 MB decoded as RGB
    assert len(bomb) < 100_000
    file_report(seeded, "沪A12345", "photo-key")
    with pytest.raises(PhotoRejected) as refused:
        store_photo(seeded, tmp_path, "test-sender", bomb)
    assert refused.value.reason == "utter_photo_too_many_pixels"
    assert stored_files(tmp_path) == []


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
        (photo("GIF"), "utter_photo_wrong_type"),  # a real image, but no camera's format
        (JPEG[: len(JPEG) // 2], "utter_photo_wrong_type"),  # truncated
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8, "utter_photo_wrong_type"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "utter_photo_wrong_type"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100, "utter_photo_wrong_type"),
        (b"", "utter_photo_empty"),
        (JPEG + b"\x00" * MAX_PHOTO_BYTES, "utter_photo_too_large"),
    ],
    ids=[
        "pdf",
        "gif",
        "truncated jpeg",
        "jpeg header",
        "png header",
        "heic header",
        "empty",
        "big",
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(seeded, tmp_path, data, reason):
    file_report(seeded, "沪A12345", "photo-key")
    with pytest.raises(PhotoRejected) as refused:
        store_photo(seeded, tmp_path, "test-sender", data)
    assert refused.value.reason == reason
    assert stored_files(tmp_path) == []


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
