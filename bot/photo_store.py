"""Accident photos: check what a file really is, store it, attach it to the report.

No Rasa import. The type is read from the file's first bytes, never from its
name or the client's Content-Type; files are stored outside any web root
under generated names (``<PHOTO_DIR>/<报案号>/<uuid>.<ext>``, or
``<PHOTO_DIR>/handoff-<ticket>/<uuid>.<ext>`` for a photo sent to an agent
before any report was filed).
"""

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import repository
from bot.db.models import Report
from bot.rules.photos import MAX_PHOTO_BYTES, checklist_for

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/heic": "heic"}


class PhotoRejected(Exception):
    """Why a file was refused; ``reason`` names the domain response that explains it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PhotoProgress:
    report_number: str
    received: int
    expected: int  # items on the photo checklist for this kind of accident


@dataclass(frozen=True)
class StoredPhoto:
    """Where an accepted photo went: the conversation's report (with the checklist
    progress), or, with no report yet, the handoff ticket an agent is looking at."""

    progress: PhotoProgress | None
    for_agent: bool  # the conversation is with, or waiting for, a human agent


def sniff_image_type(data: bytes) -> str | None:
    """The image type the bytes really are: JPEG, PNG or HEIC/HEIF, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "image/heic"
    return None


def report_for_conversation(session: Session, sender_id: str) -> Report | None:
    """The newest report filed from this conversation: photos go to it and nowhere else."""
    query = (
        select(Report)
        .where(Report.sender_id == sender_id)
        .order_by(Report.reported_at.desc(), Report.id.desc())
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()


def progress(session: Session, report: Report) -> PhotoProgress:
    return PhotoProgress(
        report_number=report.report_number,
        received=repository.photo_count(session, report),
        expected=len(checklist_for(report.two_vehicle)),
    )


def store_photo(session: Session, photo_dir: Path, sender_id: str, data: bytes) -> StoredPhoto:
    """Check, store and attach one photo; raises PhotoRejected with the reason."""
    if not data:
        raise PhotoRejected("utter_photo_empty")
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoRejected("utter_photo_too_large")
    content_type = sniff_image_type(data)
    if content_type is None:
        raise PhotoRejected("utter_photo_wrong_type")
    report = report_for_conversation(session, sender_id)
    ticket = repository.live_ticket_for_sender(session, sender_id)
    if report is None and ticket is None:
        raise PhotoRejected("utter_photo_no_report")
    folder = report.report_number if report is not None else f"handoff-{ticket.id}"
    name = f"{folder}/{uuid.uuid4().hex}.{EXTENSIONS[content_type]}"
    path = photo_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    # The file first: a photo row never points at a missing file. If the row
    # cannot be written, the file goes again.
    path.write_bytes(data)
    facts = {"stored_name": name, "content_type": content_type, "size_bytes": len(data)}
    try:
        if report is not None:
            repository.add_photo(session, report, **facts)
        else:
            repository.add_ticket_photo(session, ticket, **facts)
        session.commit()
    except repository.PhotoLimitReached as error:
        path.unlink()
        raise PhotoRejected("utter_photo_limit") from error
    except Exception:
        path.unlink()
        raise
    return StoredPhoto(
        progress=progress(session, report) if report is not None else None,
        for_agent=ticket is not None,
    )
