#!/usr/bin/env python3
"""Write a large, valid, deterministic shotrunner manifest: the input of `make bench-yaml`, `make bench` and
the fuzz seeds.

usage: gen_manifest.py [N] [OUT] [--seed S] [--frames DIR] [--remote-only]

N shots (default 100,000) go to OUT (default standard output). The same N and seed give the same bytes. About
a tenth of the shots are top-level `shots`, the rest sit in `scenes` of 4 to 60 shots, some with `defaults`
of their own. Per shot: an id, a start image and a prompt (quoted, 80 to 200 characters; one in twenty a
folded block); about 40% have an `end_image`; about 30% (none of those) have 2 or 3 `multi_prompt` segments
of 3 to 5 s, the shot's duration written as their sum or left out; the others a duration of 3 to 10 s or the
inherited one. About 5% render 2 or 3 `takes`, 10% set `sound`, 5% `shot_type`, 2% merge a shared `<<: *look`.
N = 100,000 gives about 38 MB and 107,600 jobs.

About a quarter of the images are local files: a dozen small PNG, JPEG and WebP pictures (drawn here, under
200 bytes each, the same bytes on every run), written into DIR (default: `frames/` beside OUT, or in the
working directory when the manifest goes to standard output) and named by paths relative to the manifest's
folder, so `shotrunner validate OUT` finds them; an existing file with the right bytes is left alone.
--remote-only names https images only and writes no files.

A summary (shots, jobs, seconds of video, images written) goes to standard error.
"""
import argparse
import os
import random
import struct
import sys
import zlib

# MARK: - Pictures

# One colour per local frame; the file type cycles PNG, JPEG, WebP.
PALETTE = [(214, 96, 52), (38, 70, 120), (240, 200, 90), (60, 140, 90), (150, 60, 140), (20, 20, 30),
           (200, 210, 220), (120, 80, 40), (90, 170, 200), (230, 120, 150), (70, 70, 70), (180, 150, 110)]
FRAME_SIZE = (32, 16)  # width, height: small, and whole 8x8 blocks for the JPEG encoder


