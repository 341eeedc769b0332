#!/usr/bin/env python3
"""Reads an editor's timeline file with OpenTimelineIO and prints, as JSON, what an editor importing it would get.

usage: read_timeline.py ADAPTER FILE RATE
ADAPTER is otio_json, cmx_3600, fcp_xml or fcpx_xml; RATE is the cut's frame rate: the EDL is read at it (an EDL
does not say its rate) and every time is printed in frames at it.

Prints {"name": ..., "video": [ITEM...], "audio": [ITEM...]}: the items of the first video track, then of every
audio track, in order. An ITEM is {"kind", "name", "start", "frames", "target_url", "generator"}: kind is "clip"
(a clip with a file), "generator" (a clip of generated media, e.g. an EDL's black or a Final Cut 7 slug), "missing"
(a clip without media) or "gap"; start and frames are numbers of frames (not rounded, so a reader's rounding
shows), target_url the file's URL (or null), generator the generator's kind (or null).

Exits 2, naming what is missing, when opentimelineio or the adapter is not installed (`make test-deps` installs
them); exits 1 when the file cannot be read.
"""
import json
import sys

try:
    import opentimelineio as otio
except ImportError as error:
    sys.stderr.write(f"read_timeline.py: opentimelineio is not installed ({error}); run `make test-deps`\n")
    sys.exit(2)


def item_json(track, index, rate):
    item = track[index]
    placed = track.range_of_child_at_index(index)
    out = {
        "kind": "gap",
        "name": item.name,
        "start": placed.start_time.rescaled_to(rate).value,
        "frames": item.duration().rescaled_to(rate).value,
        "target_url": None,
        "generator": None,
    }
    if isinstance(item, otio.schema.Clip):
        reference = item.media_reference
        if isinstance(reference, otio.schema.ExternalReference):
            out.update(kind="clip", target_url=reference.target_url)
        elif isinstance(reference, otio.schema.GeneratorReference):
            out.update(kind="generator", generator=reference.generator_kind)
        else:
            out.update(kind="missing")
    elif not isinstance(item, otio.schema.Gap):
        out.update(kind=type(item).__name__)
    return out


def first_timeline(read):
    if isinstance(read, otio.schema.Timeline):
        return read
    for child in read:
        if isinstance(child, otio.schema.Timeline):
            return child
    raise ValueError(f"no timeline in the file (read a {type(read).__name__})")


def main():
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        sys.exit(2)
    adapter, path, rate = sys.argv[1], sys.argv[2], float(sys.argv[3])
    if adapter not in otio.adapters.available_adapter_names():
        sys.stderr.write(f"read_timeline.py: the OpenTimelineIO adapter {adapter!r} is not installed; run `make test-deps`\n")
        sys.exit(2)
    options = {"rate": rate} if adapter == "cmx_3600" else {}
    try:
        timeline = first_timeline(otio.adapters.read_from_file(path, adapter_name=adapter, **options))
    except Exception as error:  # a reader's refusal is the answer the test needs
        sys.stderr.write(f"read_timeline.py: cannot read {path} with {adapter}: {type(error).__name__}: {error}\n")
        sys.exit(1)
    video = [track for track in timeline.tracks if track.kind == otio.schema.TrackKind.Video][:1]
    audio = [track for track in timeline.tracks if track.kind == otio.schema.TrackKind.Audio]
    print(json.dumps({
        "name": timeline.name,
        "video": [item_json(track, i, rate) for track in video for i in range(len(track))],
        "audio": [item_json(track, i, rate) for track in audio for i in range(len(track))],
    }))


main()
