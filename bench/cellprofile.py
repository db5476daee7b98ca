"""Where the time of an edited trivial cell goes in conclab.

Two views, both in wall-clock time lined up with the client's send and done
times of each cell:

  go trace   the kernel runs with GOFLAGS=-debug-trace=FILE, so every
             `go build` it starts writes a trace of its own phases (loading
             packages, checking the build cache, the compile and link
             actions, installing the binary). Nothing else is slowed down.
  strace     the kernel runs under `strace -f` tracing execve only; process
             starts and exits give the exact boundaries between the build,
             the program and the kernel's own work after it. ptrace slows the
             heavily threaded go command, so from this view only the phases
             after the build are used."""
import os
import re
import shutil

from stats import summary

LINE = re.compile(r"^(\d+)\s+(\d+\.\d+)\s+(.*)$")
EXECVE = re.compile(r'^execve\("([^"]*)", \[(.*?)\]')
EXITED = re.compile(r"^\+\+\+ (exited with|killed by) ")
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')

# Phases in cell order, each view's sum is the cell's wait.
TRACE_PHASES = ["kernel_before_build", "go_load_packages", "go_check_cache", "compile", "go_between", "link",
                "go_after_link", "after_build"]
STRACE_PHASES = ["kernel_before_build", "go_before_compile", "compile", "go_between", "link", "go_after_link",
                 "kernel_before_run", "run", "kernel_after_run"]
# When the kernel calls the compiler and the linker itself (no go build).
DIRECT_PHASES = ["kernel_before_compile", "compile", "kernel_between", "link", "kernel_before_run", "run",
                 "kernel_after_run"]


def strace_argv(log_path):
    """The argv prefix that runs a command under the tracer, or None when
    strace is not installed."""
    exe = shutil.which("strace")
    if exe is None:
        return None
    return [exe, "-f", "--seccomp-bpf", "-q", "-ttt", "-s", "256", "-e", "trace=execve",
            "-e", "signal=none", "-o", log_path]


class Exec:
    """One program started under the tracer."""

    def __init__(self, pid, start, path, argv):
        self.pid, self.start, self.path, self.argv = pid, start, path, argv
        self.end = None

    @property
    def kind(self):
        base = os.path.basename(self.path)
        if base == "go":
            return "go " + (self.argv[1] if len(self.argv) > 1 else "")
        if base in ("compile", "link", "asm", "cgo", "vet", "buildid", "cover"):
            return base + " -V" if any(a.startswith("-V") for a in self.argv[1:]) else base
        if self.argv[:1] == ["cell"]:
            return "program"
        return "other"


def parse_strace(lines):
    """The Execs in strace output lines (execve entries and +++ exit lines)."""
    execs, live = [], {}
    for line in lines:
        m = LINE.match(line)
        if not m:
            continue
        pid, ts, rest = int(m.group(1)), float(m.group(2)), m.group(3)
        e = EXECVE.match(rest)
        if e:
            if re.search(r"= -1 ", rest):
                continue  # a failed exec: the process did not change
            x = Exec(pid, ts, e.group(1), QUOTED.findall(e.group(2)))
            execs.append(x)
            live[pid] = x
        elif EXITED.match(rest) and pid in live:
            live.pop(pid).end = ts
    return execs


