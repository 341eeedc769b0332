#!/usr/bin/env python3
"""The benchmarks of issue 7 (`make bench`): shotrunner against its own simulator, run as a separate process,
every measured command under Tools/bench/measure (wall time, the command's own peak memory and CPU time).
Prints progress to standard error, then one table: benchmark, figure, measured, limit or reference, ratio
(measured / limit), verdict. Times on the shared 2-core machine are noisy: every figure is the median of --runs
runs, and what is judged is a ratio measured in the same run wherever the issue allows one.

1. Parse and validate. Manifests of 10,000 and 100,000 shots from Tools/gen-manifest/gen_manifest.py. Per size,
   interleaved: the C libyaml event scan (yaml-scan, the floor), yaml-bench (composing the tree with the
   default Loader) and `shotrunner validate`, each through compare.py's `run` (the same measurement as
   `make bench-yaml`). Figures: compose time / floor time (<= 2), validate time / floor time (<= 2.5),
   peak memory of each / file size (<= 5).
2. Makespan. 320 single-take jobs, `--concurrency 32`, every render exactly T = 40 simulated seconds, no
   queueing, clock scale 0.05 (T = 2 s real). The ideal is ceil(320 / 32) * T = 20 s. Figure: the wall time of
   the whole `run` process (start to exit) / the ideal (<= 1.05).
3. API calls per job and detection delay. 160 jobs, `--concurrency 32`, renders uniform in 30..90 simulated
   seconds, no queueing, clock scale 0.02, a fresh simulator (seed = run number) per run, no polling hint on
   the command line. From the simulator's /_sim/stats: (status + result calls) / accepted submits (<= 8), and
   detection.mean_delay_share_of_render, the mean over requests of (first answer showing it done - render end)
   / render time (<= 10%). Reference rows: a client polling every 2 s makes 30 calls for a 60 s render and
   sees it done 1 s late on average (1.7%).
4. Engine overhead. 20,000 jobs, zero render and queue time, `--concurrency 256`, downloads on, 64 KiB clips
   (`--clip-bytes 65536`). Figures: jobs / wall seconds of the run (>= 1,000), and the run process's own
   CPU time (user + system, from wait4) in ms / jobs (<= 1).
5. Resume and status at scale. The run folder of benchmark 6 (its ledger written by shotrunner itself; the
   line count is printed). Interleaved, under measure: `wc -l` of the ledger (the reference), `status DIR
   --json`, `validate` of its manifest, and the same `run` again (resume; nothing left to do, against the same
   simulator, still running). Figures (issue 21): status's time (<= 1 s) and its time / wc's (<= 20), and the
   resume's time / validate's (<= 1.5).
6. Memory. 100,000 jobs as in 4 (zero render time, 64 KiB clips, `--concurrency 256`). One run (it takes
   minutes and a peak changes little between runs). Figure: the run's peak RSS (<= 300 MB).

7. Shared ledger. 2,000 jobs (zero render and queue time) through 4 workers (`run --ledger`, `--concurrency 32`
   each) of one batch on a throwaway PostgreSQL server (Tools/testing/pg_throwaway.sh, with pg_stat_statements;
   fsync and synchronous_commit on: durable commits), against one simulator. Figures: jobs / wall seconds from
   the first worker's start to the last one's end (>= 100); the statements the workers sent (each one round
   trip) and the transactions committed, per job, from pg_stat_statements and pg_stat_database (explained in
   docs/performance.md); beside them, the same manifest through one worker with a folder ledger (a reference).

--quick divides every N by 10 (1,000 and 10,000 shots; 32, 16, 2,000 and 10,000 jobs) to test this script;
its numbers are not results. Everything is written under --data (manifests jobs-N.yaml are kept there; run
folders and simulator logs go into a temporary folder that is deleted at the end).
Exit status: 0 when every target is met, 1 when one is missed, 2 when a benchmark could not run.
"""
import argparse
import importlib.util
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

