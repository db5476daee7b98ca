"""Tests of the harness's own logic: statistics, the parsers of go test,
strace and go -debug-trace output, the cells' checks, and the verdicts of the
table. Run: .venv/bin/python -m pytest -q bench"""
import os

import pytest

import cellprofile
import floor
import gobench
import report
from cases import CASES, GONB, goroutines_total
from kernels import CellRun, proc_cpu, proc_status_kb
from stats import paired_ratio, quantile, ratio, summary


@pytest.mark.parametrize("xs, q, want", [
    ([], 0.5, None),
    ([7], 0.5, 7),
    ([3, 1, 2], 0.5, 2),
    ([1, 2, 3, 4], 0.5, 2.5),
    ([1, 2, 3, 4, 5], 0.25, 2),
    ([10, 20], 0.75, 17.5),
    ([5, 1, 4, 2, 3], 1.0, 5),
    ([5, 1, 4, 2, 3], 0.0, 1),
])
def test_quantile(xs, q, want):
    assert quantile(xs, q) == want


@pytest.mark.parametrize("a, b, want", [(1, 2, 0.5), (None, 2, None), (1, None, None), (1, 0, None)])
def test_ratio(a, b, want):
    assert ratio(a, b) == want


def test_summary_and_paired_ratio():
    s = summary([4, 1, 3, 2])
    assert (s["n"], s["median"], s["min"], s["max"]) == (4, 2.5, 1, 4)
    assert summary([])["median"] is None
    # Pairs hit by the same noise: the ratio of each pair is 0.5.
    assert paired_ratio([1, 10, 2], [2, 20, 4]) == 0.5


GO_TEST_OUTPUT = """goos: linux
goarch: amd64
pkg: github.com/conclab/conclab/demos
cpu: AMD EPYC
BenchmarkRecordTask-2                    	 5000000	       180.5 ns/op	      48 B/op	       1 allocs/op
BenchmarkRecordTask-2                    	 5000000	       190.5 ns/op	      48 B/op	       1 allocs/op
BenchmarkGoroutines100k/ratio-2          	      20	  81234567 ns/op	         1.310 recorded/bare
BenchmarkPlain                           	     100	      12.0 ns/op
PASS
ok  	github.com/conclab/conclab/demos	12.3s
"""


@pytest.mark.parametrize("name, unit, want", [
    ("BenchmarkRecordTask", "ns/op", [180.5, 190.5]),
    ("BenchmarkRecordTask", "allocs/op", [1.0, 1.0]),
    ("BenchmarkGoroutines100k/ratio", "recorded/bare", [1.31]),
    ("BenchmarkGoroutines100k/ratio", "ns/op", [81234567.0]),
    ("BenchmarkPlain", "ns/op", [12.0]),
])
def test_gobench_parse(name, unit, want):
    got = gobench.parse(GO_TEST_OUTPUT)
    assert got[name][unit] == want


def test_gobench_parse_ignores_other_lines():
    assert gobench.parse("PASS\nok  \tx\t1s\n--- FAIL: BenchmarkX\n") == {}


# A hand-written strace log of one cell: go build with its tool probes,
# compile and link, then the program. Thread 201 ends the go process.
STRACE_LOG = """100 1000.000000 execve("/bin/conclab", ["/bin/conclab", "kernel"], 0x1 /* 3 vars */) = 0
200 1000.010000 execve("/usr/local/go/bin/go", ["go", "build", "-o", "/tmp/w/bin/x.tmp", "."], 0x1 /* 3 vars */) = 0
210 1000.020000 execve("/usr/local/go/pkg/tool/linux_amd64/compile", ["/usr/local/go/pkg/tool/linux_amd64/compile", "-V=full"], 0x1) = 0
210 1000.025000 +++ exited with 0 +++
211 1000.026000 execve("/nonexistent/compile", ["compile"], 0x1) = -1 ENOENT (No such file or directory)
212 1000.060000 execve("/usr/local/go/pkg/tool/linux_amd64/compile", ["/usr/local/go/pkg/tool/linux_amd64/compile", "-o", "x.a", "-p", "main"], 0x1) = 0
212 1000.075000 +++ exited with 0 +++
213 1000.076000 execve("/usr/local/go/pkg/tool/linux_amd64/link", ["/usr/local/go/pkg/tool/linux_amd64/link", "-o", "a.out"], 0x1) = 0
213 1000.176000 +++ exited with 0 +++
201 1000.180000 exit_group(0)                     = ?
200 1000.181000 +++ exited with 0 +++
300 1000.185000 execve("/tmp/w/bin/x", ["cell"], 0x1 /* 40 vars */) = 0
300 1000.188000 +++ killed by SIGKILL +++
"""


