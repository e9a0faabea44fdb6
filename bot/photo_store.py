"""Accident photos: decode what a file really is, store only its pixels, attach it.

No Rasa import. A file is decoded with Pillow (JPEG, PNG, or HEIC/HEIF through
pillow-heif), never trusted by its name, its Content-Type or its first bytes:
turned upright by its EXIF orientation, converted to sRGB, and encoded afresh
without any metadata (EXIF with GPS, XMP, comments, ICC profiles) — anything
appended or hidden in the file (an HTML or PHP payload behind a JPEG header)
is gone. JPEG and HEIC photos are stored as JPEG, PNG stays PNG (lossless
screenshots of documents). A file that does not decode is refused. Files are
stored outside any web root under generated names
(``<PHOTO_DIR>/<报案号>/<uuid>.<ext>``, or ``<PHOTO_DIR>/handoff-<ticket>/<uuid>.<ext>``
for a photo sent to an agent before any report was filed).
"""

import asyncio
import io
import logging
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pillow_heif
from PIL import Image, ImageCms, ImageOps
from sqlalchemy.orm import Session

from bot.db import repository
from bot.db.models import Report
from bot.db.session import claims_session
from bot.rules.photos import MAX_PHOTO_BYTES, MAX_PHOTO_PIXELS, checklist_for

logger = logging.getLogger(__name__)

pillow_heif.register_heif_opener()  # HEIC/HEIF, what iPhones take by default
# Only these decoders ever see a customer's file; Pillow's many others never run.
DECODED_FORMATS = ("JPEG", "PNG", "HEIF")
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
JPEG_QUALITY = 90
EXTENSIONS = {"JPEG": "jpg", "PNG": "png"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
PNG_MODES = ("1", "L", "LA", "I;16", "RGB", "RGBA")  # stored as they are
SRGB = ImageCms.createProfile("sRGB")
# A decoded 60-megapixel photo takes ~180 MB: at most two at a time per process.
_DECODING = threading.BoundedSemaphore(2)


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
    """What the first bytes claim: JPEG, PNG or HEIC/HEIF, else None. Only a quick
    first sieve (a PDF is refused without decoding); decoding decides."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "image/heic"
    return None


@dataclass(frozen=True)
class CleanPhoto:
    """A photo encoded afresh from its pixels alone."""

    data: bytes
    format: str  # JPEG or PNG


def reencode(data: bytes) -> CleanPhoto:
    """Decode the file and encode its pixels again; raises PhotoRejected when it is no
    photo we can read (utter_photo_wrong_type) or has too many pixels to decode safely."""
    with _DECODING:
        try:
            with Image.open(io.BytesIO(data), formats=DECODED_FORMATS) as image:
                if image.width * image.height > MAX_PHOTO_PIXELS:  # read from the header
                    raise PhotoRejected("utter_photo_too_many_pixels")
                image.load()
                kind = "PNG" if image.format == "PNG" else "JPEG"
                pixels = _upright_srgb_pixels(image, kind)
        except PhotoRejected:
            raise
        except Image.DecompressionBombError as error:
            raise PhotoRejected("utter_photo_too_many_pixels") from error
        except Exception as error:  # broken input makes Pillow's decoders raise many kinds
            logger.info("refused a photo that does not decode: %r", error)
            raise PhotoRejected("utter_photo_wrong_type") from error
        encoded = io.BytesIO()
        pixels.save(encoded, kind, **({"quality": JPEG_QUALITY} if kind == "JPEG" else {}))
    return CleanPhoto(encoded.getvalue(), kind)


def _upright_srgb_pixels(image: Image.Image, kind: str) -> Image.Image:
    """The decoded picture as the camera saw it, in sRGB, with nothing else attached."""
    ImageOps.exif_transpose(image, in_place=True)
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        image = _to_srgb(image, icc)
    if kind == "JPEG" and image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    elif kind == "PNG" and image.mode not in PNG_MODES:
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    # Pillow writes some of the source's info (a JPEG comment, a PNG's ICC profile)
    # into the new file unless it is gone.
    image.info = {}
    return image


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    """The pixels converted from the photo's own colour profile (an iPhone's Display P3)
    to sRGB, so they look right without the profile; unchanged if it cannot be read."""
    mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        logger.info("a photo's colour profile could not be read; its pixels are kept as they are")
        return image


def progress(session: Session, report: Report) -> PhotoProgress:
    return PhotoProgress(
        report_number=report.report_number,
        received=repository.photo_count(session, report),
        expected=len(checklist_for(report.two_vehicle)),
    )


def store_photo(session: Session, photo_dir: Path, sender_id: str, data: bytes) -> StoredPhoto:
    """Check, re-encode, store and attach one photo; raises PhotoRejected with the reason.

    The cheap checks come first and who may send a photo is asked before the
    file is decoded: a stranger's upload costs a query, never a decode."""
    if not data:
        raise PhotoRejected("utter_photo_empty")
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoRejected("utter_photo_too_large")
    if sniff_image_type(data) is None:
        raise PhotoRejected("utter_photo_wrong_type")
    report = repository.report_for_conversation(session, sender_id)
    ticket = repository.live_ticket_for_sender(session, sender_id)
    if report is None and ticket is None:
        raise PhotoRejected("utter_photo_no_report")
    photo = reencode(data)
    folder = report.report_number if report is not None else f"handoff-{ticket.id}"
    name = f"{folder}/{uuid.uuid4().hex}.{EXTENSIONS[photo.format]}"
    path = photo_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    # The file first: a photo row never points at a missing file. If the row
    # cannot be written, the file goes again.
    path.write_bytes(photo.data)
    facts = {
        "stored_name": name,
        "content_type": CONTENT_TYPES[photo.format],
        "size_bytes": len(photo.data),
    }
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


async def receive_photo(photo_dir: Path, sender_id: str, data: bytes) -> StoredPhoto:
    """store_photo for a channel: in a worker thread with a claims session of its own,
    because decoding a photo is CPU work the event loop must not wait for."""
    return await asyncio.to_thread(_store_in_claims_db, photo_dir, sender_id, data)


def _store_in_claims_db(photo_dir: Path, sender_id: str, data: bytes) -> StoredPhoto:
    with claims_session() as session:
        return store_photo(session, photo_dir, sender_id, data)
