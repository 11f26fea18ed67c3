"""Draws the integration's brand icon: two opposed arrows, a live link.

Run: python scripts/draw_icon.py  (writes custom_components/websocket_client/brand/)
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND_DIR = (
    Path(__file__).resolve().parent.parent
    / "custom_components"
    / "websocket_client"
    / "brand"
)
TOP = (3, 169, 244)  # Home Assistant blue
BOTTOM = (0, 96, 160)
WHITE = (255, 255, 255, 255)


def _gradient(size: int) -> Image.Image:
    image = Image.new("RGBA", (size, size))
    pixels = ImageDraw.Draw(image)
    for y in range(size):
        share = y / (size - 1)
        colour = tuple(
            round(a + (b - a) * share) for a, b in zip(TOP, BOTTOM, strict=True)
        )
        pixels.line([(0, y), (size, y)], fill=(*colour, 255))
    return image


def _arrow(
    draw: ImageDraw.ImageDraw, y: float, pointing_right: bool, unit: float
) -> None:
    left, right = 62 * unit, 194 * unit
    thickness = 18 * unit
    head = 34 * unit
    if pointing_right:
        draw.rectangle(
            [left, y - thickness / 2, right - head, y + thickness / 2], fill=WHITE
        )
        draw.polygon(
            [
                (right, y),
                (right - head * 1.3, y - head),
                (right - head * 1.3, y + head),
            ],
            fill=WHITE,
        )
    else:
        draw.rectangle(
            [left + head, y - thickness / 2, right, y + thickness / 2], fill=WHITE
        )
        draw.polygon(
            [(left, y), (left + head * 1.3, y - head), (left + head * 1.3, y + head)],
            fill=WHITE,
        )


def draw_icon(size: int) -> Image.Image:
    """The icon at `size` pixels square (drawn on a 256 grid)."""
    unit = size / 256
    background = _gradient(size)
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        [0, 0, size - 1, size - 1], radius=round(56 * unit), fill=255
    )
    icon = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    icon.paste(background, (0, 0), mask)
    draw = ImageDraw.Draw(icon)
    _arrow(draw, 100 * unit, pointing_right=True, unit=unit)
    _arrow(draw, 156 * unit, pointing_right=False, unit=unit)
    return icon


def main() -> None:
    """Write icon.png (256 px) and icon@2x.png (512 px)."""
    BRAND_DIR.mkdir(parents=True, exist_ok=True)
    draw_icon(256).save(BRAND_DIR / "icon.png", optimize=True)
    draw_icon(512).save(BRAND_DIR / "icon@2x.png", optimize=True)
    print(f"wrote {BRAND_DIR}")


if __name__ == "__main__":
    main()
