"""`make bench`: how long conclab makes you wait, side by side with gonb and
with the Go toolchain itself.

    .venv/bin/python bench/bench.py [--quick] [--only startup,plot] [--no-gonb]

Both kernels are started with jupyter_client from kernelspecs in a temporary
JUPYTER_PATH and driven cell by cell, interleaved (conclab, gonb, gonb,
conclab, ...) so that machine noise hits both alike. gonb (pinned) is built in the
temporary directory by the harness itself. Results: a table on stdout and
build/bench.json. The machines are noisy: read medians and ratios."""
import argparse
import glob
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

import cellprofile
import floor
import gobench
import gonb_install
import report
from cases import CASES, CONCLAB, GONB, LAUNCH, PLOT, TRIVIAL
from kernels import KernelError, Session, proc_status_kb, write_spec
from stats import paired_ratio, summary

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALL = ["floor", "startup"] + [c.key for c in CASES] + ["fresh_first", "newuser", "class", "memory", "profile", "suite", "gobench"]
NEWUSER = "conclab-newuser"


def du(path):
    """The bytes of the files under path (symbolic links not followed)."""
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(d, f)).st_size
            except OSError:
                pass
    return total


class Bench:
    """One run of the harness: its temporary directory, kernels and results."""

    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.tmp = tempfile.mkdtemp(prefix="conclab-bench-")
        self.jupyter = os.path.join(self.tmp, "jupyter")
        self.work = os.path.join(self.tmp, "work")  # the kernels' working directory
        self.logs = os.path.join(self.tmp, "logs")
        for d in (self.jupyter, self.work, self.logs, os.path.join(self.tmp, "gonb-tmp"),
                  os.path.join(self.tmp, "conclab-tmp")):
            os.makedirs(d, exist_ok=True)
        # Cell numbers are new on every run of the harness, so the Go build
        # cache (shared across runs) never holds an edited cell already.
        self.next_n = random.randrange(10**6, 10**7) * 10**6
        self.kernels = [CONCLAB]
        self.results = {"meta": self.meta(), "cases": {}}

    def n(self):
        self.next_n += 1
        return self.next_n

    def log(self, msg):
        print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    def reps(self, full, quick):
        return quick if self.quick else full

    # --- setup -------------------------------------------------------------

    def meta(self):
        def out(args, cwd=REPO):
            try:
                return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=30).stdout.strip()
            except (OSError, subprocess.TimeoutExpired):
                return ""
        return {
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "quick": self.quick,
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
            "go": out(["go", "env", "GOVERSION"]),
            "conclab": out([self.args.conclab, "version"]),
            "commit": out(["git", "rev-parse", "--short", "HEAD"]),
            "loadavg_start": open("/proc/loadavg").read().split()[:3],
        }

    def conclab_env(self, **extra):
        """The kernelspec env of conclab kernels: their workspaces go under
        the harness's temporary directory, so that a kernel that has to be
        killed leaves nothing behind in /tmp."""
        return dict(TMPDIR=os.path.join(self.tmp, "conclab-tmp"), **extra)

    def setup_kernels(self):
        conclab = os.path.abspath(self.args.conclab)
        write_spec(self.jupyter, CONCLAB, [conclab, "kernel", "--connection-file", "{connection_file}"],
                   "Go (conclab, bench)", self.conclab_env())
        self.results["gonb"] = {"version": gonb_install.GONB_VERSION}
        if self.args.no_gonb:
            self.results["gonb"]["status"] = "skipped (--no-gonb)"
            return
        self.log(f"building gonb {gonb_install.GONB_VERSION} and goimports in {self.tmp}")
        start = time.perf_counter()
        try:
            bin_dir = gonb_install.install(self.tmp)
        except gonb_install.InstallError as e:
            self.results["gonb"]["status"] = f"not installed: {e}"
            self.log(f"gonb could not be installed; conclab only: {e}")
            return
        self.results["gonb"].update(status="installed", build_seconds=time.perf_counter() - start)
        env = {"PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
               "TMPDIR": os.path.join(self.tmp, "gonb-tmp")}
        write_spec(self.jupyter, GONB, [os.path.join(bin_dir, "gonb"), "--kernel", "{connection_file}"],
                   "Go (gonb, bench)", env)
        self.kernels.append(GONB)

    def launch_floor(self):
        """Build bench/launchfloor, the smallest Go kernel (what starting any
        Go kernel through jupyter_client costs here), and return the kernel
        names it adds to the startup rows: none if it cannot be built."""
        binary = os.path.join(self.tmp, "launchfloor")
        p = subprocess.run(["go", "build", "-o", binary, "./bench/launchfloor"], cwd=REPO,
                           capture_output=True, text=True)
        if p.returncode != 0:
            self.results["launch_floor"] = {"error": "go build ./bench/launchfloor: " + p.stderr.strip()[-300:]}
            self.log(self.results["launch_floor"]["error"])
            return []
        write_spec(self.jupyter, LAUNCH, [binary, "{connection_file}"], "launch floor (bench)")
        self.results["launch_floor"] = {"status": "built"}
        return [LAUNCH]

    def start(self, kernel, tag, client_ready=False):
        log = open(os.path.join(self.logs, f"{kernel}-{tag}.log"), "a")
        try:
            return Session.start(kernel, self.jupyter, self.work, log=log, client_ready=client_ready)
        finally:
            log.close()  # the kernel holds its own descriptor

    # --- measurements ------------------------------------------------------

    def run_floor(self):
        reps = self.reps(15, 5)
        self.log(f"toolchain floor, {reps} repetitions")
        try:
            raw = floor.measure(os.path.join(self.tmp, "floor"), self.n(), reps, REPO)
        except (RuntimeError, OSError) as e:
            self.results["floor"] = {"error": str(e)}
            return
        self.next_n += reps + 1
        self.results["floor"] = {k: summary(v) for k, v in raw.items()}
        self.results["floor"]["samples"] = raw

    def run_startup(self):
        reps = self.reps(10, 3)
        kernels = self.kernels + self.launch_floor()
        self.log(f"startup and shutdown, {reps} repetitions on {', '.join(kernels)}")
        keys = ("startup", "startup_iopub", "startup_client", "startup_launch")
        data = {key: {k: [] for k in kernels} for key in keys}
        stop = {k: [] for k in kernels}
        killed = {k: 0 for k in kernels}
        errors = {}
        for i in range(reps):
            for k in (kernels if i % 2 == 0 else kernels[::-1]):
                try:
                    s, secs = self.start(k, "startup")
                    data["startup"][k].append(secs)
                    data["startup_iopub"][k].append(s.iopub_seconds)
                    data["startup_launch"][k].append(s.launch_seconds)
                    time.sleep(0.3)  # let it finish starting up before asking it to stop
                    took = s.shutdown(grace=2.0)
                    if took is None:
                        killed[k] += 1
                    else:
                        stop[k].append(took)
                    s, secs = self.start(k, "startup", client_ready=True)
                    data["startup_client"][k].append(secs)
                    s.shutdown(grace=0.2)
                except KernelError as e:
                    errors[k] = str(e)
        for key in keys:
            self.results["cases"][key] = {k: {"summary": summary(v), "samples": v} for k, v in data[key].items()}
            for k, e in errors.items():
                self.results["cases"][key][k]["failures"] = [e]
        res = {}
        for k in kernels:
            res[k] = {"summary": summary(stop[k]), "samples": stop[k], "killed": killed[k]}
            if killed[k] == reps:
                res[k]["unavailable"] = f"never exited by itself ({reps}/{reps} killed after 2 s)"
            elif killed[k]:
                res[k]["note"] = f"{killed[k]}/{reps} killed after 2 s"
        self.results["cases"]["shutdown"] = res

    def run_case(self, case):
        kernels = [k for k in self.kernels if k in case.kernels]
        reps = self.reps(case.reps, case.quick_reps)
        self.log(f"{case.key}: {case.title}, {reps} repetitions on {', '.join(kernels)}")
        res = {k: {"samples": [], "failures": []} for k in kernels}
        sessions = {}
        fixed_n = self.n()
        try:
            for k in kernels:
                try:
                    sessions[k], _ = self.start(k, case.key)
                    for code in case.setup.get(k, []):
                        run = sessions[k].execute(code, timeout=case.timeout)
                        if not run.ok:
                            raise KernelError(f"setup cell {code.splitlines()[0]!r}: {run.error or run.status}")
                    for _ in range(case.warmups):
                        n = self.n() if case.edited else fixed_n
                        run = sessions[k].execute(case.code(n), timeout=case.timeout)
                        problem = case.check(run, n)
                        if problem:
                            raise KernelError(problem)
                except KernelError as e:
                    res[k]["unavailable"] = str(e)
                    self.log(f"  {k}: not available: {e}")
            ready = [k for k in kernels if "unavailable" not in res[k]]
            for k in ready:
                res[k]["settled_after"] = sessions[k].settle()
            fl = None
            if case.with_floor:
                fl = floor.Floor(os.path.join(self.tmp, f"floor-{case.key}"), REPO, self.n())
                res["floor"] = {"samples": [], "steps": []}
            cpu0 = {k: sessions[k].cpu_seconds() for k in ready}
            for i in range(reps):
                # Interleaved, and the order turned round every repetition,
                # so that neither side always runs just after the other.
                order = ready if i % 2 == 0 else ready[::-1]
                if fl is not None:
                    steps = fl.direct(self.n())
                    res["floor"]["samples"].append(steps["direct"])
                    res["floor"]["steps"].append(steps)
                for k in order:
                    n = self.n() if case.edited else fixed_n
                    try:
                        run = sessions[k].execute(case.code(n), timeout=case.timeout)
                    except KernelError as e:
                        res[k]["failures"].append(str(e))
                        continue
                    problem = case.check(run, n)
                    if problem and run.ok:
                        late = sessions[k].late_output(run)
                        if late is not None:
                            problem += f"; it came {late * 1000:.0f} ms after the kernel said idle"
                    if problem:
                        res[k]["failures"].append(problem)
                    else:
                        res[k]["samples"].append(run.seconds)
                    if k in case.pair:
                        pair = res[k].setdefault("pair", {"samples": [], "failures": []})
                        try:
                            prun = sessions[k].execute(case.pair[k](n), timeout=case.timeout)
                        except KernelError as e:
                            pair["failures"].append(str(e))
                            continue
                        if prun.ok:
                            pair["samples"].append(prun.seconds)
                        else:
                            pair["failures"].append(prun.error or f"status {prun.status}")
            for k in ready:
                own, children = (b - a for a, b in zip(cpu0[k], sessions[k].cpu_seconds()))
                res[k]["cpu_per_cell"] = {"kernel": own / reps, "children": children / reps}
        finally:
            for s in sessions.values():
                s.shutdown()
        for k in kernels:
            res[k]["summary"] = summary(res[k]["samples"])
            if "pair" in res[k]:
                res[k]["pair"]["summary"] = summary(res[k]["pair"]["samples"])
            if not res[k]["samples"] and "unavailable" not in res[k]:
                res[k]["unavailable"] = "every run failed: " + (res[k]["failures"] or ["?"])[0]
        if all(k in res and res[k]["samples"] for k in (CONCLAB, GONB)):
            res["paired_ratio"] = paired_ratio(res[CONCLAB]["samples"], res[GONB]["samples"])
        if "floor" in res:
            res["floor"]["summary"] = summary(res["floor"]["samples"])
        self.results["cases"][case.key] = res

    def run_fresh(self):
        """The first cell of a fresh kernel with warm caches: start a kernel, run an edited trivial
        cell once, stop it; the toolchain floor timed in the same loop, and the order turned round
        every repetition."""
        reps = self.reps(10, 3)
        self.log(f"fresh_first: first cell of a fresh kernel, {reps} repetitions on {', '.join(self.kernels)}")
        res = {k: {"samples": [], "failures": []} for k in self.kernels}
        fl = floor.Floor(os.path.join(self.tmp, "floor-fresh"), REPO, self.n())
        res["floor"] = {"samples": [], "steps": []}
        for i in range(reps):
            steps = fl.direct(self.n())
            res["floor"]["samples"].append(steps["direct"])
            res["floor"]["steps"].append(steps)
            for k in (self.kernels if i % 2 == 0 else self.kernels[::-1]):
                s = None
                n = self.n()
                try:
                    s, _ = self.start(k, "fresh")
                    run = s.execute(TRIVIAL.code(n), timeout=300)
                    problem = TRIVIAL.check(run, n)
                    if problem:
                        res[k]["failures"].append(problem)
                    else:
                        res[k]["samples"].append(run.seconds)
                except KernelError as e:
                    res[k]["failures"].append(str(e))
                finally:
                    if s is not None:
                        s.shutdown()
        for k in self.kernels:
            res[k]["summary"] = summary(res[k]["samples"])
            if not res[k]["samples"]:
                res[k]["unavailable"] = "every run failed: " + (res[k]["failures"] or ["?"])[0]
        res["floor"]["summary"] = summary(res["floor"]["samples"])
        self.results["cases"]["fresh_first"] = res

    def run_newuser(self):
        """A new user of a machine a class shares, with empty personal caches (GOCACHE and
        CONCLAB_CACHE): their first cell, first %race cell and first plot, and what is left in their
        home after twenty more edited cells; with the shared package set (conclab warm --shared)
        and, once, without it. The Go module cache stays the machine's."""
        reps = self.reps(3, 1)
        conclab = os.path.abspath(self.args.conclab)
        shared = os.path.join(self.tmp, "shared-packages")
        self.log(f"newuser: building the shared package set in {shared}")
        start = time.perf_counter()
        p = subprocess.run([conclab, "warm", "--race", "--shared", shared], capture_output=True, text=True)
        res = {"shared_build_seconds": time.perf_counter() - start}
        self.results["newuser"] = res
        if p.returncode != 0:
            res["error"] = "conclab warm --shared: " + p.stderr.strip()[-300:]
            return
        res["shared_bytes"] = du(shared)
        firsts = [("first", "fmt.Println(1)", "1"), ("first_race", "%race\nfmt.Println(2)", "2"),
                  ("first_plot", PLOT.code(1), None)]
        for label, where in (("shared", shared), ("personal", None)):
            runs = 1 if where is None else reps
            self.log(f"newuser: {label} packages, {runs} new user(s)")
            row = {key: [] for key, _, _ in firsts}
            row.update(disk_bytes=[], failures=[])
            for _ in range(runs):
                home = tempfile.mkdtemp(prefix="newuser-", dir=self.tmp)
                env = self.conclab_env(GOCACHE=os.path.join(home, "gocache"), CONCLAB_CACHE=os.path.join(home, "conclab"),
                                       CONCLAB_SHARED=where or os.path.join(home, "no-shared-packages"))
                write_spec(self.jupyter, NEWUSER, [conclab, "kernel", "--connection-file", "{connection_file}"],
                           "Go (conclab, a new user)", env)
                s = None
                try:
                    s, _ = self.start(NEWUSER, "newuser")
                    for key, code, want in firsts:
                        run = s.execute(code, timeout=900)
                        if not run.ok or (want is not None and run.stdout.strip() != want):
                            raise KernelError(f"{key}: {run.error or run.status} {run.stdout[-100:]!r}")
                        row[key].append(run.seconds)
                    for _ in range(20):
                        n = self.n()
                        run = s.execute(TRIVIAL.code(n), timeout=300)
                        problem = TRIVIAL.check(run, n)
                        if problem:
                            raise KernelError(problem)
                except KernelError as e:
                    row["failures"].append(str(e))
                finally:
                    if s is not None:
                        s.shutdown()
                row["disk_bytes"].append(du(home))
            res[label] = {k: (v if k == "failures" else {"summary": summary(v), "samples": v}) for k, v in row.items()}

    def run_class(self):
        """A class on one machine (bench/classroom.py): ten students on a real JupyterHub, then,
        unless --quick, larger classes until the edited cells' p95 passes 2 s or a cell fails:
        the sizing the README gives."""
        import classroom
        why = classroom.why_not(self.args.conclab)
        if why:
            self.results["class"] = {"error": why}
            return
        sizes = [10] if self.args.quick else [10, 16, 22, 28, 34]
        runs = []
        self.results["class"] = {"runs": runs}
        for n in sizes:
            self.log(f"class: {n} students")
            try:
                with classroom.Class(n, self.args.conclab, sys.executable, log=self.log) as cls:
                    r = classroom.run_class(cls)
            except Exception as e:  # the setup of a class: report it, measure the rest
                runs.append({"students": n, "error": f"{type(e).__name__}: {e}"})
                break
            r.pop("records", None)
            runs.append(r)
            self.log("  " + classroom.fmt_report(r))
            if r["failures"] or (r["edited_p95"] or 0) > 2.0:
                break

    def run_memory(self):
        cells = self.reps(500, 50)
        checkpoints = sorted({1, cells // 10, cells // 5, cells // 2, cells} |
                             set(range(100, cells + 1, 100)))
        base_cell = cells // 5
        self.log(f"memory: RSS idle and over {cells} trivial cells (one in five edited)")
        out = {"cells": cells}
        sessions = {}
        try:
            for k in self.kernels:
                sessions[k], _ = self.start(k, "memory")
            for s in sessions.values():
                s.settle()  # idle: after the work a kernel does by itself at start
            track = {k: {"idle_kib": sessions[k].rss_kb(), "series": [], "failures": 0} for k in sessions}
            for k in sessions:
                track[k]["idle_fds"] = len(os.listdir(f"/proc/{sessions[k].pid}/fd"))
                track[k]["idle_threads"] = proc_status_kb(sessions[k].pid, "Threads")
            last = {}
            for i in range(1, cells + 1):
                for k, s in sessions.items():
                    # One cell in five is edited (a build); the others re-run it.
                    n = last[k] = self.n() if i % 5 == 1 else last[k]
                    run = s.execute(TRIVIAL.code(n))
                    if TRIVIAL.check(run, n):
                        track[k]["failures"] += 1
                    if i in checkpoints:
                        track[k]["series"].append({
                            "cell": i, "rss_kib": s.rss_kb(),
                            "fds": len(os.listdir(f"/proc/{s.pid}/fd")),
                            "threads": proc_status_kb(s.pid, "Threads")})
            for k, t in track.items():
                at = {p["cell"]: p for p in t["series"]}
                t.update(base_cell=base_cell, base_kib=at[base_cell]["rss_kib"], final_kib=at[cells]["rss_kib"],
                         final_fds=at[cells]["fds"], final_threads=at[cells]["threads"])
                t["no_growth"] = t["final_kib"] <= 1.10 * t["base_kib"] and t["failures"] == 0
                out[k] = t
        except KernelError as e:
            out["error"] = str(e)
        finally:
            for s in sessions.values():
                s.shutdown()
        self.results["memory"] = out

    def run_profile(self):
        reps = self.reps(12, 4)
        self.log(f"profile: conclab with go build -debug-trace, {reps} edited trivial and "
                 f"{max(2, reps // 2)} plot cells; then under strace")
        conclab = os.path.abspath(self.args.conclab)
        argv = [conclab, "kernel", "--connection-file", "{connection_file}"]
        out = {}
        # The go command's own trace of each build, read right after the cell.
        trace_path = os.path.join(self.logs, "go-build-trace.json")
        goflags = subprocess.run(["go", "env", "GOFLAGS"], capture_output=True, text=True).stdout.strip()
        write_spec(self.jupyter, "conclab-trace", argv, "conclab with go build traces",
                   self.conclab_env(GOFLAGS=f"{goflags} -debug-trace={trace_path}".strip()))
        for key, case, n_cells in (("trace", TRIVIAL, reps), ("trace_plot", PLOT, max(2, reps // 2))):
            parts, totals = [], []

            def read_trace(run):
                try:
                    with open(trace_path) as f:
                        events = json.load(f)
                    os.remove(trace_path)
                except (OSError, ValueError):
                    return
                b = cellprofile.trace_breakdown(events, run.wall_start, run.wall_start + run.seconds)
                if b:
                    parts.append(b)
                    totals.append(run.seconds)

            self._profile_cells("conclab-trace", case, n_cells, read_trace)
            out[key] = ({"cells": len(parts), "total": summary(totals), "phases": cellprofile.summarize(parts),
                         "samples": parts} if parts else {"error": "no go build ran (the kernel compiles and links cells itself: see the strace rows)"})
        # Exact process boundaries around the program, from strace.
        log_path = os.path.join(self.logs, "strace.log")
        prefix = cellprofile.strace_argv(log_path)
        if prefix is None:
            out["strace"] = {"error": "strace is not installed"}
        else:
            write_spec(self.jupyter, "conclab-strace", prefix + argv, "conclab under strace", self.conclab_env())
            cells = []
            self._profile_cells("conclab-strace", TRIVIAL, max(3, reps // 2),
                                lambda run: cells.append((run.wall_start, run.wall_start + run.seconds)))
            time.sleep(0.2)  # strace writes the last exits as the kernel goes
            with open(log_path) as f:
                execs = cellprofile.parse_strace(f)
            sparts = [b for b in (cellprofile.strace_breakdown(execs, t0, t1) for t0, t1 in cells) if b]
            mode = "go build"
            if not sparts:
                sparts = [b for b in (cellprofile.direct_breakdown(execs, t0, t1) for t0, t1 in cells) if b]
                mode = "direct"
            out["strace"] = ({"cells": len(sparts), "mode": mode, "phases": cellprofile.summarize(sparts),
                              "samples": sparts}
                             if sparts else {"error": "no cell could be split into phases (see logs/strace.log)"})
        self.results["profile"] = out

    def _profile_cells(self, kernel, case, reps, after):
        """Run reps edited cells of case (after two unmeasured ones) in a new
        kernel, calling after(run) for each that did what it should."""
        s, _ = self.start(kernel, "profile")
        try:
            for _ in range(2):
                s.execute(case.code(self.n()))
            s.settle()
            for _ in range(reps):
                n = self.n()
                run = s.execute(case.code(n))
                if not case.check(run, n):
                    after(run)
        finally:
            s.shutdown()

    def run_suite(self):
        nbs = sorted(glob.glob(os.path.join(REPO, "notebooks", "*.ipynb")))
        if not nbs:
            self.results["suite"] = {"status": "no notebooks in notebooks/ yet", "seconds": None}
            return
        if self.quick:
            self.results["suite"] = {"status": "skipped (QUICK)", "seconds": None, "notebooks": len(nbs)}
            return
        self.log(f"notebook suite: tests/nbrun.py over {len(nbs)} notebooks")
        env = dict(os.environ, JUPYTER_PATH=self.jupyter)  # the same conclab binary as the cases
        start = time.perf_counter()
        try:
            p = subprocess.run([sys.executable, os.path.join(REPO, "tests", "nbrun.py"), *nbs],
                               cwd=REPO, env=env, capture_output=True, text=True, timeout=3600)
        except subprocess.TimeoutExpired:
            self.results["suite"] = {"status": "timed out after 3600 s", "seconds": None}
            return
        secs = time.perf_counter() - start
        per = {m.group(1): float(m.group(2)) for m in
               re.finditer(r"^(\S+\.ipynb): \d+ cells in ([\d.]+)s", p.stdout, re.M)}
        self.results["suite"] = {"status": "ok" if p.returncode == 0 else "problems", "ok": p.returncode == 0,
                                 "seconds": secs, "notebooks": len(nbs), "per_notebook": per,
                                 "output_tail": (p.stdout + p.stderr)[-3000:]}

    def run_gobench(self):
        benchtime, count = ("200ms", 1) if self.quick else ("1s", 3)
        self.log(f"Go benchmarks of demos and plots (-benchtime={benchtime} -count={count})")
        out = {"targets": []}
        for key, pkgs in (("demos", ["./demos/..."]), ("plots", ["./plots/..."])):
            parsed, secs, err = gobench.run(REPO, pkgs, benchtime, count)
            out[key] = {"seconds": secs, "error": err, "results": gobench.medians(parsed)}

        def metric(pkg, name, unit):
            s = out[pkg]["results"].get(name, {}).get(unit)
            return None if s is None else s["median"]

        def ratio_row(title, value, limit):
            out["targets"].append({"title": title, "value": value, "target": f"<= {limit}x",
                                   "text": "-" if value is None else f"{value:.2f}x",
                                   "ok": None if value is None else value <= limit})

        # A Recorder task ties itself to its goroutine with a trace log
        # (runtime/trace.Log alone takes about 200 ns).
        rt = metric("demos", "BenchmarkRecordTask", "ns/op")
        out["targets"].append({"title": "demos: record one task (Recorder, tied to its goroutine)", "value": rt,
                               "target": "<= 600 ns", "text": "-" if rt is None else f"{rt:.0f} ns",
                               "ok": None if rt is None else rt <= 600})
        ratio_row("demos: 100k goroutines, recorded run's wall / bare",
                  metric("demos", "BenchmarkGoroutines100k/ratio", "run/bare"), 1.5)
        floor = metric("demos", "BenchmarkGoroutines100k/ratio", "traced/bare")
        out["targets"].append({"title": "  floor: the bare run with the runtime's flight recorder on / bare", "value": floor,
                               "target": "-", "text": "-" if floor is None else f"{floor:.2f}x", "ok": None})
        ratio_row("demos: 100k goroutines, whole recorded call (run + reading states) / bare",
                  metric("demos", "BenchmarkGoroutines100k/ratio", "recorded/bare"), 1.5)
        ratio_row("demos: 4 CPU-bound goroutines of 100 ms, recorded / bare",
                  metric("demos", "BenchmarkFourCPUBound", "recorded/bare"), 1.05)
        for name, title in (("BenchmarkTimelinePNG10k", "plots: 10k-task timeline PNG"),
                            ("BenchmarkTimelinePNG10kMerged", "plots: 10k-task timeline PNG, merged"),
                            ("BenchmarkTimelineSVG10k", "plots: 10k-task timeline SVG")):
            v = metric("plots", name, "ns/op")
            out["targets"].append({"title": title, "value": v, "target": "-",
                                   "text": "-" if v is None else f"{v / 1e6:.0f} ms", "ok": None})
        self.results["gobench"] = out

    # --- driver ------------------------------------------------------------

    def run(self, only):
        started = time.perf_counter()
        self.setup_kernels()
        steps = {"floor": self.run_floor, "startup": self.run_startup, "memory": self.run_memory,
                 "profile": self.run_profile, "suite": self.run_suite, "gobench": self.run_gobench}
        steps.update({c.key: (lambda c=c: self.run_case(c)) for c in CASES})
        steps["fresh_first"] = self.run_fresh
        steps["newuser"] = self.run_newuser
        steps["class"] = self.run_class
        for key in ALL:
            if key in only:
                t = time.perf_counter()
                steps[key]()
                self.results.setdefault("step_seconds", {})[key] = time.perf_counter() - t
        self.results["meta"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
        self.results["meta"]["seconds"] = time.perf_counter() - started

    def cleanup(self):
        if self.args.keep:
            self.log(f"kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions, 50 cells for memory, no notebook suite")
    ap.add_argument("--only", default="", help=f"comma-separated steps to run (default all): {','.join(ALL)}")
    ap.add_argument("--skip", default="", help="comma-separated steps to leave out")
    ap.add_argument("--no-gonb", action="store_true", help="measure conclab and the floor only")
    ap.add_argument("--conclab", default=os.path.join(REPO, "bin", "conclab"), help="the conclab binary")
    ap.add_argument("--json", default=os.path.join(REPO, "build", "bench.json"), help="where to write results")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (kernel logs, strace log)")
    args = ap.parse_args()
    only = [s for s in args.only.split(",") if s] or ALL
    unknown = [s for s in only + args.skip.split(",") if s and s not in ALL]
    if unknown:
        ap.error(f"unknown steps {unknown}; known: {', '.join(ALL)}")
    only = [s for s in only if s not in args.skip.split(",")]
    if not os.access(args.conclab, os.X_OK):
        ap.error(f"{args.conclab} is not an executable (run make build)")

    b = Bench(args)
    try:
        b.run(only)
    finally:
        b.cleanup()
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(b.results, f, indent=1)
    report.print_report(b.results)
    print(f"\nresults: {args.json}")


if __name__ == "__main__":
    main()