TOKEN_ENV = {"RUNCOMFY_API_TOKEN": "bench"}
FIXED_POLL = 2.0          # seconds between polls of the fixed-interval reference client
REFERENCE_RENDER = 60.0   # the render the issue quotes the reference for
GENERATOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gen-manifest", "gen_manifest.py")


def log(message):
    """Progress goes to standard error; the table alone to standard output."""
    print(message, file=sys.stderr, flush=True)


def shell_line(words):
    """A command as it would be typed into a shell (for the log and error messages)."""
    return " ".join(w if re.fullmatch(r"[\w@%+=:,./-]+", w) else "'" + w.replace("'", "'\\''") + "'" for w in words)


def wait_for_file(path, seconds=120):
    """Waits for an executable that may be being rebuilt (it vanishes for a while during a link)."""
    deadline = time.monotonic() + seconds
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise BenchError(f"{path} does not exist")
        time.sleep(2)


class BenchError(Exception):
    """A benchmark could not run (a command failed, a tool is missing): its row says so and the exit status is 2."""


class Row:
    """One line of the table. `ratio` is measured / limit; `at_least` flips the verdict for floors."""

    def __init__(self, bench, figure, measured, limit=None, ratio=None, at_least=False, text=None, verdict=None):
        self.bench, self.figure, self.measured, self.limit, self.ratio = bench, figure, measured, limit, ratio
        self.limit_text = text
        if verdict is not None:
            self.verdict = verdict
        elif ratio is None:
            self.verdict = ""
        else:
            self.verdict = "ok" if (ratio >= 1 if at_least else ratio <= 1) else "MISS"


class Bench:
    """What every benchmark needs: the tools, the data folder, a scratch folder, the number of runs."""

    def __init__(self, args):
        self.bin = os.path.abspath(args.bin)
        self.measure_tool = os.path.abspath(args.measure)
        self.scan = os.path.abspath(args.scan)
        self.yaml_bench = os.path.abspath(args.yaml_bench)
        self.data = os.path.abspath(args.data)
        self.runs = args.runs
        self.quick = args.quick
        os.makedirs(self.data, exist_ok=True)
        self.scratch = tempfile.mkdtemp(prefix="bench-tmp-", dir=self.data)
        self.notes = []
        self.shown = set()

    def n(self, full):
        return full // 10 if self.quick else full

    def show(self, bench, words):
        """Prints a command line once per benchmark, so the log says exactly what ran."""
        line = shell_line(words)
        if (bench, line) not in self.shown:
            self.shown.add((bench, line))
            log(f"  [{bench}] $ {line}")

    def measure(self, bench, words, env=None, log_name="command.log", timeout=7200):
        """Runs words under measure: {seconds, peak_rss_bytes, status, cpu_seconds}. Its stderr goes to a log."""
        wait_for_file(words[0])
        self.show(bench, words)
        log_path = os.path.join(self.scratch, log_name)
        with open(log_path, "w") as err:
            proc = subprocess.Popen([self.measure_tool] + words, stdout=subprocess.PIPE, stderr=err, text=True,
                                    env=dict(os.environ, **(env or {})), start_new_session=True)
            try:
                out, _ = proc.communicate(timeout=timeout)
            except BaseException as stop:  # a timeout, or this script interrupted: the command goes too
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                if isinstance(stop, subprocess.TimeoutExpired):
                    raise BenchError(f"{shell_line(words)} took more than {timeout} s") from None
                raise
        lines = out.strip().splitlines()
        if proc.returncode != 0 or not lines:
            raise BenchError(f"measure failed on {shell_line(words)}: {tail(log_path)}")
        result = json.loads(lines[-1])
        if result["status"] != 0:
            raise BenchError(f"{shell_line(words)} exited {result['status']}: {tail(log_path)}")
        return result

    def run_folder(self):
        return tempfile.mkdtemp(prefix="run-", dir=self.scratch)

    def manifest(self, jobs):
        """bench-data/jobs-N.yaml: N single-take shots with https images; checked to give N jobs."""
        path = os.path.join(self.data, f"jobs-{jobs}.yaml")
        if not os.path.exists(path):
            log(f"writing {path}")
            with open(path + ".tmp", "w") as out:
                out.write("version: 1\nshots:\n")
                for i in range(1, jobs + 1):
                    out.write(f"  - {{id: s{i:06d}, image: https://cdn.example.com/frames/{i:06d}.png, "
                              f"prompt: Shot {i} slow push-in}}\n")
            os.replace(path + ".tmp", path)
        wait_for_file(self.bin)
        out = subprocess.run([self.bin, "validate", path], capture_output=True, text=True)
        found = re.search(r"(\d+) jobs", out.stdout)
        if out.returncode != 0 or not found or int(found.group(1)) != jobs:
            raise BenchError(f"{path} does not validate to {jobs} jobs: {out.stdout.strip()} {out.stderr.strip()[-300:]}")
        return path

    def shots_file(self, shots):
        """bench-data/shots-N.yaml from Tools/gen-manifest/gen_manifest.py (its local frames in bench-data/frames),
        as `make bench-yaml` makes it."""
        path = os.path.join(self.data, f"shots-{shots}.yaml")
        if not os.path.exists(path):
            log(f"writing {path}")
            subprocess.run([sys.executable, GENERATOR, str(shots), path + ".tmp"], check=True)
            os.replace(path + ".tmp", path)
        return path

    def run_words(self, manifest, url, folder, concurrency, fresh=True):
        words = [self.bin, "run", manifest, "--base-url", url, "--out", folder, "--concurrency", str(concurrency),
                 "--yes"]
        return words + (["--fresh"] if fresh else []) + ["--progress", "plain"]

    def render(self, bench, manifest, sim, folder, concurrency, fresh=True, log_name="run.log"):
        return self.measure(bench, self.run_words(manifest, sim.url, folder, concurrency, fresh), env=TOKEN_ENV,
                            log_name=log_name)

    def simulator(self, bench, **options):
        return Simulator(self, bench, **options)

    def supports_clip_bytes(self):
        wait_for_file(self.bin)
        help_text = subprocess.run([self.bin, "simulate", "--help"], capture_output=True, text=True).stdout
        return "--clip-bytes" in help_text


