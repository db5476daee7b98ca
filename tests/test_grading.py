"""nbgrader with conclab: the course fixture in tests/fixtures/course goes through nbgrader's own
commands as a teacher and students would run them (generate, release, fetch, submit, collect,
autograde, generate and release feedback, fetch it), with an exchange folder in a temporary one.

make stress grades a class of 30 submissions (CONCLAB_STRESS=1); make test grades 3."""
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

import nbrun
import procs
from conftest import FIGURES

STRESS = os.environ.get("CONCLAB_STRESS") == "1"
COURSE = Path(__file__).parent / "fixtures" / "course"
ASSIGNMENT, NOTEBOOK = "ps1", "concurrency"
POINTS = {"test_counter": 3, "test_pool": 4, "test_squares": 3}

# Wrong answers, one function body each, replacing the stub nbgrader leaves in a solution cell.
# Each passes the visible test of its exercise; only the graded checks catch it.
RACY = {"counter": """\
	total := 0
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := 0
			for range each {
				local++
			}
			total += local // one unguarded write per goroutine: right almost every time, still a race
		}()
	}
	wg.Wait()
	return total"""}
DEADLOCK = {"pool": """\
	type done struct{ i, r int }
	results := make(chan done, 8) // room for "enough" results: not for 12 jobs
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			r := work(j)
			<-sem
			results <- done{i, r}
		}()
	}
	wg.Wait() // waits for senders that wait for a reader that comes after this line
	close(results)
	out := make([]int, len(jobs))
	for d := range results {
		out[d.i] = d.r
	}
	return out"""}
PANICS = {"squares": """\
	var sq [4]int // sized by the example, not by the input
	for i, x := range in {
		sq[i] = x * x
	}
	out := make(chan int)
	go func() {
		defer close(out)
		for _, v := range sq[:len(in)] {
			select {
			case out <- v:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out"""}

# Hangs: the student tried the function out in its own cell, and it spins for ever. Only nbgrader's
# cell timeout can end that cell; conclab must then stop the program and grading go on.
HANGS = {"counter": """\
func CountAll(goroutines, each int) int {
	var total, finished atomic.Int64
	for range goroutines {
		go func() {
			for range each {
				total.Add(1)
			}
			finished.Add(1)
		}()
	}
	for finished.Load() <= int64(goroutines) { // off by one: waits for a goroutine that never comes
	}
	return int(total.Load())
}

fmt.Println("trying it:", CountAll(2, 10))"""}
CELL_TIMEOUT = 15  # seconds, for the test instead of the course's 60: a hang must cost the test little


