"""The readable side of the results: one table of cases against their targets,
then the toolchain floor, the profile of an edited cell, memory and the Go
benchmarks."""
import os
import sys

from cases import CONCLAB, GONB, LAUNCH
from cellprofile import DIRECT_PHASES, STRACE_PHASES, TRACE_PHASES
from stats import ratio


def ms(secs):
    if secs is None:
        return "-"
    v = secs * 1000
    return f"{v:.1f} ms" if v < 10 else f"{v:.0f} ms"


def spread(s, fmt=ms):
    """median [p25-p75] of a summary."""
    if not s or s.get("median") is None:
        return "-"
    if s["n"] < 3:
        return f"{fmt(s['median'])} (n={s['n']})"
    return f"{fmt(s['median'])} [{fmt(s['p25'])}-{fmt(s['p75'])}]"


def mb(kib):
    return "-" if kib is None else f"{kib / 1024:.1f} MB"


def x(r):
    return "-" if r is None else f"{r:.2f}x"


def met(ok):
    return {True: "yes", False: "NO", None: "n/a"}[ok]


def render_table(rows, header):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()
    out = [line(header), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


def side(result, kernel, fmt=ms):
    """A kernel's column for a case: its spread, or why it has none."""
    k = result.get(kernel)
    if k is None:
        return "-"
    if k.get("unavailable"):
        return "n/a: " + k["unavailable"][:70]
    return spread(k["summary"], fmt)


def median(result, kernel):
    k = result.get(kernel) or {}
    s = k.get("summary") or {}
    return s.get("median")


def case_rows(results):
    """Rows of the main table from the results dict bench.py builds."""
    rows = []
    global_floor = (results.get("floor") or {}).get("direct", {}).get("median")
    cases = results.get("cases", {})

    def add(key, title, target="-", check=None, ratio_to="gonb", fmt=ms):
        r = cases.get(key)
        if r is None:
            return
        # The floor timed in the case's own loop when there is one; for
        # startup, the smallest Go kernel started the same way.
        floor = ((r.get("floor") or {}).get("summary") or {}).get("median") or global_floor
        if LAUNCH in r:
            floor = median(r, LAUNCH)
        c, g = median(r, "conclab"), median(r, "gonb")
        ratios, ok = [], None
        if ratio_to in ("gonb", "both") and g:
            ratios.append(f"{x(ratio(c, g))} gonb")
        if ratio_to in ("floor", "both") and floor:
            ratios.append(f"{x(ratio(c, floor))} floor")
        if check is not None and c is not None:
            ok = check(c, g)
        rows.append([title, side(r, "conclab", fmt), side(r, "gonb", fmt),
                     ms(floor) if ratio_to in ("floor", "both") else "-",
                     ", ".join(ratios) or "-", target, met(ok)])

    def vs_gonb(limit):
        return lambda c, g: None if g is None else c <= limit * g

    add("startup", "start to kernel_info_reply", "<= 0.3x gonb", vs_gonb(0.3), ratio_to="both")
    add("startup_launch", "  of which jupyter_client's start_kernel", ratio_to="both")
    add("startup_iopub", "start to first iopub message", ratio_to="both")
    add("startup_client", "start to ready (jupyter_client wait_for_ready)", ratio_to="both")
    add("shutdown", "shutdown_request to exit")
    def trivial_ok(c, g):
        f = ((cases["trivial_edited"].get("floor") or {}).get("summary") or {}).get("median") or global_floor
        return (f is not None and c <= 1.2 * f) and (g is None or c <= 0.6 * g)

    add("trivial_edited", "trivial cell, edited", "<= 1.2x floor, <= 0.6x gonb", trivial_ok, ratio_to="both")
    def fresh_ok(c, g):
        f = ((cases["fresh_first"].get("floor") or {}).get("summary") or {}).get("median") or global_floor
        return f is not None and c <= 1.5 * f

    add("fresh_first", "first cell of a fresh kernel (caches warm)", "<= 1.5x floor", fresh_ok, ratio_to="both")
    add("trivial_unchanged", "trivial cell, unchanged re-run", "<= 30 ms", lambda c, g: c <= 0.030)
    add("decls", "declarations + use, edited")
    add("goroutines", "8 goroutines, edited")
    add("plot", "gonum/plot + DisplayPNG, edited", "<= 0.35x gonb", vs_gonb(0.35))
    add("timeline", "demos + plots timeline, edited")
    add("live", "%live trivial cell", "<= 5 ms", lambda c, g: c <= 0.005)
    add("race", "%goflags -race cell, edited")
    add("test_edited", "%test of one test (race), edited")
    pair = ((cases.get("test_edited") or {}).get(CONCLAB) or {}).get("pair") or {}
    p, t = (pair.get("summary") or {}).get("median"), median(cases.get("test_edited") or {}, CONCLAB)
    if p:
        rows.append(["  against an edited %race cell, timed beside it", spread(pair["summary"], ms), "-", "-",
                     f"{x(ratio(t, p))} %race", "<= 1.5x %race", met(None if t is None else t <= 1.5 * p)])

    suite = results.get("suite") or {}
    if suite:
        secs = suite.get("seconds")
        rows.append(["notebook suite", f"{secs:.0f} s" if secs is not None else "n/a: " + suite.get("status", ""),
                     "-", "-", "-", "<= 360 s", met(None if secs is None else secs <= 360 and suite.get("ok"))])

    mem = results.get("memory") or {}
    if mem:
        c, g = mem.get("conclab") or {}, mem.get("gonb") or {}
        rows.append(["kernel RSS idle", mb(c.get("idle_kib")), mb(g.get("idle_kib")), "-",
                     x(ratio(c.get("idle_kib"), g.get("idle_kib"))) + " gonb" if g.get("idle_kib") else "-",
                     "<= 60 MB", met(None if c.get("idle_kib") is None else c["idle_kib"] <= 60 * 1024)])
        n = mem.get("cells")
        rows.append([f"kernel RSS after {n} cells", growth(c), growth(g), "-", "-",
                     "no growth (<= +10% after warm-up)", met(c.get("no_growth"))])

    for b in (results.get("gobench") or {}).get("targets", []):
        rows.append([b["title"], b["text"], "-", "-", "-", b["target"], met(b["ok"])])
    return rows


def growth(m):
    if not m or m.get("final_kib") is None:
        return m.get("unavailable", "-") if m else "-"
    return f"{mb(m['final_kib'])} (from {mb(m['base_kib'])} at cell {m['base_cell']})"


def floor_rows(f):
    names = [("go_build_run", "go build + run (bare module)"),
             ("go_build", "  go build alone (bare module)"),
             ("go_build_cellmod", "  go build alone (module with the project's requirements)"),
             ("compile", "compile (direct)"),
             ("link", "link (direct)"),
             ("link_sw", "link -s -w (direct, no DWARF/symbols)"),
             ("run", "run the binary"),
             ("direct", "floor = compile + link + run (direct)")]
    return [[title, spread(f.get(k))] for k, title in names if k in f]


TRACE_TITLES = {
    "kernel_before_build": "kernel, until go build runs (incl. go process start)",
    "go_load_packages": "go build: load modules and packages",
    "go_check_cache": "go build: hash inputs, check cache, tool -V probes",
    "compile": "compile (the cell's package)",
    "go_between": "go build: between compile and link",
    "link": "link",
    "go_after_link": "go build: after link (build id, install binary)",
    "after_build": "after the build: go exits, kernel runs the program, replies",
}
DIRECT_TITLES = {
    "kernel_before_compile": "kernel: request -> compiler started (parse, compose, importcfg)",
    "compile": "compile (the cell's package)",
    "kernel_between": "kernel: compiler exited -> linker started",
    "link": "link -s -w",
    "kernel_before_run": "kernel: linker exited -> program started",
    "run": "the program runs",
    "kernel_after_run": "kernel: program exited -> client has reply and idle",
}
STRACE_TITLES = {
    "kernel_before_run": "  kernel: go exited -> program started",
    "run": "  the program runs",
    "kernel_after_run": "  kernel: program exited -> client has reply and idle",
}


def profile_rows(p):
    """Rows of the profile table: the go-trace view of the trivial and the
    plot cell side by side, then the strace split of the trivial cell's time
    after the build."""
    views = [p.get("trace") or {}, p.get("trace_plot") or {}]
    rows = []
    totals = [sum(v["phases"][k]["median"] or 0 for k in TRACE_PHASES) if "phases" in v else None for v in views]

    def cell(v, total, k):
        if "phases" not in v:
            return "-"
        s = v["phases"][k]
        share = f" {100 * s['median'] / total:.0f}%" if total else ""
        return spread(s) + share

    if any("phases" in v for v in views):
        for k in TRACE_PHASES:
            rows.append([TRACE_TITLES[k]] + [cell(v, t, k) for v, t in zip(views, totals)])
        rows.append(["sum of medians (cell total, median)"] +
                    [f"{ms(t)} ({ms(v['total']['median'])})" if t else "-" for v, t in zip(views, totals)])
    st = p.get("strace") or {}
    if "phases" in st and st.get("mode") == "direct":
        total = sum(st["phases"][k]["median"] or 0 for k in DIRECT_PHASES)
        for k in DIRECT_PHASES:
            s = st["phases"][k]
            share = f" {100 * s['median'] / total:.0f}%" if total else ""
            rows.append([DIRECT_TITLES[k], spread(s) + share, "-"])
        rows.append(["sum of medians", ms(total), "-"])
    elif "phases" in st:
        for k in STRACE_PHASES[-3:]:
            rows.append([STRACE_TITLES[k], spread(st["phases"][k]), "-"])
        probes = st["phases"].get("tool_probes")
        if probes:
            rows.append(["  (go build's compile/asm/link -V=full probes, per build)",
                         f"{ms(probes['median'])} in {st['phases']['tool_probe_count']['median']:.0f} runs", "-"])
    return rows


def class_lines(c):
    """The lines of the class step: one per class size."""
    lines = ["a class on one machine, a real JupyterHub (bench/classroom.py; target: 10 students, no failed cell,"
             " edited cells' p95 <= 2 s)"]
    if "error" in c:
        return lines + ["  not run: " + c["error"]]
    for r in c.get("runs", []):
        if "error" in r:
            lines.append(f"  {r['students']} students: {r['error']}")
            continue
        lines.append("  " + class_line(r))
    return lines


def class_line(r):
    def mb(b):
        return "-" if b is None else f"{b / 2**20:.0f} MB"
    return (f"{r['students']:3d} students: {len(r['failures'])} failed of {r['cells']} cells; edited p50 "
            f"{ms(r['edited_p50'])}, p95 {ms(r['edited_p95'])}; first cell p95 {ms(r.get('first_p95'))}; "
            f"memory per student {mb(r['memory_peak_student_max'])} peak, all {mb(r['memory_peak_total'])}; "
            f"CPU {100 * (r['cpu_busy'] or 0):.0f}% busy")


def newuser_lines(nu):
    """The lines of the new-user step: the shared set, then each way's first cells and home."""
    lines = ["a new user of a shared machine: empty GOCACHE and CONCLAB_CACHE (targets: first cell <= 1.5 s, "
             "first %race cell <= 3 s, <= 20 MB in their home after 20 more cells)"]
    if "error" in nu:
        return lines + ["  error: " + nu["error"]]
    lines.append(f"  shared package set: {nu['shared_bytes'] / 1e6:.0f} MB, built in {nu['shared_build_seconds']:.0f} s")
    for label in ("shared", "personal"):
        row = nu.get(label)
        if not row:
            continue

        def med(key, fmt):
            v = row[key]["summary"]["median"] if row[key]["samples"] else None
            return "-" if v is None else fmt(v)
        lines.append(f"  {label + ' packages:':18} first cell {med('first', ms)}, first %race {med('first_race', ms)}, "
                     f"first plot {med('first_plot', ms)}, home {med('disk_bytes', lambda b: f'{b / 1e6:.1f} MB')}"
                     + (f"; failed: {row['failures'][0][:200]}" if row["failures"] else ""))
    return lines


def print_report(r, out=None):
    """Print the results dict bench.py builds: the main table, then the
    floor, the profile, CPU, memory and whatever was unavailable or failed."""
    out = out or sys.stdout
    m = r["meta"]
    p = lambda *a: print(*a, file=out)
    p(f"conclab bench: {m['conclab']} ({m['commit']}), {m['go']}, {m['cpus']} CPUs, "
      f"{'QUICK' if m['quick'] else 'full'} run of {m.get('seconds', 0) / 60:.1f} min")
    p(f"load average at start {' '.join(m['loadavg_start'])}, at end {' '.join(m.get('loadavg_end', []))}"
      "; medians [p25-p75]; ratios are of medians")
    p(f"gonb {r['gonb']['version']}: {r['gonb']['status']}")
    p("")
    header = ["case", "conclab", "gonb", "floor", "ratio", "target", "met?"]
    p(render_table(case_rows(r), header))
    lf = r.get("launch_floor")
    if lf:
        p("startup rows: the floor is bench/launchfloor, a Go kernel that only answers kernel_info, started the same"
          " way" if "error" not in lf else f"startup rows: no launch floor ({lf['error']})")
    f = r.get("floor")
    if f:
        p("\ntoolchain floor (the trivial program, no kernel)")
        p(f["error"] if "error" in f else render_table(floor_rows(f), ["step", "median [p25-p75]"]))
    pr = r.get("profile")
    if pr:
        p("\nwhere an edited trivial cell's time goes in conclab (strace of the processes the kernel starts;"
          " go build -debug-trace when cells are built by go build)")
        for view in ("trace", "strace"):
            if "error" in pr.get(view, {}):
                p(f"{view}: {pr[view]['error']}")
        rows = profile_rows(pr)
        if rows:
            p(render_table(rows, ["phase", "trivial cell: median [p25-p75] share",
                                         "plot cell: median [p25-p75] share"]))
    c = r["cases"].get("trivial_edited", {})
    cpu = [(k, c[k]["cpu_per_cell"]) for k in (CONCLAB, GONB) if k in c and "cpu_per_cell" in c[k]]
    if cpu:
        p("\nCPU per edited trivial cell: " + "; ".join(
            f"{k}: kernel {ms(v['kernel'])}, its children {ms(v['children'])}" for k, v in cpu))
    mem = r.get("memory")
    if mem:
        p(f"\nkernel memory over {mem['cells']} trivial cells, one in five edited (RSS/open fds/threads at cell)")
        for k in (CONCLAB, GONB):
            t = mem.get(k)
            if t:
                series = ", ".join(f"{q['cell']}: {mb(q['rss_kib'])}/{q['fds']}/{q['threads']}" for q in t["series"])
                p(f"  {k}: idle {mb(t['idle_kib'])}/{t['idle_fds']}/{t['idle_threads']}; {series}"
                  + (f"; {t['failures']} failed cells" if t["failures"] else ""))
        if "error" in mem:
            p("  error: " + mem["error"])
    cl = r.get("class")
    if cl:
        p("\n" + "\n".join(class_lines(cl)))
    nu = r.get("newuser")
    if nu:
        p("\n" + "\n".join(newuser_lines(nu)))
    gb = r.get("gobench")
    if gb:
        for key in ("demos", "plots"):
            if gb[key]["error"]:
                p(f"\ngo test -bench ./{key}/... failed:\n{gb[key]['error']}")
    s = r.get("suite")
    if s and s.get("per_notebook"):
        p("\nnotebooks: " + ", ".join(f"{os.path.basename(k)} {v:.0f}s" for k, v in s["per_notebook"].items()))
    unavailable = [(key, k, v["unavailable"]) for key, res in r["cases"].items() for k, v in res.items()
                   if isinstance(v, dict) and v.get("unavailable")]
    failures = [(key, k, len(v["failures"]), v["failures"][0]) for key, res in r["cases"].items()
                for k, v in res.items() if isinstance(v, dict) and v.get("failures")]
    if unavailable or failures:
        p("\nnot available or failed")
        for key, k, why in unavailable:
            p(f"  {key} / {k}: {why}")
        for key, k, count, first in failures:
            p(f"  {key} / {k}: {count} failed runs, first: {first[:200]}")