class Simulator:
    """`shotrunner simulate` in its own process; killed on leaving the `with` block, whatever happens."""

    def __init__(self, bench, label, seed=1, scale=1.0, render="30-90", queue="0-5", clip_bytes=None):
        self.words = [bench.bin, "simulate", "--port", "0", "--seed", str(seed), "--clock-scale", f"{scale:g}",
                      "--render-seconds", render, "--queue-seconds", queue]
        if clip_bytes is not None:
            self.words += ["--clip-bytes", str(clip_bytes)]
        self.bench, self.label, self.proc, self.url = bench, label, None, None

    def __enter__(self):
        wait_for_file(self.words[0])
        self.bench.show(self.label, self.words)
        descriptor, self.out_path = tempfile.mkstemp(prefix="simulator-", suffix=".out", dir=self.bench.scratch)
        os.close(descriptor)
        self.err_path = self.out_path[:-4] + ".err"
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(self.words, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while self.url is None:
                with open(self.out_path) as out:
                    first = out.readline()
                found = re.match(r"listening on (http://\S+)", first)
                if found:
                    self.url = found.group(1)
                elif self.proc.poll() is not None or time.monotonic() > deadline:
                    raise BenchError(f"the simulator did not start: {tail(self.err_path)}")
                else:
                    time.sleep(0.1)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def stats(self):
        with urllib.request.urlopen(self.url + "/_sim/stats", timeout=600) as answer:
            return json.load(answer)

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return False


def tail(path, chars=600):
    """The end of a log, for an error message."""
    try:
        with open(path, errors="replace") as f:
            return f.read()[-chars:].strip()
    except OSError:
        return ""


def load_compare():
    """Tools/bench/compare.py as a module: its `run` measures one command on one file as `make bench-yaml` does."""
    sys.dont_write_bytecode = True  # no __pycache__ in the repo
    spec = importlib.util.spec_from_file_location("compare", os.path.join(os.path.dirname(__file__), "compare.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def one_line(error, chars=200):
    """An error message fit for a table cell."""
    text = " ".join(str(error).split())
    return text if len(text) <= chars else text[:chars - 3] + "..."


def median(values):
    """The median of the runs: what every figure reports."""
    return statistics.median(values)


# MARK: - The benchmarks

def bench_parse(b):
    """1. validate and compose vs the C libyaml event scan, on 10,000 and 100,000 shots."""
    compare = load_compare()
    rows = []
    for shots in (b.n(10_000), b.n(100_000)):
        path = b.shots_file(shots)
        size = os.path.getsize(path)
        commands = {"floor": b.scan, "compose": b.yaml_bench, "validate": f"{b.bin} validate"}
        samples = {name: [] for name in commands}
        for run in range(b.runs):
            for name, command in commands.items():
                wait_for_file(command.split()[0])
                b.show("1", [*command.split(), path])
                try:
                    samples[name].append(compare.run(b.measure_tool, command, path))
                except SystemExit as failure:  # compare.run exits on a failed command
                    raise BenchError(str(failure.code)) from None
            log(f"  [1] {shots} shots, run {run + 1}/{b.runs}: "
                + ", ".join(f"{n} {samples[n][-1]['seconds']:.3f} s" for n in commands))
        t = {n: median(s["seconds"] for s in samples[n]) for n in commands}
        m = {n: median(s["peak_rss_bytes"] for s in samples[n]) for n in commands}
        label = f"{shots:,} shots ({size / 1e6:.1f} MB)"
        for name, limit in (("compose", 2.0), ("validate", 2.5)):
            x = t[name] / t["floor"]
            rows.append(Row("1", f"{name} time / C event scan, {label}",
                            f"{x:.2f}x ({t[name]:.3f} s / {t['floor']:.3f} s)", f"<= {limit:g}x", x / limit))
        for name in ("compose", "validate"):
            x = m[name] / size
            rows.append(Row("1", f"{name} peak memory / file size, {label}", f"{x:.2f}x ({m[name] / 1e6:.1f} MB)",
                            "<= 5x", x / 5))
    return rows


def bench_makespan(b):
    """2. The whole run of N jobs, each exactly T, at concurrency 32, vs ceil(N / 32) * T."""
    jobs, concurrency, render, scale = b.n(320), 32, 40, 0.05
    ideal = math.ceil(jobs / concurrency) * render * scale
    manifest = b.manifest(jobs)
    walls = []
    for run in range(b.runs):
        folder = b.run_folder()
        try:
            with b.simulator("2", seed=run + 1, scale=scale, render=f"{render}-{render}", queue="0-0") as sim:
                result = b.render("2", manifest, sim, folder, concurrency)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        walls.append(result["seconds"])
        log(f"  [2] run {run + 1}/{b.runs}: {result['seconds']:.2f} s (ideal {ideal:g} s)")
    wall = median(walls)
    x = wall / ideal
    return [Row("2", f"makespan / ideal, {jobs} jobs x {render * scale:g} s at concurrency {concurrency}",
                f"{x:.3f}x ({wall:.2f} s / {ideal:g} s)", "<= 1.05x", x / 1.05)]


def bench_polling(b):
    """3. Status and result calls per job, and how late a finished render is seen, from the simulator's stats."""
    jobs, concurrency, scale = b.n(160), 32, 0.02
    manifest = b.manifest(jobs)
    calls, shares, delays = [], [], []
    for run in range(b.runs):
        folder = b.run_folder()
        try:
            with b.simulator("3", seed=run + 1, scale=scale, render="30-90", queue="0-0") as sim:
                b.render("3", manifest, sim, folder, concurrency)
                stats = sim.stats()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        polls = stats["calls"].get("status", 0) + stats["calls"].get("result", 0)
        calls.append(polls / max(stats["accepted_submits"], 1))
        detection = stats.get("detection")
        if detection is not None:
            shares.append(detection["mean_delay_share_of_render"])
            delays.append(detection["mean_delay_seconds"])
        log(f"  [3] run {run + 1}/{b.runs}: {calls[-1]:.2f} calls per job"
            + (f", mean delay {delays[-1]:.1f} s ({shares[-1]:.1%} of the render)" if detection else
               ", no detection stats in this simulator"))
    per_job = median(calls)
    reference_calls = REFERENCE_RENDER / FIXED_POLL
    reference_share = FIXED_POLL / 2 / REFERENCE_RENDER
    rows = [
        Row("3", "status + result calls per accepted submit", f"{per_job:.2f}", "<= 8", per_job / 8),
        Row("3", "  fixed 2 s polling, 60 s render", f"{reference_calls:.0f}", text="reference"),
    ]
    if shares:
        share, delay = median(shares), median(delays)
        rows.append(Row("3", "mean detection delay / render time", f"{share:.1%} ({delay:.1f} sim. s)", "<= 10%",
                        share / 0.10))
    else:
        rows.append(Row("3", "mean detection delay / render time", "n/a (no detection stats)", "<= 10%",
                        verdict="n/a"))
    rows.append(Row("3", "  fixed 2 s polling, 60 s render", f"{reference_share:.1%} ({FIXED_POLL / 2:g} s)",
                    text="reference"))
    return rows


def clip_options(b, bench):
    """The simulator options for 64 KiB clips, or none (with a note under the table) from an older simulator."""
    if b.supports_clip_bytes():
        return {"clip_bytes": 65536}
    note = (f"benchmark {bench}: this simulator has no --clip-bytes, so clips were its 4,840-byte sample, "
            "not 64 KiB: not the issue's workload")
    if note not in b.notes:
        b.notes.append(note)
        log("  warning: " + note)
    return {}


def count_clips(folder):
    """Videos in a run folder (its top level: these manifests have no scenes)."""
    return sum(1 for entry in os.scandir(folder) if entry.name.endswith(".mp4"))


def bench_overhead(b):
    """4. Jobs per second and CPU ms per job of the run process, with nothing to wait for but itself."""
    jobs, concurrency = b.n(20_000), 256
    manifest = b.manifest(jobs)
    clips = clip_options(b, "4")
    rates, cpu_ms = [], []
    for run in range(b.runs):
        folder = b.run_folder()
        try:
            with b.simulator("4", seed=run + 1, scale=0.001, render="0-0", queue="0-0", **clips) as sim:
                result = b.render("4", manifest, sim, folder, concurrency)
            if count_clips(folder) != jobs:
                raise BenchError(f"benchmark 4: {count_clips(folder)} clips downloaded, not {jobs}")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        rates.append(jobs / result["seconds"])
        cpu_ms.append(result["cpu_seconds"] * 1000 / jobs)
        log(f"  [4] run {run + 1}/{b.runs}: {result['seconds']:.2f} s, {rates[-1]:.0f} jobs/s, "
            f"{cpu_ms[-1]:.3f} CPU ms per job, peak {result['peak_rss_bytes'] / 1e6:.0f} MB")
    rate, cpu = median(rates), median(cpu_ms)
    label = f"{jobs:,} jobs, concurrency {concurrency}"
    return [
        Row("4", f"jobs per second, {label}", f"{rate:.0f}", ">= 1000", rate / 1000, at_least=True),
        Row("4", "CPU ms per job (run process)", f"{cpu:.3f}", "<= 1", cpu / 1),
    ]


PG_THROWAWAY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testing", "pg_throwaway.sh")


class Database:
    """A throwaway PostgreSQL server with pg_stat_statements, stopped and removed on leaving the `with` block."""

    def __init__(self, b):
        self.folder = tempfile.mkdtemp(prefix="pg-", dir="/tmp")
        self.url = None

    def __enter__(self):
        env = dict(os.environ, PG_SERVER_OPTIONS="-c shared_preload_libraries=pg_stat_statements")
        started = subprocess.run([PG_THROWAWAY, "start", self.folder], capture_output=True, text=True, env=env)
        if started.returncode != 0:
            raise BenchError(f"the throwaway PostgreSQL server did not start: {started.stderr.strip()[-300:]}")
        self.url = started.stdout.strip()
        self.sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        return self

    def sql(self, query):
        done = subprocess.run(["psql", "-Atq", "-v", "ON_ERROR_STOP=1", "-c", query, self.url], capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchError(f"psql: {done.stderr.strip()[-300:]}")
        return done.stdout.strip()

    def counters(self):
        """(statements sent by shotrunner, transactions committed) so far."""
        statements = self.sql("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid "
                              "WHERE r.rolname = 'shotrunner' AND s.query NOT LIKE '%pg_stat%'")
        commits = self.sql("SELECT xact_commit FROM pg_stat_database WHERE datname = 'shotrunner'")
        return int(float(statements)), int(commits)

    def __exit__(self, *exc):
        subprocess.run([PG_THROWAWAY, "stop", self.folder], capture_output=True)
        return False


def bench_shared(b):
    """7. 2,000 jobs through 4 workers of one batch on a shared ledger (PostgreSQL), beside one worker with a folder."""
    jobs, workers, concurrency = b.n(2_000), 4, 32
    manifest = b.manifest(jobs)
    rates, statements, commits, folder_rates = [], [], [], []
    for run in range(b.runs):
        out, alone = b.run_folder(), b.run_folder()
        try:
            with Database(b) as db, b.simulator("7", seed=run + 1, scale=0.001, render="0-0", queue="0-0") as sim:
                # The schema first, so that what is counted is the batch's own work.
                migrated = subprocess.run([b.bin, "db", "migrate", "--ledger", db.url], capture_output=True, text=True)
                if migrated.returncode != 0:
                    raise BenchError(f"db migrate: {migrated.stderr.strip()[-300:]}")
                db.sql("SELECT pg_stat_statements_reset()")
                before = db.counters()
                words = b.run_words(manifest, sim.url, out, concurrency) + ["--ledger", db.url, "--batch", "bench"]
                words.remove("--fresh")
                b.show("7", words)
                logs = [open(os.path.join(b.scratch, f"worker-{n}.log"), "w") for n in range(workers)]
                started = time.monotonic()
                procs = [subprocess.Popen(words, stdout=subprocess.DEVNULL, stderr=log_file, env=dict(os.environ, **TOKEN_ENV))
                         for log_file in logs]
                codes = [proc.wait(timeout=3600) for proc in procs]
                seconds = time.monotonic() - started
                for log_file in logs:
                    log_file.close()
                after = db.counters()
                if any(codes):
                    raise BenchError(f"benchmark 7: workers exited {codes}: {tail(os.path.join(b.scratch, 'worker-0.log'))}")
                if count_clips(out) != jobs:
                    raise BenchError(f"benchmark 7: {count_clips(out)} clips downloaded, not {jobs}")
                accepted = sim.stats().get("accepted_submits")
                if accepted != jobs:
                    raise BenchError(f"benchmark 7: the simulator accepted {accepted} submits for {jobs} jobs")
                alone_result = b.render("7", manifest, sim, alone, concurrency)
        finally:
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(alone, ignore_errors=True)
        rates.append(jobs / seconds)
        statements.append((after[0] - before[0]) / jobs)
        commits.append((after[1] - before[1]) / jobs)
        folder_rates.append(jobs / alone_result["seconds"])
        log(f"  [7] run {run + 1}/{b.runs}: {seconds:.2f} s, {rates[-1]:.0f} jobs/s, {statements[-1]:.1f} statements and "
            f"{commits[-1]:.1f} transactions per job; one worker with a folder: {folder_rates[-1]:.0f} jobs/s")
    rate = median(rates)
    return [
        Row("7", f"jobs per second, {jobs:,} jobs via {workers} workers on one database", f"{rate:.0f}", ">= 100", rate / 100, at_least=True),
        Row("7", "database round trips (statements) per job", f"{median(statements):.1f}", text="reference"),
        Row("7", "database transactions per job", f"{median(commits):.1f}", text="reference"),
        Row("7", f"jobs per second, one worker with a folder ledger", f"{median(folder_rates):.0f}", text="reference"),
    ]


class BigRun:
    """The 100,000-job run of benchmark 6, whose folder (and simulator, which it must resume against) benchmark 5
    reuses."""

    def __init__(self, b):
        self.jobs, self.concurrency = b.n(100_000), 256
        self.manifest = b.manifest(self.jobs)
        self.folder = b.run_folder()
        self.sim = b.simulator("6", seed=1, scale=0.001, render="0-0", queue="0-0", **clip_options(b, "6"))

    def __enter__(self):
        self.sim.__enter__()
        return self

    def __exit__(self, *exc):
        self.sim.__exit__(*exc)
        shutil.rmtree(self.folder, ignore_errors=True)
        return False


def bench_memory(b, big):
    """6. Peak resident memory of the 100,000-job run."""
    log(f"  [6] rendering {big.jobs:,} jobs (one run)")
    result = b.render("6", big.manifest, big.sim, big.folder, big.concurrency, log_name="run-6.log")
    clips = count_clips(big.folder)
    if clips != big.jobs:
        raise BenchError(f"benchmark 6: {clips} clips downloaded, not {big.jobs}")
    peak = result["peak_rss_bytes"] / 1e6
    log(f"  [6] {result['seconds']:.1f} s, {big.jobs / result['seconds']:.0f} jobs/s, "
        f"{result['cpu_seconds'] * 1000 / big.jobs:.3f} CPU ms per job, peak {peak:.1f} MB")
    return [Row("6", f"peak RSS of a {big.jobs:,}-job run (1 run)", f"{peak:.1f} MB", "<= 300 MB", peak / 300)]


def bench_resume(b, big):
    """5. status --json and a resume with nothing to do, over the big run's ledger, vs wc -l of it."""
    ledger = os.path.join(big.folder, "ledger.jsonl")
    with open(ledger, "rb") as f:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    size = os.path.getsize(ledger)
    log(f"  [5] ledger: {lines:,} lines, {size / 1e6:.1f} MB, for {big.jobs:,} jobs")
    commands = {
        "wc": [shutil.which("wc") or "/usr/bin/wc", "-l", ledger],
        "validate": [b.bin, "validate", big.manifest],
        "status": [b.bin, "status", big.folder, "--json"],
        "resume": b.run_words(big.manifest, big.sim.url, big.folder, big.concurrency, fresh=False),
    }
    samples = {name: [] for name in commands}
    for run in range(b.runs):
        for name, words in commands.items():
            samples[name].append(b.measure("5", words, env=TOKEN_ENV, log_name=f"resume-{name}.log")["seconds"])
        log(f"  [5] run {run + 1}/{b.runs}: " + ", ".join(f"{n} {samples[n][-1]:.3f} s" for n in commands))
    t = {name: median(s) for name, s in samples.items()}
    label = f"{lines:,} lines"
    rows = [Row("5", f"wc -l of the ledger ({label}, {size / 1e6:.0f} MB)", f"{t['wc']:.3f} s", text="reference"),
            Row("5", "validate of the same manifest", f"{t['validate']:.3f} s", text="reference")]
    # Issue 21's targets: status at most 1 s and 20x wc; a resume with nothing to do at most 1.5x validate.
    rows.append(Row("5", "status --json, time", f"{t['status']:.3f} s", "<= 1 s", t["status"] / 1))
    x = t["status"] / t["wc"]
    rows.append(Row("5", "status --json / wc -l", f"{x:.1f}x", "<= 20x", x / 20))
    rows.append(Row("5", "run with nothing left (resume), time", f"{t['resume']:.3f} s", text="reference"))
    x = t["resume"] / t["validate"]
    rows.append(Row("5", "run with nothing left (resume) / validate", f"{x:.2f}x", "<= 1.5x", x / 1.5))
    return rows


# MARK: - Driver

def print_table(rows, notes):
    """The one table, columns aligned, then the notes (quick mode, a workload that differs from the issue's)."""
    header = ("bench", "figure", "measured", "limit/ref", "ratio", "verdict")
    cells = [header] + [(r.bench, r.figure, r.measured, r.limit_text or r.limit or "",
                         "" if r.ratio is None else f"{r.ratio:.2f}", r.verdict) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    right = {2, 4}
    for i, c in enumerate(cells):
        print("  ".join(c[j].rjust(widths[j]) if j in right else c[j].ljust(widths[j]) for j in range(len(c))).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for note in notes:
        print("note: " + note)


def main():
    """Runs the benchmarks asked for (5 brings 6 along), prints the table, exits 0, 1 or 2."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="the shotrunner executable")
    parser.add_argument("--measure", required=True, help="Tools/bench/measure, compiled")
    parser.add_argument("--scan", required=True, help="Tools/yaml-scan, compiled")
    parser.add_argument("--yaml-bench", required=True, help="the yaml-bench executable")
    parser.add_argument("--data", required=True, help="where inputs and scratch go (bench-data)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; medians are reported (default 3)")
    parser.add_argument("--quick", action="store_true", help="every N divided by 10: tests the script, not the tool")
    parser.add_argument("--only", default="1,2,3,4,5,6,7", help="comma-separated benchmark numbers")
    args = parser.parse_args()
    try:
        only = {int(x) for x in args.only.split(",") if x.strip()}
    except ValueError:
        parser.error("--only takes numbers like 1,2,5")
    if not only <= set(range(1, 8)) or args.runs < 1:
        parser.error("--only takes numbers 1 to 7; --runs at least 1")
    if 5 in only and 6 not in only:
        only.add(6)
        log("benchmark 5 reuses the run of benchmark 6: running 6 too")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    b = Bench(args)
    rows, errors = [], []

    def attempt(number, function, *extra):
        log(f"benchmark {number}{' (quick)' if b.quick else ''}: {function.__doc__.strip()}")
        try:
            rows.extend(function(b, *extra))
        except BenchError as error:
            errors.append(number)
            rows.append(Row(str(number), "could not run", one_line(error), verdict="ERROR"))
            log(f"  [{number}] error: {error}")

    try:
        for number, function in ((1, bench_parse), (2, bench_makespan), (3, bench_polling), (4, bench_overhead), (7, bench_shared)):
            if number in only:
                attempt(number, function)
        if 6 in only:
            try:
                with BigRun(b) as big:
                    attempt(6, bench_memory, big)
                    if 5 in only and 6 not in errors:
                        attempt(5, bench_resume, big)
            except BenchError as error:
                errors.append(6)
                rows.append(Row("6", "could not run", one_line(error), verdict="ERROR"))
    finally:
        shutil.rmtree(b.scratch, ignore_errors=True)

    rows.sort(key=lambda r: int(r.bench))
    if b.quick:
        b.notes.insert(0, "--quick: every N divided by 10; these numbers test the script, they are not results")
    print(f"shotrunner benchmarks: {shell_line([args.bin])}; median of {args.runs} run(s) per figure"
          + (" (QUICK)" if b.quick else ""))
    print_table(rows, b.notes)
    if errors:
        sys.exit(2)
    sys.exit(1 if any(r.verdict in ("MISS", "n/a") for r in rows) else 0)


if __name__ == "__main__":
    main()
