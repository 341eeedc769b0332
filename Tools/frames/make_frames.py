#!/usr/bin/env python3
"""Draw the storyboard frames that manifests/storyboard.yaml uses ("The Lighthouse Keeper").

usage: make_frames.py [OUT_DIR]        (OUT_DIR defaults to manifests/frames/ in this checkout)

Standard library only: the pictures are drawn from rectangles, polygons and circles into an RGB buffer and
written as PNG with zlib and struct. Each frame is 192x108, a few kilobytes, and the same bytes on every run
(so job keys, which hash local images, stay put). The frame number is drawn in the top-left corner.

After writing, the script reads storyboard.yaml (beside OUT_DIR's parent) for every `frames/....png` it
names and exits 1 if one of them was not drawn, so a frame added to the manifest cannot be forgotten here.
"""
import os
import re
import struct
import sys
import zlib

W, H = 192, 108


# --- canvas ---------------------------------------------------------------------------------------------------

class Canvas:
    def __init__(self, color=(0, 0, 0)):
        self.rows = [bytearray(bytes(color) * W) for _ in range(H)]

    def put(self, x, y, c, a=1.0):
        if 0 <= x < W and 0 <= y < H:
            row, i = self.rows[y], 3 * x
            if a >= 1.0:
                row[i:i + 3] = bytes(c)
            else:
                for k in range(3):
                    row[i + k] = int(row[i + k] * (1 - a) + c[k] * a + 0.5)

    def span(self, y, x0, x1, c, a=1.0):
        """Fill pixels x0 <= x < x1 on row y."""
        x0, x1 = max(0, int(x0)), min(W, int(x1))
        if not 0 <= y < H or x0 >= x1:
            return
        if a >= 1.0:
            self.rows[y][3 * x0:3 * x1] = bytes(c) * (x1 - x0)
        else:
            for x in range(x0, x1):
                self.put(x, y, c, a)

    def rect(self, x0, y0, x1, y1, c, a=1.0):
        for y in range(max(0, int(y0)), min(H, int(y1))):
            self.span(y, x0, x1, c, a)

    def vgrad(self, y0, y1, top, bottom):
        n = max(1, y1 - y0 - 1)
        for y in range(max(0, y0), min(H, y1)):
            t = (y - y0) / n
            self.span(y, 0, W, tuple(int(top[k] + (bottom[k] - top[k]) * t + 0.5) for k in range(3)))

    def poly(self, pts, c, a=1.0):
        """Even-odd scanline fill, sampling each row at its centre."""
        ys = [p[1] for p in pts]
        for y in range(max(0, int(min(ys))), min(H, int(max(ys)) + 1)):
            yc = y + 0.5
            xs = []
            for (xa, ya), (xb, yb) in zip(pts, pts[1:] + pts[:1]):
                if (ya <= yc < yb) or (yb <= yc < ya):
                    xs.append(xa + (yc - ya) * (xb - xa) / (yb - ya))
            xs.sort()
            for i in range(0, len(xs) - 1, 2):
                self.span(y, round(xs[i]), round(xs[i + 1]), c, a)

    def circle(self, cx, cy, r, c, a=1.0):
        for y in range(max(0, int(cy - r)), min(H, int(cy + r) + 1)):
            d = r * r - (y + 0.5 - cy) ** 2
            if d > 0:
                h = d ** 0.5
                self.span(y, round(cx - h), round(cx + h), c, a)

    def ring(self, cx, cy, r, c, width=1.0):
        for y in range(max(0, int(cy - r - 1)), min(H, int(cy + r) + 2)):
            for x in range(max(0, int(cx - r - 1)), min(W, int(cx + r) + 2)):
                if abs(((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2) ** 0.5 - r) < width / 2:
                    self.put(x, y, c)

    def line(self, x0, y0, x1, y1, c, width=1.0):
        dx, dy = x1 - x0, y1 - y0
        n = max(1.0, (dx * dx + dy * dy) ** 0.5)
        ox, oy = -dy / n * width / 2, dx / n * width / 2
        self.poly([(x0 + ox, y0 + oy), (x1 + ox, y1 + oy), (x1 - ox, y1 - oy), (x0 - ox, y0 - oy)], c)

    def png(self):
        raw = bytearray()
        prev = bytearray(3 * W)
        for row in self.rows:
            up = bytearray((row[i] - prev[i]) & 0xFF for i in range(3 * W))
            # Filter "up" when it leaves more zeros (flat regions and gradients), else "none".
            if up.count(0) > row.count(0):
                raw += b"\x02" + up
            else:
                raw += b"\x00" + row
            prev = row

        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        return (b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
                + chunk(b"IEND", b""))


# --- a 3x5 digit font for the frame number ----------------------------------------------------------------------

DIGITS = {
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
    "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001010010010",
    "8": "111101111101111", "9": "111101111001111",
}


def label(cv, text, x=3, y=3, scale=2):
    cv.rect(x - 2, y - 2, x + len(text) * 4 * scale, y + 5 * scale + 2, (0, 0, 0), 0.55)
    for n, ch in enumerate(text):
        bits = DIGITS[ch]
        for i, b in enumerate(bits):
            if b == "1":
                px, py = x + n * 4 * scale + (i % 3) * scale, y + (i // 3) * scale
                cv.rect(px, py, px + scale, py + scale, (255, 255, 255))


# --- palettes, one per scene ------------------------------------------------------------------------------------

DUSK = dict(sky_top=(58, 36, 92), sky_low=(240, 140, 70), sea_top=(44, 52, 104), sea_low=(18, 22, 52),
            land=(26, 20, 38), sun=(255, 196, 96), lamp=(255, 226, 120))
STORM = dict(sky_top=(22, 26, 38), sky_low=(70, 80, 100), sea_top=(34, 48, 62), sea_low=(12, 18, 26),
             land=(14, 14, 20), foam=(210, 222, 230), bolt=(250, 250, 200), lamp=(255, 240, 160))
DAWN = dict(sky_top=(150, 196, 230), sky_low=(252, 190, 180), sea_top=(120, 160, 196), sea_low=(60, 96, 140),
            land=(60, 56, 72), sun=(255, 232, 170), lamp=(236, 230, 210))
NIGHT = dict(sky_top=(8, 12, 34), sky_low=(30, 40, 86), sea_top=(20, 30, 66), sea_low=(6, 10, 26),
             moon=(236, 236, 210))
INTERIOR = dict(wall_top=(40, 30, 28), wall_low=(84, 58, 44), wood=(110, 72, 44), dark=(24, 18, 16))

WHITE, RED, BLACK = (236, 232, 224), (178, 40, 40), (10, 10, 14)
HORIZON = 62


# --- scene pieces -----------------------------------------------------------------------------------------------

def sky_and_sea(cv, p, horizon=HORIZON):
    cv.vgrad(0, horizon, p["sky_top"], p["sky_low"])
    cv.vgrad(horizon, H, p["sea_top"], p["sea_low"])


def ripples(cv, color, horizon=HORIZON, step=7, a=0.35):
    for i, y in enumerate(range(horizon + 4, H, step)):
        for x in range((i * 13) % 23, W, 23 + i * 3):
            cv.rect(x, y, x + 6 + i, y + 1, color, a)


def headland(cv, color, x0=110):
    cv.poly([(x0, H), (x0 + 14, HORIZON - 6), (x0 + 40, HORIZON - 14), (W, HORIZON - 10), (W, H)], color)


def lighthouse(cv, cx, base, height, lamp, lit=True, stripes=True):
    """A tapered, banded tower with gallery, lantern room and cap."""
    half_base, half_top = height * 0.16, height * 0.10
    top = base - height
    cv.poly([(cx - half_base, base), (cx - half_top, top), (cx + half_top, top), (cx + half_base, base)], WHITE)
    if stripes:
        bands = 4
        for b in range(0, bands, 2):
            y0 = base - height * (b + 1) / bands
            y1 = base - height * b / bands
            w0 = half_base - (half_base - half_top) * (b + 1) / bands
            w1 = half_base - (half_base - half_top) * b / bands
            cv.poly([(cx - w1, y1), (cx - w0, y0), (cx + w0, y0), (cx + w1, y1)], RED)
    g = max(2, height * 0.05)
    cv.rect(cx - half_top - g, top - g, cx + half_top + g + 1, top, BLACK)              # gallery
    room = max(3, height * 0.12)
    cv.rect(cx - half_top * 0.8, top - g - room, cx + half_top * 0.8 + 1, top - g, lamp if lit else (70, 80, 90))
    cv.poly([(cx - half_top - 1, top - g - room), (cx, top - g - room - height * 0.09),
             (cx + half_top + 2, top - g - room)], BLACK)                                 # cap
    return cx, top - g - room / 2                                                          # the lamp


def beam(cv, x, y, toward_x, spread, color, a=0.25):
    cv.poly([(x, y), (toward_x, y - spread), (toward_x, y + spread)], color, a)


def boat(cv, x, y, size, hull, figure=True):
    cv.poly([(x - size, y), (x + size, y), (x + size * 0.7, y + size * 0.4), (x - size * 0.7, y + size * 0.4)], hull)
    if figure:
        cv.rect(x - size * 0.15, y - size * 0.7, x + size * 0.15, y, BLACK)
        cv.circle(x, y - size * 0.85, size * 0.2, BLACK)
        cv.line(x + size * 0.1, y - size * 0.4, x + size * 0.9, y + size * 0.5, BLACK, 1)   # oar


def ship(cv, x, y, size, color):
    cv.poly([(x - size, y), (x + size * 1.1, y), (x + size * 0.8, y + size * 0.35), (x - size * 0.8, y + size * 0.35)],
            color)
    for mx, h in ((-0.4, 1.2), (0.3, 1.45)):
        cv.line(x + size * mx, y, x + size * mx, y - size * h, color, max(1, size * 0.06))
        cv.poly([(x + size * mx + 1, y - size * h + 2), (x + size * mx + 1, y - size * 0.2),
                 (x + size * (mx + 0.45), y - size * 0.25)], (190, 190, 176))


def waves(cv, p, crest_y, count, amp, seed):
    for i in range(count):
        x = (i * 37 + seed * 11) % (W + 40) - 20
        w = 26 + (i * 7) % 14
        cv.poly([(x, crest_y + amp), (x + w * 0.55, crest_y - amp * (0.6 + (i % 3) * 0.2)), (x + w, crest_y + amp)],
                p["sea_top"])
        cv.poly([(x + w * 0.42, crest_y - amp * 0.3), (x + w * 0.55, crest_y - amp * (0.6 + (i % 3) * 0.2)),
                 (x + w * 0.7, crest_y - amp * 0.2)], p["foam"])


def rain(cv, color, a=0.35):
    for i in range(70):
        x, y = (i * 53) % W, (i * 29) % H
        cv.line(x, y, x - 3, y + 7, color, 1)


def interior(cv):
    cv.vgrad(0, H, INTERIOR["wall_top"], INTERIOR["wall_low"])
    cv.rect(0, 88, W, H, INTERIOR["wood"])
    for x in range(0, W, 24):
        cv.rect(x, 88, x + 1, H, INTERIOR["dark"])


def window(cv, x0, y0, x1, y1, p, horizon_frac=0.62, moon=None, sun=None):
    hz = int(y0 + (y1 - y0) * horizon_frac)
    for y in range(y0, y1):
        src = p["sky_top"], p["sky_low"]
        t = (y - y0) / max(1, hz - y0)
        if y >= hz:
            src, t = (p["sea_top"], p["sea_low"]), (y - hz) / max(1, y1 - hz)
        cv.span(y, x0, x1, tuple(int(src[0][k] + (src[1][k] - src[0][k]) * t) for k in range(3)))
    if moon:
        cv.circle(moon[0], moon[1], moon[2], p["moon"])
    if sun:
        cv.circle(sun[0], sun[1], sun[2], p["sun"])
    cv.rect(x0 - 3, y0 - 3, x1 + 3, y0, INTERIOR["wood"])
    cv.rect(x0 - 3, y1, x1 + 3, y1 + 4, INTERIOR["wood"])
    cv.rect(x0 - 3, y0, x0, y1, INTERIOR["wood"])
    cv.rect(x1, y0, x1 + 3, y1, INTERIOR["wood"])
    cv.rect((x0 + x1) // 2 - 1, y0, (x0 + x1) // 2 + 1, y1, INTERIOR["wood"])
    cv.rect(x0, (y0 + y1) // 2 - 1, x1, (y0 + y1) // 2 + 1, INTERIOR["wood"])


# --- the frames -------------------------------------------------------------------------------------------------

def f01_tower_dusk(cv):                       # title: the tower on its headland at dusk
    sky_and_sea(cv, DUSK)
    cv.circle(48, HORIZON - 4, 9, DUSK["sun"])
    cv.rect(0, HORIZON, W, H, DUSK["sea_top"])
    cv.vgrad(HORIZON, H, DUSK["sea_top"], DUSK["sea_low"])
    ripples(cv, DUSK["sun"])
    headland(cv, DUSK["land"])
    lx, ly = lighthouse(cv, 150, HORIZON - 12, 40, DUSK["lamp"])
    beam(cv, lx, ly, 40, 8, DUSK["lamp"], 0.22)


def f02_boat_arrival(cv):                     # the keeper rows in; the tower far off
    sky_and_sea(cv, DUSK, 56)
    cv.circle(130, 52, 7, DUSK["sun"])
    ripples(cv, DUSK["sun"], 56, 6)
    headland(cv, DUSK["land"], 150)
    lighthouse(cv, 176, 44, 16, DUSK["lamp"])
    boat(cv, 60, 84, 18, (92, 54, 34))


def f03_jetty(cv):                            # the boat tied up at the jetty below the tower
    sky_and_sea(cv, DUSK, 58)
    ripples(cv, DUSK["sun"], 58)
    cv.poly([(70, 58), (120, 40), (W, 38), (W, 70), (90, 70)], DUSK["land"])
    lighthouse(cv, 150, 42, 30, DUSK["lamp"])
    wood = (74, 48, 32)
    cv.poly([(0, 96), (80, 66), (92, 66), (24, H)], wood)                                 # jetty deck
    for i in range(6):
        x = 10 + i * 13
        cv.rect(x, 94 - i * 5, x + 2, 104 - i * 5, (40, 26, 18))                           # posts
    boat(cv, 100, 82, 14, (92, 54, 34), figure=False)
    cv.line(92, 66, 96, 80, (200, 190, 160), 1)                                           # mooring rope


def f04_stairs(cv):                           # the keeper climbs the spiral stair
    interior(cv)
    cv.rect(0, 88, W, H, INTERIOR["wall_low"])
    for i in range(9):                                                                    # steps
        x, y = 20 + i * 16, 96 - i * 10
        cv.rect(x, y, x + 28, y + 5, INTERIOR["wood"])
        cv.rect(x, y + 5, x + 28, y + 7, INTERIOR["dark"])
    cv.line(18, 90, 168, 4, (60, 40, 30), 2)                                              # handrail
    window(cv, 150, 56, 166, 80, DUSK)
    cv.circle(70, 52, 14, DUSK["lamp"], 0.25)                                             # lantern glow
    cv.circle(70, 52, 4, DUSK["lamp"])
    cv.rect(66, 56, 74, 60, INTERIOR["dark"])


def f05_lamp(cv):                             # the lens, lit, behind the lantern panes
    cv.vgrad(0, 70, DUSK["sky_top"], DUSK["sky_low"])
    cv.vgrad(70, H, DUSK["sea_top"], DUSK["sea_low"])
    beam(cv, 96, 50, 0, 18, DUSK["lamp"], 0.3)
    beam(cv, 96, 50, W, 18, DUSK["lamp"], 0.3)
    cv.circle(96, 50, 26, (200, 150, 60))
    for r in (24, 19, 14, 9):
        cv.ring(96, 50, r, (255, 236, 170), 1.4)
    cv.circle(96, 50, 5, (255, 255, 230))
    for x in range(0, W, 38):                                                             # mullions
        cv.rect(x, 0, x + 3, H, BLACK)
    cv.rect(0, 86, W, H, (30, 30, 36))                                                    # parapet


def f06_window(cv):                           # the moon on the sea through the keeper's window
    interior(cv)
    window(cv, 56, 14, 136, 76, NIGHT, moon=(110, 30, 8))
    cv.rect(46, 80, 146, 86, INTERIOR["wood"])                                            # sill
    cv.rect(124, 68, 128, 80, (232, 224, 200))                                            # candle
    cv.circle(126, 65, 2.5, (255, 200, 90))
    cv.circle(126, 66, 14, (255, 200, 90), 0.15)


def f07_storm_waves(cv):                      # storm: waves break on the rocks, lightning
    sky_and_sea(cv, STORM, 54)
    cv.poly([(120, 0), (132, 0), (118, 22), (128, 22), (104, 54), (112, 28), (102, 28)], STORM["bolt"])
    rain(cv, (150, 160, 176))
    waves(cv, STORM, 66, 7, 8, 1)
    waves(cv, STORM, 86, 8, 11, 4)
    cv.poly([(0, H), (0, 80), (20, 74), (42, 84), (52, H)], STORM["land"])               # rocks


def f08_ship(cv):                             # a ship in trouble; the beam finds it
    sky_and_sea(cv, STORM, 58)
    rain(cv, (140, 150, 170))
    lx, ly = lighthouse(cv, 172, 60, 34, STORM["lamp"])
    beam(cv, lx, ly, 40, 14, STORM["lamp"], 0.28)
    cv.poly([(150, H), (156, 60), (W, 56), (W, H)], STORM["land"])
    ship(cv, 64, 72, 22, (30, 26, 24))
    waves(cv, STORM, 84, 8, 8, 2)
    cv.poly([(96, H), (104, 90), (118, 94), (126, H)], STORM["land"])                     # rocks ahead


def f09_ship_passes(cv):                      # the ship clear of the rocks, small on the horizon
    sky_and_sea(cv, STORM, 60)
    cv.rect(0, 0, W, 60, (120, 130, 150), 0.25)                                           # the sky lifts
    lx, ly = lighthouse(cv, 20, 62, 30, STORM["lamp"])
    beam(cv, lx, ly, 150, 10, STORM["lamp"], 0.22)
    cv.poly([(0, H), (0, 60), (36, 62), (44, H)], STORM["land"])
    ship(cv, 150, 57, 7, (30, 26, 24))
    waves(cv, STORM, 80, 7, 5, 5)
    cv.poly([(70, H), (80, 88), (96, 92), (104, H)], STORM["land"])


def f10_radio(cv):                            # the radio crackles on the desk
    interior(cv)
    cv.rect(20, 70, 172, 78, INTERIOR["wood"])                                            # desk
    cv.rect(28, 78, 34, H, INTERIOR["dark"])
    cv.rect(158, 78, 164, H, INTERIOR["dark"])
    cv.rect(60, 34, 132, 70, (52, 56, 50))                                                # radio
    cv.rect(66, 40, 104, 56, (60, 200, 120))                                              # dial window
    cv.rect(66, 47, 104, 48, (20, 60, 40))
    cv.rect(84, 40, 86, 56, (230, 80, 60))                                                # needle
    for x in (114, 124):
        cv.circle(x, 48, 4, (200, 196, 180))
        cv.circle(x, 48, 1.5, BLACK)
    cv.circle(85, 48, 30, (60, 200, 120), 0.08)
    cv.line(140, 70, 148, 46, BLACK, 2)                                                   # microphone
    cv.circle(149, 43, 4, (80, 80, 86))
    cv.line(132, 40, 150, 12, (30, 30, 30), 1)                                            # aerial


def f11_calm_sea(cv):                         # dawn: a calm sea, the sun rising, gulls
    sky_and_sea(cv, DAWN, 64)
    cv.circle(96, 66, 14, DAWN["sun"])
    cv.vgrad(64, H, DAWN["sea_top"], DAWN["sea_low"])
    for i, y in enumerate(range(68, H, 6)):
        cv.rect(96 - 20 + i * 2, y, 96 + 20 - i * 2, y + 1, DAWN["sun"], 0.6)
    for gx, gy in ((40, 24), (52, 18), (150, 30)):
        cv.line(gx - 5, gy - 2, gx, gy + 1, (60, 60, 70), 1)
        cv.line(gx, gy + 1, gx + 5, gy - 2, (60, 60, 70), 1)


def f12_keeper_rests(cv):                     # the keeper asleep in the chair in the morning light
    interior(cv)
    window(cv, 120, 16, 176, 64, DAWN, sun=(150, 36, 6))
    cv.poly([(120, 64), (176, 64), (150, 88), (86, 88)], DAWN["sun"], 0.25)               # light on the floor
    cv.rect(44, 56, 90, 64, (96, 40, 36))                                                 # chair seat
    cv.rect(44, 30, 52, 64, (96, 40, 36))                                                 # chair back
    cv.rect(46, 64, 50, 88, (60, 26, 22))
    cv.rect(84, 64, 88, 88, (60, 26, 22))
    cv.rect(54, 38, 70, 58, (40, 50, 80))                                                 # keeper
    cv.circle(62, 33, 6, (220, 180, 150))
    cv.poly([(54, 28), (70, 28), (66, 24), (58, 24)], (40, 50, 80))                      # cap
    cv.rect(66, 56, 92, 62, (40, 50, 80))                                                 # legs
    cv.rect(100, 60, 106, 66, (230, 230, 230))                                            # mug on a stool
    cv.rect(98, 66, 110, 70, INTERIOR["wood"])
    cv.rect(102, 70, 106, 88, INTERIOR["wood"])


def f13_dawn_tower(cv):                       # the opening composition again, at dawn, lamp out
    sky_and_sea(cv, DAWN)
    cv.circle(48, HORIZON - 4, 9, DAWN["sun"])
    cv.vgrad(HORIZON, H, DAWN["sea_top"], DAWN["sea_low"])
    ripples(cv, DAWN["sun"])
    headland(cv, DAWN["land"])
    lighthouse(cv, 150, HORIZON - 12, 40, DAWN["lamp"], lit=False)


FRAMES = {
    "01-tower-dusk.png": f01_tower_dusk,
    "02-boat-arrival.png": f02_boat_arrival,
    "03-jetty.png": f03_jetty,
    "04-stairs.png": f04_stairs,
    "05-lamp.png": f05_lamp,
    "06-window.png": f06_window,
    "07-storm-waves.png": f07_storm_waves,
    "08-ship.png": f08_ship,
    "09-ship-passes.png": f09_ship_passes,
    "10-radio.png": f10_radio,
    "11-calm-sea.png": f11_calm_sea,
    "12-keeper-rests.png": f12_keeper_rests,
    "13-dawn-tower.png": f13_dawn_tower,
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "manifests", "frames")
    out = os.path.normpath(out)
    os.makedirs(out, exist_ok=True)
    for name, draw in FRAMES.items():
        cv = Canvas()
        draw(cv)
        label(cv, name[:2])
        data = cv.png()
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        print(f"{os.path.join(out, name)}  {len(data)} bytes")

    storyboard = os.path.join(os.path.dirname(out), "storyboard.yaml")
    if os.path.exists(storyboard):
        with open(storyboard, encoding="utf-8") as f:
            wanted = set(re.findall(r"frames/([A-Za-z0-9._-]+\.png)", f.read()))
        missing = sorted(wanted - FRAMES.keys())
        if missing:
            print("storyboard.yaml names frames this script does not draw: " + ", ".join(missing), file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
