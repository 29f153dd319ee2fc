"""The enrolment QR code: the qrcode library's modules, drawn by staff/_qr_code.svg."""

import re
import xml.etree.ElementTree as ET

import qrcode
from django.template.loader import render_to_string

from qorgau.core.qr import qr_code

URL = "otpauth://totp/Qorgau:analyst?secret=JBSWY3DPEHPK3PXP&issuer=Qorgau&a=1&b=<2>"


def dark_modules(path: str) -> set[tuple[int, int]]:
    modules = set()
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path):
        modules |= {(int(x) + i, int(y)) for i in range(int(n))}
    return modules


def test_the_path_draws_exactly_the_dark_modules_of_the_code():
    code = qrcode.QRCode(border=2)
    code.add_data(URL)
    matrix = code.get_matrix()
    drawing = qr_code(URL)
    assert drawing.size == len(matrix)
    assert re.fullmatch(r"(M\d+ \d+h\d+v1h-\d+z)+", drawing.path)
    expected = {(x, y) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark}
    assert dark_modules(drawing.path) == expected


def test_the_template_draws_it_as_well_formed_svg():
    drawing = qr_code(URL)
    svg = ET.fromstring(render_to_string("staff/_qr_code.svg", {"qr": drawing}))
    assert svg.get("viewBox") == f"0 0 {drawing.size} {drawing.size}"
    assert svg.find("{http://www.w3.org/2000/svg}path").get("d") == drawing.path