def png_bytes(color, width, height):
    """A PNG (8-bit RGB) whose rows fade from `color` toward black, left to right."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = bytearray()
    for _ in range(height):
        raw.append(0)  # filter type: none
        for x in range(width):
            shade = 1 - x / (2 * width)
            raw += bytes(int(c * shade) for c in color)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b"")


class BitWriter:
    """Bits packed into bytes, most significant bit first (JPEG's order), with 0xFF stuffed as 0xFF 0x00."""

    def __init__(self):
        self.out, self.value, self.count = bytearray(), 0, 0

    def put(self, bits, length):
        for shift in range(length - 1, -1, -1):
            self.value = (self.value << 1) | ((bits >> shift) & 1)
            self.count += 1
            if self.count == 8:
                self.out.append(self.value)
                if self.value == 0xFF:
                    self.out.append(0)
                self.value, self.count = 0, 0

    def finish(self):
        while self.count:
            self.put(1, 1)  # pad with ones
        return bytes(self.out)


def jpeg_bytes(color, width, height):
    """A baseline greyscale JPEG made of flat 8x8 blocks (each a step lighter than the last): only DC terms,
    quantised by 1, so the picture decodes to exactly these greys."""
    grey = int(0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2])
    blocks = [max(0, min(255, grey - 24 + 6 * i)) for i in range((width // 8) * (height // 8))]

    def segment(marker, payload):
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    # DC table: the 12 size categories, each a 4-bit code (0000 ... 1011). AC table: end-of-block alone, code 0.
    dc_counts = [0, 0, 0, 12] + [0] * 12
    ac_counts = [1] + [0] * 15
    tables = (bytes([0x00]) + bytes(dc_counts) + bytes(range(12))
              + bytes([0x10]) + bytes(ac_counts) + bytes([0x00]))
    bits, previous = BitWriter(), 0
    for level in blocks:
        dc = 8 * (level - 128)  # the DC coefficient of a flat block
        diff, previous = dc - previous, dc
        size = abs(diff).bit_length()
        bits.put(size, 4)
        if size:
            bits.put(diff if diff > 0 else diff + (1 << size) - 1, size)
        bits.put(0, 1)  # end of block: every AC term is zero
    return (b"\xFF\xD8"
            + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + segment(0xDB, bytes([0x00]) + bytes([1] * 64))
            + segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + bytes([1, 0x11, 0]))
            + segment(0xC4, tables)
            + segment(0xDA, bytes([1, 1, 0x00, 0, 63, 0]))
            + bits.finish() + b"\xFF\xD9")


def webp_bytes(color, width, height):
    """A lossless WebP (VP8L) of one flat colour: every prefix code has a single symbol, so the pixels take no
    bits at all."""
    value, count = 0, 0

    def put(bits, length):  # VP8L packs bits least significant first
        nonlocal value, count
        value |= bits << count
        count += length

    put(width - 1, 14)
    put(height - 1, 14)
    put(0, 1)   # alpha unused
    put(0, 3)   # version 0
    put(0, 1)   # no transform
    put(0, 1)   # no colour cache
    put(0, 1)   # one group of prefix codes
    red, green, blue = color
    for symbol in (green, red, blue, 255, 0):  # green, red, blue, alpha, distance
        put(1, 1)  # a simple code
        put(0, 1)  # of one symbol
        put(1, 1)  # written in 8 bits
        put(symbol, 8)
    payload = b"\x2f" + value.to_bytes((count + 7) // 8, "little")
    chunk = b"VP8L" + struct.pack("<I", len(payload)) + payload + (b"\x00" if len(payload) % 2 else b"")
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


ENCODERS = (("png", png_bytes), ("jpg", jpeg_bytes), ("webp", webp_bytes))


def frame_files():
    """(name, bytes) of every local frame, in a fixed order."""
    files = []
    for number, color in enumerate(PALETTE, start=1):
        extension, encode = ENCODERS[(number - 1) % len(ENCODERS)]
        files.append((f"board-{number:02d}.{extension}", encode(color, *FRAME_SIZE)))
    return files


def write_frames(folder, files):
    """Writes the frames that are missing or differ; returns how many were written."""
    os.makedirs(folder, exist_ok=True)
    written = 0
    for name, data in files:
        path = os.path.join(folder, name)
        try:
            with open(path, "rb") as existing:
                if existing.read() == data:
                    continue
        except OSError:
            pass
        with open(path + ".tmp", "wb") as out:
            out.write(data)
        os.replace(path + ".tmp", path)
        written += 1
    return written


# MARK: - Prompts

SUBJECTS = ("a fisherman mending nets", "two children racing bicycles", "an old tram", "a paper lantern",
            "a red fox", "the night ferry", "a chef at the pass", "a violinist on a balcony", "a flock of gulls",
            "a delivery van", "an astronaut's helmet", "a field of sunflowers", "the harbour crane",
            "a cat on a windowsill", "a marathon runner", "a glass of iced tea")
ACTIONS = ("turns toward the camera", "drifts out of frame", "catches the light", "slows to a halt",
           "rises into view", "is framed by a doorway", "casts a long shadow", "moves against the wind",
           "pauses, then carries on", "is reflected in a puddle")
CAMERA = ("slow dolly in", "handheld follow", "locked-off wide shot", "crane up", "whip pan left",
          "orbit at eye level", "low angle push", "overhead drone pass", "rack focus to the background",
          "gentle tilt down")
LIGHT = ("golden hour backlight", "overcast and soft", "neon spill from a shop sign", "candlelight",
         "hard midday sun", "blue hour haze", "flickering fluorescent tubes", "moonlight on wet stone")
MOOD = ("quiet", "tense", "playful", "melancholy", "hopeful", "dreamlike")


def prompt(rng, low, high):
    """A prompt of `low` to `high` characters: clauses of subject, action, camera, light and mood, none twice."""
    target = rng.randint(low, high)
    clauses, length = [], -2
    while length < target:
        pick = rng.randrange(4)
        if pick == 0:
            clause = f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)}"
        elif pick == 1:
            clause = rng.choice(CAMERA)
        elif pick == 2:
            clause = rng.choice(LIGHT)
        else:
            clause = f"{rng.choice(MOOD)} mood"
        if clause not in clauses:
            clauses.append(clause)
            length += len(clause) + 2
    text = "; ".join(clauses)
    if len(text) > high:  # cut after the last whole clause that fits, else the last whole word
        head = text[:high + 1]
        clause = head.rsplit("; ", 1)[0]
        text = clause if len(clause) >= low else head.rsplit(" ", 1)[0].rstrip(";,")
    return text[0].upper() + text[1:] + "."


def folded(text, indent, width=96):
    """`text` as the lines of a `>-` block at `indent` spaces (folded back to one line when read)."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "".join(" " * indent + l + "\n" for l in lines)


# MARK: - The manifest

class Generator:
    """Writes shots one at a time, counting jobs and seconds as shotrunner will expand them."""

    def __init__(self, rng, out, frames, remote_only):
        """`frames`: the local images as the manifest names them (relative to its folder)."""
        self.rng, self.w, self.frames, self.remote_only = rng, out.write, frames, remote_only
        self.number, self.jobs, self.seconds = 0, 0, 0
        self.look_defined = False

    def image(self, scene, end=False):
        """A local frame (a quarter of the time) or an https URL under the scene's folder."""
        if not self.remote_only and self.rng.random() < 0.25:
            return self.rng.choice(self.frames)
        name = f"{self.number:06d}{'-end' if end else ''}.{self.rng.choice(('png', 'jpg', 'webp'))}"
        return f"https://cdn.example.com/boards/{scene or 'main'}/{name}"

    def shot(self, indent, scene, inherited_duration):
        """One shot, its fields at `indent` spaces; `inherited_duration` is what the defaults give it."""
        rng, w, pad = self.rng, self.w, " " * indent
        self.number += 1
        w(f"{pad[:-2]}- id: s{self.number:06d}\n")
        look = False
        if not self.look_defined:
            w(f"{pad}<<: &look {{sound: true, shot_type: intelligent}}\n")
            self.look_defined = look = True
        elif rng.random() < 0.02:
            w(f"{pad}<<: *look\n")
            look = True
        w(f"{pad}image: {self.image(scene)}\n")
        has_end = rng.random() < 0.4
        if has_end:
            w(f"{pad}end_image: {self.image(scene, end=True)}\n")
        text = prompt(rng, 80, 200)
        if rng.random() < 0.05:
            w(f"{pad}prompt: >-\n" + folded(text, indent + 2))
        else:
            w(f'{pad}prompt: "{text}"\n')
        if not has_end and rng.random() < 0.5:
            segments = [rng.randint(3, 5) for _ in range(rng.randint(2, 3))]
            w(f"{pad}multi_prompt:\n")
            for length in segments:
                w(f'{pad}  - {{prompt: "{prompt(rng, 30, 90)}", duration: {length}}}\n')
            duration = sum(segments)
            if rng.random() < 0.7:
                w(f"{pad}duration: {duration}\n")  # must equal the sum; left out, the sum is used
        elif rng.random() < 0.8:
            duration = rng.randint(3, 10)
            w(f"{pad}duration: {duration}\n")
        else:
            duration = inherited_duration
        if not look and rng.random() < 0.1:
            w(f"{pad}sound: true\n")
        if not look and rng.random() < 0.05:
            w(f"{pad}shot_type: {rng.choice(('customize', 'intelligent'))}\n")
        takes = 1
        if rng.random() < 0.05:
            takes = rng.randint(2, 3)
            w(f"{pad}takes: {takes}\n")
        self.jobs += takes
        self.seconds += takes * duration

    def manifest(self, shots):
        rng, w = self.rng, self.w
        w("version: 1\n")
        w("defaults: {duration: 5, sound: false, shot_type: customize}\n")
        top = max(1, shots // 10)
        w("shots:\n")
        for _ in range(top):
            self.shot(4, None, 5)
        left = shots - top
        if left == 0:
            return
        w("scenes:\n")
        scene = 0
        while left > 0:
            scene += 1
            size = min(left, rng.randint(4, 60))
            left -= size
            name = f"sc{scene:04d}"
            w(f"  - id: {name}\n")
            duration = 5
            roll = rng.random()
            if roll < 0.15:
                duration = rng.randint(4, 8)
                w(f"    defaults: {{duration: {duration}}}\n")
            elif roll < 0.3:
                w("    defaults:\n      sound: true\n")
            w("    shots:\n")
            for _ in range(size):
                self.shot(8, name, duration)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("shots", nargs="?", type=int, metavar="N", default=100_000, help="how many shots (default 100000)")
    parser.add_argument("out", nargs="?", default="-", metavar="OUT", help="the manifest to write (default: standard output)")
    parser.add_argument("--seed", type=int, default=42, help="the random seed (default 42)")
    parser.add_argument("--frames", metavar="DIR", help="where the local images go (default: frames/ beside OUT)")
    parser.add_argument("--remote-only", action="store_true", help="https images only; no files written")
    args = parser.parse_args()
    if args.shots < 1:
        parser.error("N must be at least 1")

    files = [] if args.remote_only else frame_files()
    to_stdout = args.out == "-"
    home = "." if to_stdout else os.path.dirname(args.out) or "."  # what relative image paths are read from
    frames = args.frames or os.path.join(home, "frames")
    written = write_frames(frames, files) if files else 0
    prefix = os.path.relpath(frames, home).replace(os.sep, "/")
    names = [f"{prefix}/{name}" for name, _ in files]

    out = sys.stdout if to_stdout else open(args.out, "w", encoding="utf-8")
    try:
        generator = Generator(random.Random(args.seed), out, names, args.remote_only)
        generator.manifest(args.shots)
    finally:
        if not to_stdout:
            out.close()
    images = "" if args.remote_only else f"; {len(files)} local images in {frames} ({written} written)"
    print(f"gen_manifest: {args.shots} shots, {generator.jobs} jobs, {generator.seconds} s of video{images}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
