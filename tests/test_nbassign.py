"""The notebooks' exercises are graded exercises: each has a starter its check rejects, a check cell
marked for nbgrader, and a solution at the end that the check accepts; scripts/nbassign.py turns a
notebook into nbgrader's source form, and nbgrader's generate_assignment releases it with the
solutions cleared."""
import glob
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import nbassign  # noqa: E402

from test_grading import nbgrader  # noqa: E402

# Every notebook but the index and 06, the short notebook about live cells (two exercises).
LABS = sorted(p for p in glob.glob(str(ROOT / "notebooks" / "[0-9][0-9]-*.ipynb"))
              if not Path(p).name.startswith(("00-", "06-")))
STUB = 'panic("not implemented")'


@pytest.mark.parametrize("source, want", [
    ("func F(n int) int {\n\treturn n\n}",
     "func F(n int) int {\n\t// BEGIN SOLUTION\n\treturn n\n\t// END SOLUTION\n}"),
    # Types stay visible; each function and method body is a region of its own.
    ("type E struct{ ch chan int }\n\nfunc (e *E) Set() {\n\tclose(e.ch)\n}\n\nfunc New() *E {\n\treturn &E{}\n}\n",
     "type E struct{ ch chan int }\n\nfunc (e *E) Set() {\n\t// BEGIN SOLUTION\n\tclose(e.ch)\n\t// END SOLUTION\n}\n\n"
     "func New() *E {\n\t// BEGIN SOLUTION\n\treturn &E{}\n\t// END SOLUTION\n}"),
    # Closing braces of inner blocks are indented: only the function's own ends its region.
    ("func G() {\n\tfor {\n\t}\n}", "func G() {\n\t// BEGIN SOLUTION\n\tfor {\n\t}\n\t// END SOLUTION\n}"),
    # No function body to wrap: the whole cell is the solution.
    ("var limit = 3", "// BEGIN SOLUTION\nvar limit = 3\n// END SOLUTION"),
], ids=["func", "type and methods", "inner braces", "no func"])
def test_wrap_bodies(source, want):
    assert nbassign.wrap_bodies(source) == want


def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "conclab", "language": "go", "display_name": "Go (conclab)"}
    for kind, source, meta in cells:
        c = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
        c.metadata.update(meta)
        nb.cells.append(c)
    return nb


def _answer(gid):
    return {"nbgrader": {"grade": False, "grade_id": gid, "locked": False, "schema_version": 3,
                         "solution": True, "task": False}}


def _check(gid):
    return {"nbgrader": {"grade": True, "grade_id": gid + "-check", "locked": True, "points": 1,
                         "schema_version": 3, "solution": False, "task": False},
            "tags": ["raises-exception"]}


def test_convert_moves_solution_and_drops_section():
    nb = _nb(("markdown", "### Exercise 1", {}),
             ("code", "func F() int {\n\treturn 0\n}", _answer("ex-1")),
             ("code", "func checkF() {}\ncheckF()", _check("ex-1")),
             ("markdown", "## Solutions to the exercises", {"conclab": {"solution": True}}),
             ("code", "func F() int {\n\treturn 42\n}", {"conclab": {"solution": True, "solution_for": "ex-1"}}),
             ("code", "checkF()", {"conclab": {"solution": True, "expect_stdout": ["passed"]}}))
    out = nbassign.convert(nb)
    assert [c.source.splitlines()[0] for c in out.cells] == ["### Exercise 1", "func F() int {", "func checkF() {}"]
    assert "return 42" in out.cells[1].source and "// BEGIN SOLUTION" in out.cells[1].source
    assert "tags" not in out.cells[2].metadata
    assert len(nb.cells) == 6, "convert changed the notebook it was given"