def test_parse_strace():
    execs = cellprofile.parse_strace(STRACE_LOG.splitlines())
    kinds = [x.kind for x in execs]
    assert kinds == ["other", "go build", "compile -V", "compile", "link", "program"]
    assert execs[-1].end == pytest.approx(1000.188)
    assert execs[0].end is None  # the kernel was still running


@pytest.mark.parametrize("phase, want", [
    ("kernel_before_build", 0.010),
    ("go_before_compile", 0.050),
    ("compile", 0.015),
    ("go_between", 0.001),
    ("link", 0.100),
    ("go_after_link", 0.005),
    ("kernel_before_run", 0.004),
    ("run", 0.003),
    ("kernel_after_run", 0.002),
    ("tool_probes", 0.005),
    ("tool_probe_count", 1),
])
def test_strace_breakdown(phase, want):
    execs = cellprofile.parse_strace(STRACE_LOG.splitlines())
    b = cellprofile.strace_breakdown(execs, 1000.000, 1000.190)
    assert b[phase] == pytest.approx(want, abs=1e-6)
    assert sum(b[k] for k in cellprofile.STRACE_PHASES) == pytest.approx(0.190)


def test_strace_breakdown_without_a_build():
    execs = cellprofile.parse_strace(STRACE_LOG.splitlines())
    assert cellprofile.strace_breakdown(execs, 1001.0, 1002.0) is None


DIRECT_LOG = """100 1000.000000 execve("/bin/conclab", ["/bin/conclab", "kernel"], 0x1 /* 3 vars */) = 0
212 1000.004000 execve("/usr/local/go/pkg/tool/linux_amd64/compile", ["/usr/local/go/pkg/tool/linux_amd64/compile", "-o", "main.a"], 0x1) = 0
212 1000.016000 +++ exited with 0 +++
213 1000.018000 execve("/usr/local/go/pkg/tool/linux_amd64/link", ["/usr/local/go/pkg/tool/linux_amd64/link", "-o", "x.tmp"], 0x1) = 0
213 1000.076000 +++ exited with 0 +++
300 1000.081000 execve("/tmp/w/bin/x", ["cell"], 0x1 /* 40 vars */) = 0
300 1000.083000 +++ exited with 0 +++
"""


@pytest.mark.parametrize("phase, want", [
    ("kernel_before_compile", 0.004),
    ("compile", 0.012),
    ("kernel_between", 0.002),
    ("link", 0.058),
    ("kernel_before_run", 0.005),
    ("run", 0.002),
    ("kernel_after_run", 0.003),
])
def test_direct_breakdown(phase, want):
    execs = cellprofile.parse_strace(DIRECT_LOG.splitlines())
    b = cellprofile.direct_breakdown(execs, 1000.000, 1000.086)
    assert b[phase] == pytest.approx(want, abs=1e-6)
    assert sum(b[k] for k in cellprofile.DIRECT_PHASES) == pytest.approx(0.086)


def test_direct_breakdown_refuses_go_build():
    execs = cellprofile.parse_strace(STRACE_LOG.splitlines())
    assert cellprofile.direct_breakdown(execs, 1000.000, 1000.190) is None


def _trace(main="conclab.cell"):
    """A go -debug-trace event list (microsecond timestamps) of one build."""
    us = lambda s: s * 1e6
    ev = []
    for name, tid, t0, t1 in [
        ("Running build command", 0, 1000.010, 1000.180),
        ("load.PackagesAndErrors", 0, 1000.011, 1000.030),
        (f"Executing action (build {main})", 1, 1000.060, 1000.075),
        (f"Executing action (link {main})", 2, 1000.076, 1000.176),
        (f"Executing action (link-install {main})", 1, 1000.176, 1000.178),
    ]:
        ev.append({"name": name, "ph": "B", "ts": us(t0), "tid": tid})
        ev.append({"name": name, "ph": "E", "ts": us(t1), "tid": tid})
    return ev


