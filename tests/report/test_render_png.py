"""Figures are drawn the same, byte for byte, whatever the user's matplotlib settings."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import matplotlib

from purgetoll.report import Figure
from purgetoll.report.render_png import DPI, render_png
from tests.report.conftest import bar_plot, tiny_frame


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every PNG chunk (PNG spec, section 5.3)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    out, i = [], 8
    while i < len(png):
        (length,) = struct.unpack(">I", png[i : i + 4])
        kind = png[i + 4 : i + 8]
        out.append((kind, png[i + 8 : i + 8 + length]))
        i += 12 + length
    return out


def _fig() -> Figure:
    return Figure("tiny", "Tiny", tiny_frame(), bar_plot, size_inches=(4.0, 3.0))


def test_png_has_requested_size_and_no_metadata_text():
    png = render_png(_fig())
    chunks = _chunks(png)
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert (width, height) == (4 * DPI, 3 * DPI)
    kinds = [k for k, _ in chunks]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    # no tEXt/iTXt/zTXt (software, dates) and no tIME chunk
    assert not {b"tEXt", b"iTXt", b"zTXt", b"tIME"} & set(kinds)


def test_png_is_byte_identical_and_ignores_user_rcparams():
    first = render_png(_fig())
    with matplotlib.rc_context({"font.size": 20, "axes.facecolor": "black", "lines.linewidth": 5}):
        second = render_png(_fig())
        assert matplotlib.rcParams["font.size"] == 20  # the caller's settings are restored
    assert first == second


def test_png_is_byte_identical_in_a_fresh_process():
    code = (
        "import sys, hashlib; sys.path.insert(0, '.');"
        "from tests.report.test_render_png import _fig;"
        "from purgetoll.report.render_png import render_png;"
        "print(hashlib.sha256(render_png(_fig())).hexdigest())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    import hashlib

    assert out.stdout.strip() == hashlib.sha256(render_png(_fig())).hexdigest()
