"""QR codes for invitation links (segno, inline SVG: no image request, no inline style)."""

import segno


def qr_svg(url: str, *, scale: int = 3) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, omitsize=False, title="QR")