def nbgrader(course, *args, env=None, timeout=600):
    """Run one nbgrader command in the course folder; fail the test with its log if it fails."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])  # nbgrader runs alembic
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True,
                         timeout=timeout, env={**os.environ, "PATH": path, **(env or {})})
    assert run.returncode == 0, f"nbgrader {' '.join(args)} exited {run.returncode}:\n{run.stdout}\n{run.stderr[-5000:]}"
    return run.stdout + run.stderr


def cells(path):
    nb = nbformat.read(path, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


def solutions():
    """The source notebook's solutions, as the bodies a student who got everything right writes."""
    out = {}
    for gid, cell in cells(COURSE / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").items():
        if cell.metadata["nbgrader"]["solution"]:
            body = re.search(r"// BEGIN SOLUTION\n(.*?)\n\s*// END SOLUTION", cell.source, re.S)
            out[gid] = body.group(1)
    return out


def answer(path, answers):
    """Do what a student does in the notebook at path: replace the stub of each solution cell
    named in answers by that body (or the whole cell by that source, when it starts with func)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            stub = '\t// YOUR CODE HERE\n\tpanic("not implemented")'
            assert stub in cell.source, f"cell {gid} of the released notebook has no stub:\n{cell.source}"
            cell.source = answers[gid] if answers[gid].startswith("func ") else cell.source.replace(stub, answers[gid])
    nbformat.write(nb, path)


def submit(course, student, answers):
    """Put a submission straight where nbgrader collect would (for the class, where only autograde
    is measured)."""
    dest = course / "submitted" / student / ASSIGNMENT
    dest.mkdir(parents=True)
    shutil.copy(course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", dest)
    answer(dest / f"{NOTEBOOK}.ipynb", answers)


def scores(course):
    """{student: {grade_id: score}} from the gradebook autograde filled in."""
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.id: {g.name: g.score for g in gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, s.id).grades}
                for s in gb.students}


def autograde(course, *flags):
    """Run nbgrader autograde on every submission; return the seconds it took and the processes
    it left alive (kernels and cell programs carry a marker in their environment)."""
    marker = uuid.uuid4().hex
    start = time.monotonic()
    nbgrader(course, "autograde", ASSIGNMENT, "--create", *flags, env={"CONCLAB_GRADING_RUN": marker})
    took = time.monotonic() - start
    deadline = time.monotonic() + 5  # a kernel told to shut down may take a moment to go
    while (left := procs.marked("CONCLAB_GRADING_RUN", marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return took, left


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A copy of the course with the assignment generated (released to students)."""
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(COURSE, course, dirs_exist_ok=True)
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--create")
    return course


def test_generate_clears_solutions_and_hides_tests(course):
    source = cells(COURSE / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    release = cells(course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    assert release.keys() == source.keys(), "generate_assignment dropped or added graded cells"
    for gid, cell in release.items():
        meta = cell.metadata["nbgrader"]
        if meta["solution"]:
            assert "// YOUR CODE HERE" in cell.source and 'panic("not implemented")' in cell.source, \
                f"solution cell {gid} was not replaced by the Go stub:\n{cell.source}"
            assert "BEGIN SOLUTION" not in cell.source and "sync." not in cell.source and "go func" not in cell.source, \
                f"the solution of {gid} is still in the released notebook:\n{cell.source}"
        if meta["grade"]:
            assert "HIDDEN TESTS" not in cell.source and "check.Run" not in cell.source, \
                f"the hidden tests of {gid} are still in the released notebook:\n{cell.source}"
            visible = re.sub(r"[ \t]*// BEGIN HIDDEN TESTS\n.*?// END HIDDEN TESTS\n", "", source[gid].source, flags=re.S)
            assert cell.source == visible, f"the visible tests of {gid} were changed:\n{cell.source}"


def test_released_notebook_compiles_and_fails_its_tests(course):
    """What a student first sees: the answer cells (stubs) compile, and every test cell fails
    with the stub's panic, not with a compile error."""
    nb, _ = nbrun.execute(course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", timeout=120)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        errors = [f"{o.ename}: {o.evalue}" for o in cell.get("outputs", []) if o.output_type == "error"]
        if meta.get("solution"):
            assert not errors, f"the stub of {meta['grade_id']} does not compile: {errors}"
        if meta.get("grade"):
            assert errors and "not implemented" in errors[0], \
                f"test cell {meta['grade_id']} should fail with the stub's panic, got {errors or 'no error'}"


@pytest.mark.timeout(300)
def test_autograde_and_feedback(course, tmp_path):
    # The round trip of the README: release to an exchange folder, each student fetches the
    # assignment into a folder of their own, answers and submits; the teacher collects. Each
    # student has a cache of their own, as separate users would (and the home folder is spared).
    exchange = f"--Exchange.root={tmp_path / 'exchange'}"

    def at(student):
        return ["--course", "conclab-course", f"--student={student}", exchange,
                f"--Exchange.cache={tmp_path / 'cache' / student}"]
    nbgrader(course, "release_assignment", ASSIGNMENT, exchange)
    right = solutions()
    work = {"correct": right, "racy": {**right, **RACY}, "deadlock": {**right, **DEADLOCK},
            "panics": {**right, **PANICS}, "hangs": {**right, **HANGS}}

    def student_works(student):
        home = tmp_path / "students" / student
        home.mkdir(parents=True)
        nbgrader(home, "fetch_assignment", ASSIGNMENT, *at(student))
        answer(home / ASSIGNMENT / f"{NOTEBOOK}.ipynb", work[student])
        nbgrader(home, "submit", ASSIGNMENT, *at(student))

    with ThreadPoolExecutor(2) as pool:  # students work at once; nbgrader's start-up is the cost
        list(pool.map(student_works, work))
    nbgrader(course, "collect", ASSIGNMENT, exchange)
    took, left = autograde(course, f"--Execute.timeout={CELL_TIMEOUT}")
    FIGURES["grading"] = f"5 submissions (one hanging {CELL_TIMEOUT}s) autograded in {took:.0f}s"
    assert not left, f"autograde left processes running: {left}"

    got = scores(course)
    zero = {"correct": None, "racy": "test_counter", "deadlock": "test_pool", "panics": "test_squares",
            "hangs": "test_counter"}
    for student, failing in zero.items():
        want = {gid: (0 if gid == failing else pts) for gid, pts in POINTS.items()}
        assert got[student] == want, f"{student}: scored {got[student]}, want {want}"
    hung = cells(course / "autograded" / "hangs" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")["counter"]
    errors = [o.ename for o in hung.outputs if o.output_type == "error"]
    assert "CellTimeoutError" in errors and "Interrupted" in errors, \
        f"the hanging cell was not stopped by nbgrader's timeout and conclab's interrupt: {hung.outputs}"
    # A check.Run stops a deadlocked run at its deadline (2 s): only the hanging cell costs the timeout.
    assert took < 150, f"autograding 5 submissions took {took:.0f}s"

    nbgrader(course, "generate_feedback", ASSIGNMENT)
    # The check's report: its name, then each kind of failure ("race in 1 of 1 runs; ...").
    why = {"racy": ["CountAll: FAILED", "race in", "DATA RACE"],
           "deadlock": ["Pool: FAILED", "stuck in", "a deadlock"],
           "panics": ["Squares: FAILED", "panic in", "index out of range"],
           "hangs": ["CountAll: FAILED", "stuck in", "a loop that never ends"]}
    for student, words in why.items():
        html = (course / "feedback" / student / ASSIGNMENT / f"{NOTEBOOK}.html").read_text()
        for w in words:
            assert w in html, f"the feedback of {student} does not say {w!r}"
    # Back through the exchange to one student.
    nbgrader(course, "release_feedback", ASSIGNMENT, exchange)
    racy = tmp_path / "students" / "racy"
    nbgrader(racy, "fetch_feedback", ASSIGNMENT, *at("racy"))
    fetched = list((racy / ASSIGNMENT / "feedback").glob(f"*/{NOTEBOOK}.html"))
    assert len(fetched) == 1 and "CountAll: FAILED" in fetched[0].read_text(), \
        f"fetch_feedback gave the racy student {fetched}, not the one feedback that names the check"
    correct = (course / "feedback" / "correct" / ASSIGNMENT / f"{NOTEBOOK}.html").read_text()
    assert "FAILED" not in correct, "the feedback of the correct submission reports a failure"


@pytest.mark.timeout(1200 if STRESS else 300)
def test_grade_a_class(tmp_path):
    """Autograde a class of correct submissions: the time it takes, and nothing left running."""
    n = 30 if STRESS else 3
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--create")
    right = solutions()
    for i in range(n):
        submit(course, f"student{i:02d}", right)
    took, left = autograde(course)
    FIGURES["class"] = f"a class of {n} autograded in {took:.0f}s ({took / n:.1f}s each), {len(left)} processes left"
    assert not left, f"autograde left processes running: {left}"
    full = sum(POINTS.values())
    short = {s: g for s, g in scores(course).items() if sum(g.values()) != full}
    assert not short, f"correct submissions lost points: {short}"