@pytest.mark.parametrize("phase, want", [
    ("kernel_before_build", 0.010),
    ("go_load_packages", 0.020),
    ("go_check_cache", 0.030),
    ("compile", 0.015),
    ("go_between", 0.001),
    ("link", 0.100),
    ("go_after_link", 0.004),
    ("after_build", 0.010),
])
def test_trace_breakdown(phase, want):
    b = cellprofile.trace_breakdown(_trace(), 1000.000, 1000.190)
    assert b[phase] == pytest.approx(want, abs=1e-6)
    assert sum(b[k] for k in cellprofile.TRACE_PHASES) == pytest.approx(0.190)


@pytest.mark.parametrize("events, t_send, t_done", [
    ([], 1000.0, 1001.0),                                              # no trace
    ([e for e in _trace() if "link" not in e["name"]], 1000.0, 1001.0),  # no link: not a program build
    (_trace(), 1000.5, 1001.0),                                        # a build before this cell
])
def test_trace_breakdown_rejects(events, t_send, t_done):
    assert cellprofile.trace_breakdown(events, t_send, t_done) is None


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.key)
def test_cells_check_their_output(case):
    n = 1234567
    text, mime = case.expect(n)
    good = CellRun(seconds=0.1, status="ok", stdout=f"noise\n{text}\n", mimes=[mime] if mime else [])
    assert case.check(good, n) == ""
    assert case.check(CellRun(seconds=0.1, status="error", error="CompileError: x"), n) == "CompileError: x"
    if text:
        assert "lacks" in case.check(CellRun(seconds=0.1, status="ok", stdout="other"), n)
    if mime:
        assert "no image/png" in case.check(CellRun(seconds=0.1, status="ok", stdout=text), n)


@pytest.mark.parametrize("case", [c for c in CASES if c.edited], ids=lambda c: c.key)
def test_edited_cells_differ(case):
    assert case.code(1000001) != case.code(1000002)


def test_shared_cells_use_gonbs_marker():
    """Statements run in gonb only under its %% marker; a %test cell declares and needs none."""
    for case in CASES:
        if GONB in case.kernels and not case.code(1).startswith("%test\n"):
            assert "%%" in case.code(1), case.key


@pytest.mark.parametrize("iters", [1, 2, 10, 99])
def test_goroutines_total(iters):
    want = 0
    for g in range(8):
        for i in range(iters):
            want += i % (g + 2)
    assert goroutines_total(iters) == want


def _results(conclab, gonb, floor_s):
    return {
        "floor": {"direct": {"median": floor_s}},
        "cases": {"trivial_edited": {
            "conclab": {"summary": summary([conclab])},
            "gonb": {"summary": summary([gonb])},
        }},
    }


@pytest.mark.parametrize("conclab, gonb, floor_s, verdict", [
    (0.150, 0.300, 0.200, "yes"),   # 0.75x floor, 0.5x gonb
    (0.250, 0.500, 0.200, "NO"),    # 1.25x floor
    (0.200, 0.300, 0.200, "NO"),    # 0.67x gonb
    (0.240, 0.400, 0.200, "yes"),   # exactly at both limits
])
def test_trivial_edited_verdict(conclab, gonb, floor_s, verdict):
    rows = report.case_rows(_results(conclab, gonb, floor_s))
    assert rows[0][0] == "trivial cell, edited"
    assert rows[0][-1] == verdict


def test_floor_timed_in_the_case_wins():
    r = _results(0.150, 0.300, 0.100)  # 1.5x the separate floor: not met
    r["cases"]["trivial_edited"]["floor"] = {"summary": summary([0.200])}  # 0.75x the interleaved one
    row = report.case_rows(r)[0]
    assert row[3] == "200 ms"
    assert row[-1] == "yes"


@pytest.mark.parametrize("conclab, floor_s, verdict", [
    (0.200, 0.150, "yes"),   # 1.33x the floor timed in its loop
    (0.230, 0.150, "NO"),    # 1.53x
    (0.224, 0.150, "yes"),   # just under 1.5x
])
def test_fresh_first_verdict(conclab, floor_s, verdict):
    r = {"floor": {"direct": {"median": 0.050}}, "cases": {"fresh_first": {
        "conclab": {"summary": summary([conclab])}, "gonb": {"summary": summary([1.0])},
        "floor": {"summary": summary([floor_s])}}}}
    [row] = report.case_rows(r)
    assert row[0] == "first cell of a fresh kernel (caches warm)"
    assert row[3] == f"{floor_s * 1000:.0f} ms"  # the floor of its own loop, not the separate one
    assert row[-1] == verdict


