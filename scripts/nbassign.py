"""Turn one of conclab's notebooks into an nbgrader source notebook.

    python scripts/nbassign.py notebooks/03-performance-showdown.ipynb course/source/lab3/lab3.ipynb

The notebooks are written for reading: each exercise's answer cell holds a starter (wrong or
unfinished on purpose, so the check cell under it shows what the check reports), and the
solutions come at the end of the notebook. nbgrader wants the solution inside the answer cell,
between `// BEGIN SOLUTION` and `// END SOLUTION`. This script writes that form:

- each answer cell (nbgrader `solution: true`, grade_id G) gets the code of the solution cell
  marked `"conclab": {"solution_for": G}`, with the body of each top-level function wrapped in
  the solution markers (so the released stub keeps every signature and still compiles);
- the solutions section (cells marked `"conclab": {"solution": true}`) is dropped;
- check cells (nbgrader `grade: true`) lose the `raises-exception` tag: with the solution in
  place they pass;
- outputs are cleared.

It fails with a clear message, writing nothing, when an exercise lacks its solution or its
check, or a check comes before its answer cell.
"""
import argparse
import copy
import sys

import nbformat

BEGIN, END = "// BEGIN SOLUTION", "// END SOLUTION"


class NotAnAssignment(Exception):
    """The notebook's exercises are not marked as this script expects."""


def wrap_bodies(source):
    """The source with the body of every top-level function (a line `func ... {` at column 0 up
    to the next `}` at column 0) between the solution markers; the whole source when it has no
    such function."""
    lines = source.rstrip("\n").split("\n")
    out, inside, wrapped = [], False, 0
    for line in lines:
        if not inside and line.startswith("func ") and line.endswith("{"):
            out += [line, "\t" + BEGIN]
            inside = True
        elif inside and line == "}":
            out += ["\t" + END, line]
            inside, wrapped = False, wrapped + 1
        else:
            out.append(line)
    if inside:
        raise NotAnAssignment(f"a function in this solution does not end with a '}}' line:\n{source}")
    if not wrapped:
        return "\n".join([BEGIN, *lines, END])
    return "\n".join(out)


def exercises(nb):
    """{grade_id: (answer index, check index or None, solution cell or None)}, checked."""
    found, solutions = {}, {}
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if meta.get("solution"):
            if gid in found:
                raise NotAnAssignment(f"two answer cells have grade_id {gid!r}")
            found[gid] = [i, None]
        sol = cell.metadata.get("conclab", {}).get("solution_for")
        if sol:
            solutions[sol] = cell
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and meta.get("grade_id", "").endswith("-check"):
            gid = meta["grade_id"][: -len("-check")]
            if gid not in found:
                raise NotAnAssignment(f"check cell {meta['grade_id']!r} has no answer cell {gid!r}")
            if i < found[gid][0]:
                raise NotAnAssignment(f"check cell {meta['grade_id']!r} comes before its answer cell")
            found[gid][1] = i
    for gid, (_, check) in found.items():
        if check is None:
            raise NotAnAssignment(f"answer cell {gid!r} has no check cell {gid + '-check'!r}")
        if gid not in solutions:
            raise NotAnAssignment(f"answer cell {gid!r} has no solution (a cell with "
                                  f'"conclab": {{"solution_for": "{gid}"}})')
    for gid in solutions:
        if gid not in found:
            raise NotAnAssignment(f"a solution is marked for {gid!r}, which is no answer cell")
    return {gid: (a, c, solutions[gid]) for gid, (a, c) in found.items()}


def convert(nb):
    """The nbgrader source form of a conclab notebook (a new notebook)."""
    nb = copy.deepcopy(nb)
    found = exercises(nb)
    if not found:
        raise NotAnAssignment("the notebook has no exercises (no cell with nbgrader solution: true)")
    for gid, (answer, _, solution) in found.items():
        nb.cells[answer].source = wrap_bodies(solution.source)
    cells = []
    for cell in nb.cells:
        if cell.metadata.get("conclab", {}).get("solution"):
            continue
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if cell.metadata.get("nbgrader", {}).get("grade"):
                tags = [t for t in cell.metadata.get("tags", []) if t != "raises-exception"]
                if tags:
                    cell.metadata["tags"] = tags
                else:
                    cell.metadata.pop("tags", None)
        cells.append(cell)
    nb.cells = cells
    return nb


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebook", help="a conclab notebook with exercises")
    ap.add_argument("out", help="where to write the nbgrader source notebook")
    args = ap.parse_args()
    try:
        nb = convert(nbformat.read(args.notebook, as_version=4))
    except NotAnAssignment as e:
        sys.exit(f"{args.notebook}: {e}")
    nbformat.validate(nb)
    nbformat.write(nb, args.out)
    print(f"{args.out}: {sum(1 for c in nb.cells if c.metadata.get('nbgrader', {}).get('solution'))} exercises")


if __name__ == "__main__":
    main()
