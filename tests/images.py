"""Real, tiny photos made with Pillow for the photo tests: the bot decodes every upload,
so a few header bytes followed by zeros no longer pass for a photo."""

from __future__ import annotations

import io

import pillow_heif
from PIL import Image, ImageCms

pillow_heif.register_heif_opener()

RED = (200, 30, 40)
# Where a phone's EXIF says the photo was taken: 31°13'49"N 121°28'25"E (人民广场).
GPS_IFD = 0x8825
ORIENTATION = 0x0112
ROTATED_90 = 6  # the camera was held upright: turn the stored pixels 90° clockwise
GPS = {1: "N", 2: (31.0, 13.0, 49.0), 3: "E", 4: (121.0, 28.0, 25.0)}


def photo(
    kind: str = "JPEG",
    size: tuple[int, int] = (32, 24),
    colour: tuple[int, int, int] = RED,
    **save: object,
) -> bytes:
    """A plain-coloured photo encoded as JPEG, PNG, HEIF or GIF; `save` goes to Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, kind, **save)
    return buffer.getvalue()


def jpeg(size: tuple[int, int] = (32, 24), colour: tuple[int, int, int] = RED) -> bytes:
    return photo("JPEG", size, colour)


def png(size: tuple[int, int] = (32, 24), colour: tuple[int, int, int] = RED) -> bytes:
    return photo("PNG", size, colour)


def heic(size: tuple[int, int] = (32, 24), colour: tuple[int, int, int] = RED) -> bytes:
    return photo("HEIF", size, colour)


def decompression_bomb(size: tuple[int, int] = (8000, 8000)) -> bytes:
    """A black-and-white PNG of `size` pixels in a few kilobytes (8 MB to make it here)."""
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, "PNG")
    return buffer.getvalue()


def phone_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: the place (GPS) and how the camera was held."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = GPS
    return exif


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def centre_colour(image: Image.Image) -> tuple[int, ...]:
    return image.convert("RGB").getpixel((image.width // 2, image.height // 2))
