"""Execute conclab notebooks and check them.

    python tests/nbrun.py --inplace notebooks/*.ipynb   # `make notebooks`: run and store outputs
    python tests/nbrun.py notebooks/01-x.ipynb          # run a copy and report problems

Conventions a notebook follows (checked here and by tests/test_notebooks.py):
- A cell that is meant to fail carries the tag `raises-exception`; any other error is a problem.
- A cell tagged `plot` must produce an image/png output.
- A cell may list regular expressions its stdout must match, in its metadata:
  `"conclab": {"expect_stdout": ["count: 4000$"]}` (each searched with re.MULTILINE).
- The notebook names the conclab kernel and is at most 3 MB with its outputs.
"""
import argparse
import copy
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient

MAX_BYTES = 3 * 1024 * 1024
KERNEL = "conclab"


def stdout_of(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stdout")


def problems(nb, path):
    """What is wrong with an executed notebook, as readable lines."""
    out = []
    if nb.metadata.get("kernelspec", {}).get("name") != KERNEL:
        out.append(f"{path}: kernelspec is not {KERNEL}")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        where = f"{path} cell {i} ({cell.source.splitlines()[0][:60] if cell.source else ''!r})"
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if errors and "raises-exception" not in tags:
            e = errors[0]
            out.append(f"{where}: unexpected {e.ename}: {e.evalue}")
        if "raises-exception" in tags and not errors:
            out.append(f"{where}: tagged raises-exception but did not fail")
        if "plot" in tags and not any("image/png" in o.get("data", {}) for o in cell.outputs):
            out.append(f"{where}: tagged plot but shows no image/png")
        for pattern in cell.metadata.get("conclab", {}).get("expect_stdout", []):
            if not re.search(pattern, stdout_of(cell), re.MULTILINE):
                out.append(f"{where}: stdout does not match {pattern!r}; it was:\n{stdout_of(cell)[:500]}")
    return out


def execute(path, timeout=300, cwd=None):
    """Run a copy of the notebook at path; return the executed notebook and seconds taken."""
    nb = nbformat.read(path, as_version=4)
    run = copy.deepcopy(nb)
    client = NotebookClient(run, kernel_name=KERNEL, timeout=timeout, allow_errors=True,
                            resources={"metadata": {"path": cwd or os.path.dirname(os.path.abspath(path))}})
    start = time.monotonic()
    client.execute()
    return run, time.monotonic() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--inplace", action="store_true", help="store the outputs in the notebook files")
    ap.add_argument("--timeout", type=int, default=300, help="seconds a cell may take")
    ap.add_argument("notebooks", nargs="+")
    args = ap.parse_args()
    bad = 0
    for path in args.notebooks:
        nb, secs = execute(path, args.timeout)
        found = problems(nb, path)
        if args.inplace:
            nbformat.validate(nb)
            nbformat.write(nb, path)
            size = os.path.getsize(path)
            if size > MAX_BYTES:
                found.append(f"{path}: {size} bytes with outputs, more than {MAX_BYTES}")
        print(f"{path}: {len(nb.cells)} cells in {secs:.1f}s, {len(found)} problem(s)")
        for p in found:
            print("  " + p)
        bad += len(found)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
