"""The Go benchmarks of demos and plots, run with `go test -bench` and read
back metric by metric."""
import re
import subprocess
import time

from stats import summary

# BenchmarkName-2   	    1234	      98.7 ns/op	  12 B/op	 1 allocs/op	 1.23 recorded/bare
RESULT = re.compile(r"^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$")
METRIC = re.compile(r"([-+0-9.eE]+)\s+(\S+)")


def parse(output):
    """{benchmark name: {unit: [values, one per -count run]}} from go test output."""
    out = {}
    for line in output.splitlines():
        m = RESULT.match(line.strip())
        if not m:
            continue
        metrics = out.setdefault(m.group(1), {})
        for value, unit in METRIC.findall(m.group(3)):
            try:
                metrics.setdefault(unit, []).append(float(value))
            except ValueError:
                continue
    return out


def run(repo, packages, benchtime, count, timeout=900):
    """Run the benchmarks of packages; return parsed results, the seconds it
    took, and an error text ('' when go test passed)."""
    args = ["go", "test", "-run", "^$", "-bench", ".", f"-benchtime={benchtime}", f"-count={count}", *packages]
    start = time.perf_counter()
    try:
        p = subprocess.run(args, cwd=repo, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {}, time.perf_counter() - start, f"{' '.join(args)}: no result in {timeout}s"
    secs = time.perf_counter() - start
    err = ""
    if p.returncode != 0:
        err = "\n".join((p.stdout + p.stderr).strip().splitlines()[-10:])
    return parse(p.stdout), secs, err


def medians(results):
    """{benchmark: {unit: summary}} of parsed results."""
    return {name: {unit: summary(vals) for unit, vals in units.items()} for name, units in results.items()}
