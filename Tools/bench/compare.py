#!/usr/bin/env python3
"""Run commands over one input file several times each, interleaved, under Tools/bench/measure (wall time and
the child's own peak memory), and print one table: medians, each command's ratio to the floor (a C program
doing the least any implementation must do) and its peak memory as a multiple of the file's size, next to the
limits. Ratios measured in the same run are what to compare; bare times on a shared machine are noise.

usage: compare.py --measure-tool PATH --file F --floor NAME=COMMAND --measure NAME=COMMAND ... [--runs N]
                  [--limit NAME=TIME_X,MEMORY_X ...]
COMMAND is split on spaces; {file} in it stands for the input (appended at the end when absent).
Exit status 1 when a command is past one of its limits or fails.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys


def run(tool, command, path):
    words = [w.replace("{file}", path) for w in command.split()]
    if not any("{file}" in w for w in command.split()):
        words.append(path)
    out = subprocess.run([tool] + words, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["status"] != 0:
        sys.exit(f"{command} exited {result['status']}: {out.stderr.strip()[-500:]}")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--measure-tool", required=True)
    parser.add_argument("--file", required=True)
    parser.add_argument("--floor", required=True)
    parser.add_argument("--measure", action="append", default=[])
    parser.add_argument("--limit", action="append", default=[])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    entries = [args.floor] + args.measure
    limits = {}
    for item in args.limit:
        name, values = item.rsplit("=", 1)
        time_x, memory_x = values.split(",")
        limits[name] = (float(time_x), float(memory_x))
    samples = {e: [] for e in entries}
    for _ in range(args.runs):
        for e in entries:
            samples[e].append(run(args.measure_tool, e.split("=", 1)[1], args.file))
    size = os.path.getsize(args.file)
    floor_time = statistics.median(s["seconds"] for s in samples[args.floor])

    print(f"input: {args.file} ({size / 1e6:.1f} MB); median of {args.runs} interleaved runs each")
    header = f"{'command':<40} {'time s':>7} {'x floor':>8} {'limit':>6} {'peak MB':>8} {'x file':>7} {'limit':>6}"
    print(header)
    print("-" * len(header))
    over = []
    for e in entries:
        name = e.split("=", 1)[0]
        t = statistics.median(s["seconds"] for s in samples[e])
        m = statistics.median(s["peak_rss_bytes"] for s in samples[e])
        tl, ml = limits.get(name, (None, None))
        print(f"{name:<40} {t:>7.3f} {t / floor_time:>8.2f} {'' if tl is None else f'{tl:g}':>6} "
              f"{m / 1e6:>8.1f} {m / size:>7.2f} {'' if ml is None else f'{ml:g}':>6}")
        if tl is not None and t / floor_time > tl:
            over.append(f"{name}: time {t / floor_time:.2f}x > {tl:g}x")
        if ml is not None and m / size > ml:
            over.append(f"{name}: memory {m / size:.2f}x > {ml:g}x")
    for line in over:
        print("past a limit: " + line)
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
