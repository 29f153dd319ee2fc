"""QR codes drawn by a template: the qrcode library gives the modules, staff/_qr_code.svg the SVG."""

from __future__ import annotations

from dataclasses import dataclass

import qrcode


@dataclass(frozen=True)
class QrCode:
    size: int  # modules per side, quiet zone included
    path: str  # SVG path data, one rectangle per run of dark modules in a row


def qr_code(data: str, *, border: int = 2) -> QrCode:
    """The QR code of `data` (error correction M, the smallest version that fits, as qrcode.make)."""
    code = qrcode.QRCode(border=border)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return QrCode(size=len(matrix), path="".join(runs))