def test_startup_floor_is_the_launch_floor_kernel():
    r = {"floor": {"direct": {"median": 0.100}}, "cases": {"startup": {
        "conclab": {"summary": summary([0.017])}, "gonb": {"summary": summary([0.015])},
        "launchfloor": {"summary": summary([0.016])}}}}
    [row] = report.case_rows(r)
    assert row[3] == "16 ms"  # the launch floor, not the toolchain's
    assert row[4] == "1.13x gonb, 1.06x floor"
    assert row[-1] == "NO"  # <= 0.3x gonb is judged against gonb alone


def test_unavailable_case_is_not_judged():
    rows = report.case_rows({"cases": {"live": {
        "conclab": {"unavailable": "UsageError: unknown magic %live", "summary": summary([])}}}})
    assert rows[0][1].startswith("n/a: UsageError")
    assert rows[0][-1] == "n/a"


def test_cell_module(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "go.mod").write_text(
        "module github.com/conclab/conclab\n\ngo 1.26.0\n\n"
        "require (\n\tgithub.com/a/b v1.2.3\n\tgolang.org/x/c v0.1.0 // indirect\n)\n\n"
        "require example.com/single v0.0.1\n")
    (repo / "go.sum").write_text("github.com/a/b v1.2.3 h1:x=\n")
    d = tmp_path / "cell"
    floor._cell_module(str(d), str(repo))
    mod = (d / "go.mod").read_text()
    for want in ["module conclab.cell", "go 1.26.0", "\tgithub.com/a/b v1.2.3", "\tgolang.org/x/c v0.1.0",
                 "\texample.com/single v0.0.1", f"replace github.com/conclab/conclab => {repo}"]:
        assert want in mod
    assert (d / "go.sum").read_text() == "github.com/a/b v1.2.3 h1:x=\n"


def test_proc_readers_on_this_process():
    assert proc_status_kb(os.getpid(), "VmRSS") > 0
    own, children = proc_cpu(os.getpid())
    assert own >= 0 and children >= 0


def test_newuser_lines():
    def row(first, race, plot, disk, failures=()):
        return {"first": {"summary": summary([first]), "samples": [first]},
                "first_race": {"summary": summary([race]), "samples": [race]},
                "first_plot": {"summary": summary([plot]), "samples": [plot]},
                "disk_bytes": {"summary": summary([disk]), "samples": [disk]}, "failures": list(failures)}
    lines = report.newuser_lines({"shared_bytes": 420e6, "shared_build_seconds": 37.8,
                                  "shared": row(0.11, 0.25, 0.33, 1.7e6),
                                  "personal": row(40.4, 8.7, 0.33, 187.3e6, ["first_race: timeout"])})
    assert "420 MB, built in 38 s" in lines[1]
    assert "first cell 110 ms" in lines[2] and "home 1.7 MB" in lines[2]
    assert lines[3].startswith("  personal packages:") and "failed: first_race: timeout" in lines[3]
    assert report.newuser_lines({"error": "conclab warm --shared: no go"})[-1] == "  error: conclab warm --shared: no go"


def test_class_lines():
    run = {"students": 10, "failures": [], "cells": 120, "edited_p50": 0.2, "edited_p95": 0.77, "first_p95": 1.19,
           "memory_peak_student_max": 215 * 2**20, "memory_peak_total": 1904 * 2**20, "cpu_busy": 0.68}
    lines = report.class_lines({"runs": [run, {"students": 16, "error": "RuntimeError: the hub exited"}]})
    assert lines[1] == ("   10 students: 0 failed of 120 cells; edited p50 200 ms, p95 770 ms; first cell p95 1190 ms; "
                        "memory per student 215 MB peak, all 1904 MB; CPU 68% busy")
    assert lines[2] == "  16 students: RuntimeError: the hub exited"
    assert report.class_lines({"error": "run it as root"})[1] == "  not run: run it as root"