def strace_breakdown(execs, t_send, t_done):
    """Split one cell's wait into STRACE_PHASES (seconds); None when the cell did
    not build and run a program as expected."""
    inside = [x for x in execs if t_send <= x.start <= t_done and x.end is not None]
    go = next((x for x in inside if x.kind == "go build"), None)
    if go is None:
        return None
    # The program: conclab names it "cell"; failing that, the first
    # non-toolchain program started after the build.
    prog = next((x for x in inside if x.kind == "program"), None) or \
        next((x for x in inside if x.kind == "other" and x.start >= go.end), None)
    if prog is None:
        return None
    compiles = [x for x in inside if x.kind == "compile" and go.start <= x.start <= go.end]
    links = [x for x in inside if x.kind == "link" and go.start <= x.start <= go.end]
    if not compiles or not links:
        return None
    c0, c1 = min(x.start for x in compiles), max(x.end for x in compiles)
    link = links[-1]
    probes = [x for x in inside if x.kind.endswith(" -V") and go.start <= x.start <= go.end]
    return {
        "kernel_before_build": go.start - t_send,
        "go_before_compile": c0 - go.start,
        "compile": c1 - c0,
        "go_between": link.start - c1,
        "link": link.end - link.start,
        "go_after_link": go.end - link.end,
        "kernel_before_run": prog.start - go.end,
        "run": prog.end - prog.start,
        "kernel_after_run": t_done - prog.end,
        "tool_probes": sum(x.end - x.start for x in probes),  # inside go_before_compile
        "tool_probe_count": len(probes),
        "compiles": len(compiles),
    }


def direct_breakdown(execs, t_send, t_done):
    """Split one cell's wait into DIRECT_PHASES (seconds) when the kernel ran
    compile and link itself; None when it did not (or ran go build)."""
    inside = [x for x in execs if t_send <= x.start <= t_done and x.end is not None]
    if any(x.kind.startswith("go ") for x in inside):
        return None
    compiles = [x for x in inside if x.kind == "compile"]
    links = [x for x in inside if x.kind == "link"]
    if len(compiles) != 1 or len(links) != 1:
        return None
    c, k = compiles[0], links[0]
    prog = next((x for x in inside if x.kind == "program"), None) or \
        next((x for x in inside if x.kind == "other" and x.start >= k.end), None)
    if prog is None:
        return None
    return {
        "kernel_before_compile": c.start - t_send,
        "compile": c.end - c.start,
        "kernel_between": k.start - c.end,
        "link": k.end - k.start,
        "kernel_before_run": prog.start - k.end,
        "run": prog.end - prog.start,
        "kernel_after_run": t_done - prog.end,
    }


def summarize(cells):
    """Median and quartiles of each key over cells (a list of breakdowns)."""
    return {k: summary([c[k] for c in cells]) for k in (cells[0] if cells else {})}


def trace_spans(events):
    """{name: [(start, end) seconds]} from a `go -debug-trace` event list
    (Chrome trace format: B/E pairs per thread, timestamps in microseconds)."""
    open_, spans = {}, {}
    for e in events:
        key = (e.get("name"), e.get("tid"))
        if e.get("ph") == "B":
            open_[key] = e["ts"]
        elif e.get("ph") == "E" and key in open_:
            spans.setdefault(key[0], []).append((open_.pop(key) / 1e6, e["ts"] / 1e6))
        elif e.get("ph") == "X":
            spans.setdefault(key[0], []).append((e["ts"] / 1e6, (e["ts"] + e.get("dur", 0)) / 1e6))
    return spans


def trace_breakdown(events, t_send, t_done):
    """Split one cell's wait into TRACE_PHASES (seconds) with the go command's
    trace of its build; None when the trace is not of one build of a main
    package."""
    spans = trace_spans(events)
    run = spans.get("Running build command")
    load = spans.get("load.PackagesAndErrors")
    links = [n for n in spans if n.startswith("Executing action (link ") and "link-install" not in n]
    if not run or not load or len(links) != 1:
        return None
    main = links[0][len("Executing action (link "):-1]
    compile_ = spans.get(f"Executing action (build {main})")
    if not compile_:
        return None
    (r0, r1), (_, l1), (c0, c1), (k0, k1) = run[0], load[0], compile_[0], spans[links[0]][0]
    if not (t_send <= r0 <= r1 <= t_done):
        return None
    return {
        "kernel_before_build": r0 - t_send,  # includes starting the go process
        "go_load_packages": l1 - r0,  # from the build command's start
        "go_check_cache": c0 - l1,
        "compile": c1 - c0,
        "go_between": k0 - c1,
        "link": k1 - k0,
        "go_after_link": r1 - k1,
        "after_build": t_done - r1,  # the go process exits, the kernel runs the program and replies
    }
