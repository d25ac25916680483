"""Files a person sends during a hand-off: what they are, and what may reach the operators.

The type comes from the file's first bytes, never from its name or the type the person's app
declared. Images are re-encoded without any metadata (EXIF: owner, phone model, GPS; XMP,
ICC comments). Other files (PDF, office documents) can carry an author name that only a
document editor removes; they are sent as they are, and only after the person confirms.
"""

from __future__ import annotations

import io
import zipfile

from PIL import Image

IMAGE_KINDS = {"jpeg": ".jpg", "png": ".png", "webp": ".webp", "gif": ".gif"}
# the short allow-list of extensions an operator's copy may carry, by sniffed content type
EXTENSIONS = {**IMAGE_KINDS, "pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx",
              "pptx": ".pptx", "odt": ".odt", "ods": ".ods", "ole": ".doc", "text": ".txt"}
# declared types an app sends for pictures-as-files (used only to decide whether to ask first)
IMAGE_MIME_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs


def sniff(content: bytes) -> str:
    """Return the kind of a file from its first bytes ('jpeg', 'pdf', 'docx', ... or 'other')."""
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if content.startswith(b"PK\x03\x04"):
        return _office_kind(content)
    try:
        text = content[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "other"
    return "text" if text and all(c.isprintable() or c in "\r\n\t" for c in text) else "other"


def _office_kind(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100]
                if declared.endswith(b"opendocument.text"):
                    return "odt"
                if declared.endswith(b"opendocument.spreadsheet"):
                    return "ods"
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return "other"
    for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
        if any(name.startswith(prefix) for name in names):
            return kind
    return "other"


def extension(kind: str) -> str:
    """Return the extension of a sniffed kind (empty for anything not on the allow-list)."""
    return EXTENSIONS.get(kind, "")


def strip_image(content: bytes) -> tuple[bytes, str]:
    """Re-encode an image from its pixels alone; return (bytes, extension).

    Raises ValueError when the bytes are not an image Pillow can read safely.
    """
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValueError("image too large")
            image.load()
            fmt = image.format
            if fmt == "JPEG":
                # apply the EXIF rotation to the pixels before the EXIF goes
                from PIL import ImageOps

                image = ImageOps.exif_transpose(image) or image
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA")
            clean = Image.new(image.mode, image.size)  # pixels only: no info, no EXIF, no ICC
            clean.paste(image)
    except (OSError, Image.DecompressionBombError, SyntaxError) as error:
        raise ValueError(f"not a readable image: {type(error).__name__}") from None
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.convert("RGB").save(out, "JPEG", quality=90)
        return out.getvalue(), ".jpg"
    clean.save(out, "PNG")
    return out.getvalue(), ".png"
