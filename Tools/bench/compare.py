#!/usr/bin/env python3
"""Run benchmark programs that print {"seconds", "peak_rss_bytes", ...} as JSON over one file, several times
each, interleaved, and print one table: medians, and each measured program's ratio to the floor (a C program
doing the least any implementation must do). Ratios measured in the same run are what to compare; bare times on
a shared machine are noise.

usage: compare.py --file F --floor NAME=PROGRAM --measure NAME=PROGRAM [--measure ...] [--runs N]
                  [--time-limit X] [--memory-limit Y]      (limits: time vs the floor, memory vs the file size)
Exit status 1 when a measured program is past a limit.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys


def run(program, path):
    out = subprocess.run(program.split() + [path], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{program} failed: {out.stderr.strip()}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", required=True)
    parser.add_argument("--floor", required=True)
    parser.add_argument("--measure", action="append", default=[])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--time-limit", type=float)
    parser.add_argument("--memory-limit", type=float)
    args = parser.parse_args()

    programs = [args.floor] + args.measure
    samples = {p: [] for p in programs}
    for _ in range(args.runs):
        for p in programs:
            samples[p].append(run(p.split("=", 1)[1], args.file))
    size = os.path.getsize(args.file)
    floor_time = statistics.median(s["seconds"] for s in samples[args.floor])

    print(f"file: {args.file} ({size / 1e6:.1f} MB), median of {args.runs} runs each, interleaved")
    header = f"{'program':<36} {'time s':>8} {'x floor':>8} {'limit':>6} {'peak MB':>9} {'x file':>7} {'limit':>6}"
    print(header)
    print("-" * len(header))
    over = False
    for p in programs:
        name = p.split("=", 1)[0]
        t = statistics.median(s["seconds"] for s in samples[p])
        m = statistics.median(s["peak_rss_bytes"] for s in samples[p])
        is_floor = p == args.floor
        tl = "" if is_floor or args.time_limit is None else f"{args.time_limit:g}"
        ml = "" if is_floor or args.memory_limit is None else f"{args.memory_limit:g}"
        print(f"{name:<36} {t:>8.3f} {t / floor_time:>8.2f} {tl:>6} {m / 1e6:>9.1f} {m / size:>7.2f} {ml:>6}")
        if not is_floor:
            if args.time_limit is not None and t / floor_time > args.time_limit:
                over = True
            if args.memory_limit is not None and m / size > args.memory_limit:
                over = True
    if over:
        print("past a limit")
        sys.exit(1)


if __name__ == "__main__":
    main()