@pytest.mark.parametrize("cells, says", [
    ([("code", "func F() {\n}", _answer("ex-1")), ("code", "checkF()", _check("ex-1"))], "has no solution"),
    ([("code", "func F() {\n}", _answer("ex-1")),
      ("code", "func F() {\n}", {"conclab": {"solution": True, "solution_for": "ex-1"}})], "has no check cell"),
    ([("code", "checkF()", _check("ex-1")), ("code", "func F() {\n}", _answer("ex-1")),
      ("code", "func F() {\n}", {"conclab": {"solution": True, "solution_for": "ex-1"}})], "comes before"),
    ([("code", "func F() {\n}", {"conclab": {"solution": True, "solution_for": "ex-9"}})], "no answer cell"),
    ([("markdown", "no exercises", {})], "no exercises"),
], ids=["no solution", "no check", "check first", "stray solution", "none"])
def test_convert_refuses_unmarked_exercises(cells, says):
    with pytest.raises(nbassign.NotAnAssignment, match=says):
        nbassign.convert(_nb(*cells))


@pytest.mark.parametrize("path", LABS, ids=os.path.basename)
def test_notebook_exercises_are_graded(path):
    """At least three exercises; the starter fails its check (the stored output shows the report);
    the solution at the end is followed by a cell that runs the check and must print that it passed."""
    nb = nbformat.read(path, as_version=4)
    found = nbassign.exercises(nb)
    assert len(found) >= 3, f"{len(found)} graded exercises, want at least 3"
    for gid, (answer, check, solution) in found.items():
        cell = nb.cells[check]
        assert "raises-exception" in cell.metadata.get("tags", []), \
            f"{gid}: the starter should fail its check, so the check cell is tagged raises-exception"
        assert "check.Run(" in cell.source, f"{gid}: the check cell does not use check.Run"
        assert cell.metadata["nbgrader"].get("points", 0) > 0, f"{gid}: the check cell has no points"
        at = nb.cells.index(solution)
        assert at > check, f"{gid}: the solution comes before the check (solutions go at the end)"
        after = next((c for c in nb.cells[at + 1:] if c.cell_type == "code"), None)
        assert after is not None and any("passed" in p for p in after.metadata.get("conclab", {}).get("expect_stdout", [])), \
            f"{gid}: the cell after the solution must run the check and expect it to pass"


@pytest.mark.skipif(not LABS, reason="no notebooks")
def test_notebooks_release_through_nbgrader(tmp_path):
    """Every notebook converted and released by nbgrader: stubs in place of the solutions, no
    solutions section, the check cells unchanged."""
    course = tmp_path / "course"
    shutil.copytree(ROOT / "tests" / "fixtures" / "course", course, ignore=shutil.ignore_patterns("source"))
    source = {}
    for path in LABS:
        name = Path(path).stem
        (course / "source" / "labs").mkdir(parents=True, exist_ok=True)
        nb = nbassign.convert(nbformat.read(path, as_version=4))
        nbformat.write(nb, course / "source" / "labs" / f"{name}.ipynb")
        source[name] = nb
    nbgrader(course, "generate_assignment", "labs", "--create")
    for name, nb in source.items():
        release = nbformat.read(course / "release" / "labs" / f"{name}.ipynb", as_version=4)
        assert not any(c.metadata.get("conclab", {}).get("solution") for c in release.cells)
        given = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells if "nbgrader" in c.metadata}
        for cell in release.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                assert STUB in cell.source and "BEGIN SOLUTION" not in cell.source, f"{name} {meta['grade_id']}"
                hidden = re.findall(r"// BEGIN SOLUTION\n(.*?)\n\s*// END SOLUTION", given[meta["grade_id"]], re.S)
                for body in hidden:
                    for line in body.splitlines():
                        if len(line.strip()) > 12:
                            assert line not in cell.source, f"{name} {meta['grade_id']}: {line.strip()!r} released"
            elif meta.get("grade"):
                assert cell.source == given[meta["grade_id"]], f"{name} {meta['grade_id']}: the check changed"
