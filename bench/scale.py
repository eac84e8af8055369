"""A library that grows for years: PaperShelf at 20,000 and 200,000 papers (1,000,000 with
--million) beside a reference SQLite store, the same records, in the same run.  Prints one table.

    python bench/scale.py [--sizes 20000 200000] [--million] [--no-restore] [--only export]

PaperShelf is measured as the extension and the library page meet it: a real `papershelf serve`
process over the library, requests through HTTP (start-up is until /api/health answers; memory is
that process's resident set).  The capture p99 is measured in this process, through the library,
over 200 captures of 50 cards with snapshots written meanwhile.  The reference is a plain stdlib
``sqlite3`` store (WAL, synchronous=FULL, FTS5 with the default tokenizer, the same documents,
captures merged by the same rules in one transaction), measured in this process: it has no HTTP
in front of it.  Libraries are built once and cached under /tmp/papershelf-scale (or $PAPERSHELF_SCALE_CACHE)
(``bench/scale_data.py``).  Medians unless said; the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

import scale_data  # noqa: E402
from scale_reference import ReferenceStore  # noqa: E402

from papershelf.app import tune_interpreter  # noqa: E402
from papershelf.papers import Paper  # noqa: E402
from papershelf.store import Library  # noqa: E402

CLIENT = {"X-PaperShelf-Client": "bench/1", "Content-Type": "application/json"}
TARGETS = {
    "start-up (serve until /api/health)": 1500, "resident memory after start (MB)": 400,
    "peak memory while loading (MB)": 600, "capture 50 cards, median": None,
    "capture 50 cards, p99 of 200 (across snapshots)": 50,
    "status of 100 keys": 2, "save of 1 key": 5, "search, rare word": 50, "search, common word, first page": 150,
    "search, 1-2 letters (e, w1), first page": 150, "search, fragment in many words (family, arxiv), first page": 150,
    "search, 2 letters in few words (qz)": None,
    "first search after start": 150, "sorted page at offset 10,000 (worst sort)": 50, "stats": 50,
    "export saved, BibTeX": 3000, "export saved, JSON": 3000, "export saved, RIS": 3000,
    "export saved, CSL-JSON": 3000, "export saved, CSV": 3000, "export saved, Markdown": 3000,
    "export everything, JSON": None,
    "  memory growth during it (MB)": 100, "  longest status request beside it": 100,
}


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


class Server:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self._conns = threading.local()

    def start(self) -> float:
        """Milliseconds from spawning ``papershelf serve`` until /api/health answers."""
        t = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-m", "papershelf", "serve", "--port", "0", "--data",
                                      str(self.data)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.proc.stdout.readline()
        self.url = line.rsplit(" ", 1)[-1].strip()
        while True:
            try:
                if self.get("/api/health"):
                    return (time.perf_counter() - t) * 1000
            except OSError:
                time.sleep(0.01)

    # Requests go over a kept-alive connection per thread, as a browser's fetch() sends them (the
    # extension's badges, the library page); a new connection per request (urllib) added 1-2 ms of
    # this process's own work to each figure on a 2-core machine.
    def _request(self, method: str, path: str, body: bytes | None = None) -> bytes:
        conn = getattr(self._conns, "conn", None)
        for attempt in (1, 2):
            if conn is None:
                netloc = self.url.split("//", 1)[1]
                conn = self._conns.conn = http.client.HTTPConnection(netloc, timeout=600)
            try:
                conn.request(method, path, body=body, headers=CLIENT)
                answer = conn.getresponse()
                data = answer.read()
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                conn = self._conns.conn = None
                if attempt == 2:
                    raise
                continue
            if answer.status >= 400:
                raise OSError(f"{method} {path}: HTTP {answer.status}: {data[:200]!r}")
            return data
        raise AssertionError("unreachable")

    def get(self, path: str) -> bytes:
        return self._request("GET", path)

    def post(self, path: str, body: dict) -> bytes:
        return self._request("POST", path, orjson.dumps(body))

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=600)
        self.proc.stdout.close()


def words(n: int) -> tuple[str, str]:
    """A rare word (in a handful of abstracts) and a common one."""
    rng = random.Random(n)
    for _ in range(200):
        p = scale_data.paper(rng.randrange(n), random.Random(rng.random()))
        rare = [w for w in p.abstract.split() if w.startswith("w")]
        if rare:
            return rare[0].rstrip("."), "planning"
    return "w1234", "planning"


# The saved papers in each export format: (row, format name).
EXPORT_ROWS = (("export saved, BibTeX", "bibtex"), ("export saved, JSON", "json"), ("export saved, RIS", "ris"),
               ("export saved, CSL-JSON", "csljson"), ("export saved, CSV", "csv"),
               ("export saved, Markdown", "markdown"))


def measure_papershelf(n: int, data: Path, only_export: bool = False) -> dict[str, float]:
    out: dict[str, float] = {}
    rare, common = words(n)
    keys = [f"arxiv:{scale_data.paper(i, random.Random(0)).arxiv_id}" for i in random.Random(1).sample(range(n), 100)]
    server = Server(data)
    out["start-up (serve until /api/health)"] = server.start()
    pid = server.proc.pid
    if only_export:
        measure_exports(server, pid, keys, out)
        server.stop()
        return out
    out["resident memory after start (MB)"] = rss_mb(pid)
    out["peak memory while loading (MB)"] = rss_mb(pid, "VmHWM")
    t = time.perf_counter()
    server.get(f"/api/papers?saved=all&q={rare}x")  # a word no paper has: the whole index is asked
    out["first search after start"] = (time.perf_counter() - t) * 1000
    out["status of 100 keys"] = median_ms(lambda: server.post("/api/status", {"keys": keys}), 30)
    save_keys = iter(keys * 2)
    out["save of 1 key"] = median_ms(lambda: server.post("/api/save", {"keys": [next(save_keys)]}), 15)
    out["search, rare word"] = median_ms(lambda: server.get(f"/api/papers?saved=all&q={rare}"), 5)
    out["search, common word, first page"] = median_ms(lambda: server.get(f"/api/papers?saved=all&q={common}"), 5)
    # Terms the words index cannot list (store/index_query.py): walked, counted from a sample.
    out["search, 1-2 letters (e, w1), first page"] = max(
        median_ms(lambda t=t: server.get(f"/api/papers?saved=all&q={t}"), 5) for t in ("e", "w1"))
    out["search, fragment in many words (family, arxiv), first page"] = max(
        median_ms(lambda t=t: server.get(f"/api/papers?saved=all&q={t}"), 5) for t in ("family", "arxiv"))
    out["search, 2 letters in few words (qz)"] = median_ms(lambda: server.get("/api/papers?saved=all&q=qz"), 5)
    sorts = ["sort=title&order=asc", "sort=seen", "sort=upvotes", "sort=published&order=asc", "sort=seen_count"]
    out["sorted page at offset 10,000 (worst sort)"] = max(
        median_ms(lambda s=s: server.get(f"/api/papers?saved=all&{s}&offset=10000&limit=50"), 3) for s in sorts)
    out["stats"] = median_ms(lambda: server.get("/api/stats"), 5)
    measure_exports(server, pid, keys, out)
    server.stop()
    return out


def measure_exports(server: Server, pid: int, keys: list[str], out: dict[str, float]) -> None:
    """Each format of the saved papers, then everything as JSON with status requests beside it."""
    for row, fmt in EXPORT_ROWS:
        cpu = cpu_s(pid)
        out[row] = median_ms(lambda fmt=fmt: server.get(f"/api/export?format={fmt}"), 1)
        # The server's CPU time beside the wall time: on a loaded machine the wall time is
        # mostly waiting for a core (about CPU x load / cores).
        print(f"  {row}: {out[row]:,.0f} ms, server CPU {cpu_s(pid) - cpu:.2f} s (load {loadavg()})", file=sys.stderr)

    # Everything as JSON, streamed to nowhere, while another client asks for badges.
    before = rss_mb(pid)
    done = threading.Event()
    peak, waits = [before], []

    def beside() -> None:
        while not done.is_set():
            t = time.perf_counter()
            server.post("/api/status", {"keys": keys})
            waits.append((time.perf_counter() - t) * 1000)
            peak.append(rss_mb(pid))
            time.sleep(0.02)

    watcher = threading.Thread(target=beside)
    watcher.start()
    t, cpu = time.perf_counter(), cpu_s(pid)
    req = urllib.request.Request(server.url + "/api/export?format=json&saved=all", headers=CLIENT)
    size = 0
    with urllib.request.urlopen(req, timeout=600) as r:
        while chunk := r.read(1 << 20):
            size += len(chunk)
    out["export everything, JSON"] = (time.perf_counter() - t) * 1000
    done.set()
    watcher.join()
    out["  memory growth during it (MB)"] = max(peak) - before
    out["  longest status request beside it"] = max(waits)
    out["_export_mb"] = size / 1e6
    print(f"  export everything, JSON: {out['export everything, JSON']:,.0f} ms (server CPU {cpu_s(pid) - cpu:.1f} s, "
          f"status requests too), longest status beside it "
          f"{out['  longest status request beside it']:,.0f} ms, memory growth "
          f"{out['  memory growth during it (MB)']:,.0f} MB (load {loadavg()})", file=sys.stderr)


def measure_capture(n: int, data: Path) -> float:
    """p99 of 200 captures of a 50-card page (40 known papers, 10 new), with the journal small
    enough that snapshots of the whole library are written while they run."""
    from papershelf.store import compaction

    rng = random.Random(3)
    # A snapshot normally waits for a quarter of the library's size in journal (compaction.py);
    # here every 4 MB, so that whole-library snapshots run beside the captures.
    share, compaction.SNAPSHOT_SHARE = compaction.SNAPSHOT_SHARE, 1 << 40
    tune_interpreter()  # as `serve` does (app.py); and after opening, its warm-up builds the title index
    lib = Library(data, compact_bytes=4 << 20)
    lib.warm_up()
    times, cpu, snapshots = [], [], 0
    try:
        for i in range(200):
            known = [scale_data.paper(k, random.Random(k)) for k in rng.sample(range(n), 40)]
            fresh = [scale_data.paper(n + 10 * i + k + 10_000_000, random.Random(k)) for k in range(10)]
            page = [Paper.from_dict(p.to_dict()) for p in known + fresh]
            t, cpu0 = time.perf_counter(), time.thread_time()
            lib.capture(page)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.thread_time() - cpu0) * 1000)
            snapshots += bool(lib._compactor and lib._compactor.is_alive())
    finally:
        lib.close()
        compaction.SNAPSHOT_SHARE = share
    print(f"  ({n}: {snapshots} of 200 captures ran beside a snapshot being written)", file=sys.stderr)
    # The capture's own CPU time beside its wall time: on a loaded machine the wall time is
    # mostly waiting for a core.
    return statistics.median(times), statistics.quantiles(times, n=100)[98], statistics.quantiles(cpu, n=100)[98]


def measure_restore(data: Path, n: int) -> dict[str, float]:
    """papershelf export --format json --all, then import into an empty library: time, peak memory."""
    backup = scale_data.CACHE / f"backup-{n}.json"
    restored = scale_data.CACHE / f"restored-{n}"
    subprocess.run(["rm", "-rf", str(restored)], check=True)
    out = {}
    for label, args in (("backup: papershelf export --format json --all", ["export", "--format", "json", "--all",
                                                                            "--out", str(backup), "--data", str(data)]),
                        ("restore: papershelf import of that backup", ["import", str(backup), "--data", str(restored)])):
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "papershelf", *args], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        # The child's own high-water mark (VmHWM), read until it exits: wait4's ru_maxrss counts
        # the pages a forked child starts with, this process's (the bench's own ~600 MB).
        peak = 0.0
        while proc.poll() is None:
            try:
                peak = max(peak, rss_mb(proc.pid, "VmHWM"))
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        out[label] = (time.perf_counter() - t) * 1000
        out[label + " peak (MB)"] = peak
        if proc.returncode:
            raise SystemExit(f"{label} failed: {proc.stderr.read()}")
    out["_backup_mb"] = backup.stat().st_size / 1e6
    with Library(restored, read_only=True) as lib, Library(data, read_only=True) as orig:
        out["_restored_same"] = float(lib.counts() == orig.counts() and len(lib) == len(orig))
    backup.unlink()
    return out


def measure_reference(n: int, data: Path) -> dict[str, float]:
    ref = ReferenceStore.cached(n, data)
    rare, common = words(n)
    keys = [f"arxiv:{scale_data.paper(i, random.Random(0)).arxiv_id}" for i in random.Random(1).sample(range(n), 100)]
    out = {"start-up (serve until /api/health)": ref.open_ms(), "resident memory after start (MB)": ref.open_rss_mb()}
    out["peak memory while loading (MB)"] = out["resident memory after start (MB)"]
    ref.open()
    rng = random.Random(3)
    times = []
    for i in range(200):
        known = [scale_data.paper(k, random.Random(k)) for k in rng.sample(range(n), 40)]
        fresh = [scale_data.paper(n + 10 * i + k + 20_000_000, random.Random(k)) for k in range(10)]
        t = time.perf_counter()
        ref.capture(known + fresh)
        times.append((time.perf_counter() - t) * 1000)
    out["capture 50 cards, median"] = statistics.median(times)
    out["capture 50 cards, p99 of 200 (across snapshots)"] = statistics.quantiles(times, n=100)[98]
    out["first search after start"] = median_ms(lambda: ref.search(rare + "x"), 1)
    out["status of 100 keys"] = median_ms(lambda: ref.status(keys), 30)
    save_keys = iter(keys * 2)
    out["save of 1 key"] = median_ms(lambda: ref.save(next(save_keys)), 15)
    out["search, rare word"] = median_ms(lambda: ref.search(rare), 5)
    out["search, common word, first page"] = median_ms(lambda: ref.search(common), 5)
    out["sorted page at offset 10,000 (worst sort)"] = max(
        median_ms(lambda c=c: ref.page(c, 10000), 3) for c in ("title", "last_seen", "upvotes", "published"))
    out["stats"] = median_ms(ref.stats, 5)
    out["export everything, JSON"] = median_ms(ref.export_all, 1)
    ref.close()
    return out


def measure_only(row: str, sizes: list[int]) -> None:
    """One row alone, for a before/after beside the load average (each printed as it is done)."""
    for n in sizes:
        data = scale_data.library(n)
        print(f"{n:,} papers, load average before {loadavg()}")
        if row == "capture":
            median, p99, cpu = measure_capture(n, data)
            figures = {"capture 50 cards, median": median, "capture 50 cards, p99 of 200 (across snapshots)": p99,
                       "  p99 of the capture thread's CPU time": cpu}
        elif row == "start-up":
            starts = []
            for _ in range(5):
                server = Server(data)
                starts.append(server.start())
                server.stop()
            figures = {"start-up (serve until /api/health), median of 5": statistics.median(starts),
                       "  fastest": min(starts), "  slowest": max(starts)}
        else:
            figures = {k: v for k, v in measure_restore(data, n).items() if not k.startswith("_")}
        for name, value in figures.items():
            print(f"  {name}: {value:,.1f}")
        print(f"  load average after {loadavg()}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000])
    ap.add_argument("--million", action="store_true", help="also 1,000,000 papers (builds ~2 GB + index)")
    ap.add_argument("--no-restore", action="store_true", help="skip the backup/restore round trip")
    ap.add_argument("--only", choices=("capture", "start-up", "restore", "export"),
                    help="measure one row (or the export rows) alone, at each size, PaperShelf only, with the load")
    args = ap.parse_args()
    sizes = args.sizes + ([1_000_000] if args.million else [])
    if args.only and args.only != "export":
        return measure_only(args.only, sizes)
    ours: dict[int, dict] = {}
    ref: dict[int, dict] = {}
    print(f"load average before: {loadavg()}", file=sys.stderr)
    for n in sizes:
        data = scale_data.library(n)
        print(f"measuring {n} ...", file=sys.stderr)
        ours[n] = measure_papershelf(n, data, only_export=args.only == "export")
        if args.only:
            ref[n] = {}
            continue
        (ours[n]["capture 50 cards, median"], ours[n]["capture 50 cards, p99 of 200 (across snapshots)"],
         ours[n]["  p99 of the capture thread's CPU time"]) = measure_capture(n, data)
        if not args.no_restore and n == sizes[-1]:
            ours[n].update(measure_restore(data, n))
        ref[n] = measure_reference(n, data)
    small, big = sizes[0], sizes[-1]
    rows = [k for k in TARGETS if any(k in ours[n] for n in sizes)] + [k for k in ours[big] if k not in TARGETS and not k.startswith("_")]
    print(f"\nPaperShelf vs reference SQLite store (stdlib sqlite3, WAL, synchronous=FULL, FTS5); ms unless "
          f"marked; load average {loadavg()}")
    head = f"| operation | {' | '.join(f'PaperShelf {n:,}' for n in sizes)} | growth {small // 1000}k→{big // 1000}k " \
           f"| reference {big:,} | ratio | target |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for row in rows:
        mine = [ours[n].get(row) for n in sizes]
        theirs = ref[big].get(row)
        growth = f"{mine[-1] / mine[0]:.1f}x" if mine[0] and mine[-1] is not None else ""
        ratio = f"{mine[-1] / theirs:.1f}x" if theirs and mine[-1] is not None else ""
        target = TARGETS.get(row)
        verdict = "" if target is None or mine[-1] is None else (" ✓" if mine[-1] <= target else " ✗")
        cells = " | ".join("" if v is None else f"{v:,.1f}" for v in mine)
        print(f"| {row} | {cells} | {growth} | {'' if theirs is None else f'{theirs:,.1f}'} | {ratio} | "
              f"{'' if target is None else f'≤ {target:,}'}{verdict} |")
    last = ours[big]
    print(f"\nexport of everything: {last['_export_mb']:.0f} MB of JSON at {big:,} papers")
    if "_backup_mb" in last:
        print(f"backup file {last['_backup_mb']:.0f} MB; restored into an empty library: "
              f"{'the same counts and papers' if last['_restored_same'] else 'DIFFERENT'}")
    for n in sizes:
        files = {p.name: p.stat().st_size / 1e6 for p in scale_data.library(n).iterdir() if p.is_file()}
        print(f"data directory at {n:,}: " + ", ".join(f"{k} {v:,.0f} MB" for k, v in sorted(files.items()) if v >= 1))


if __name__ == "__main__":
    main()
