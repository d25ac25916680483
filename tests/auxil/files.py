"""Files that carry identifying metadata, as a person's phone or office software writes them."""

from __future__ import annotations

import io

from PIL import Image

OWNER = "Aibek Tokonov"
PHONE = "+996555123456"
PLACE = "HomeOfAibek"


def jpeg_with_exif() -> bytes:
    """Return a JPEG whose EXIF names its owner, a phone number, a place and GPS coordinates."""
    image = Image.new("RGB", (64, 48), (180, 40, 40))
    exif = Image.Exif()
    exif[0x013B] = OWNER  # Artist
    exif[0x8298] = PHONE  # Copyright
    exif[0x010E] = PLACE  # ImageDescription
    exif[0x8825] = {1: "N", 2: (42.0, 52.0, 30.0), 3: "E", 4: (74.0, 36.0, 10.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def pdf_with_author() -> bytes:
    """Return a one-page PDF whose document information names its author."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
               b"<< /Author (" + OWNER.encode() + b") /Producer (Office) >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()
