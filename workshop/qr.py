"""QR codes for the join link: PNG for pages, text blocks for the terminal."""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def _code(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2, box_size=12)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str) -> bytes:
    image = _code(data).make_image(fill_color='black', back_color='white')
    buffer = io.BytesIO()
    image.save(buffer, format='PNG')
    return buffer.getvalue()


def qr_text(data: str) -> str:
    """Half-block characters: readable by a phone camera from a terminal."""
    buffer = io.StringIO()
    _code(data).print_ascii(out=buffer, invert=True)
    return buffer.getvalue()
