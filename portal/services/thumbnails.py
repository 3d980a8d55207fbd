"""Small JPEG previews of photo evidence.

Made with Pillow (and pillow-heif for iPhone photos) from the stored upload:
turned the right way up, shrunk to at most 240 pixels and saved without any
metadata, so a preview never carries the photo's location. A picture too big
to decode safely, or one that will not decode, simply gets no preview: the
upload itself is kept.
"""

from __future__ import annotations

import io
import logging
import warnings
from typing import BinaryIO

import pillow_heif
from PIL import Image, ImageOps

log = logging.getLogger(__name__)

THUMBNAIL_PIXELS = 240
# About a 50-megapixel photo; bigger images are refused before decoding.
MAX_PIXELS = 50_000_000
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/heic", "image/heif"})

pillow_heif.register_heif_opener()
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def make_thumbnail(source: BinaryIO) -> bytes | None:
    """JPEG bytes of a small preview, or None when the image cannot be previewed safely."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                if image.width * image.height > MAX_PIXELS:
                    return None
                image.draft("RGB", (THUMBNAIL_PIXELS * 2, THUMBNAIL_PIXELS * 2))  # JPEG: decode at a smaller scale
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
                output = io.BytesIO()
                upright.convert("RGB").save(output, "JPEG", quality=80, optimize=True)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        log.info("no thumbnail: %s", error)
        return None
    return output.getvalue()
