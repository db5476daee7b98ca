"""A class on one machine, measured on a real JupyterHub: system users created here, the hub run
with scripts/class/jupyterhub_config.py as the README shows it, the real configurable-http-proxy,
each student's server started as that student, and students driven as a browser drives them
(bench/classroom.py). Then what one student must not be able to do to another.

make test runs a small class (CONCLAB_CLASS_STUDENTS, default 4); make stress runs ten."""
import json
import os
import re
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import classroom  # noqa: E402

STUDENTS = int(os.environ.get("CONCLAB_CLASS_STUDENTS") or (10 if os.environ.get("CONCLAB_STRESS") else 4))
P95 = 2.0  # seconds: an edited cell, while the whole class works
CONCLAB = os.path.join(ROOT, "bin", "conclab")


@pytest.fixture(scope="module")
def lab():
    why = classroom.why_not(CONCLAB)
    if why:
        pytest.skip(why)
    python = os.path.join(ROOT, ".venv", "bin", "python")
    with classroom.Class(STUDENTS, CONCLAB, python if os.path.exists(python) else sys.executable) as cls:
        result = classroom.run_class(cls)
        result["isolation"] = classroom.isolation(cls)
        result["hub_log_tail"] = cls.hub_tail(4000)
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "class.json"), "w") as f:
        json.dump(result, f, indent=1)
    print("\nclass:", classroom.fmt_report(result))
    return result


def test_a_class_runs_its_lab_without_a_failed_cell(lab):
    assert lab["students"] == STUDENTS
    assert not lab["failures"], "\n".join(lab["failures"]) + "\n" + lab["hub_log_tail"]
    kinds = {r["kind"] for r in lab["records"]}
    assert kinds >= {"first", "edit", "plot", "demos", "race", "live", "interrupt", "rerun"}
    assert lab["edited_cells"] >= 9 * STUDENTS
    assert lab["edited_p95"] <= P95, classroom.fmt_report(lab)


def test_a_student_cannot_read_anything_of_another(lab):
    iso = lab["isolation"]
    # B's cells, workspace, build cache and connection files exist: the check looked at them.
    assert all(iso["b_file_kinds"].values()), iso["b_file_kinds"]
    assert iso["b_files"] > 100
    assert iso["readable"] == [], f"{iso['a']} can read these of {iso['b']}: {iso['readable'][:20]}"
    assert "permission denied" in iso["cell_read"], iso["cell_read"]


def test_a_runaway_stops_at_its_students_limits_and_the_others_go_on(lab):
    iso = lab["isolation"]
    if iso.get("runaways_skipped"):
        pytest.skip(iso["runaways_skipped"])
    by = {r["kind"]: r for r in iso["runaways"]}
    assert set(by) == {"memory", "fork loop", "output flood", "daemon"}
    for kind, r in by.items():
        assert r["stopped"], f"{kind}: {r}"
        assert not r.get("stdin_warning"), f"{kind}: {r['tail']}"
    assert by["memory"]["status"] == "error" and "MemoryLimit" in by["memory"]["tail"]
    assert iso["a_after"], iso.get("a_after_error", "A's kernel did not answer after its runaways")
    others = iso["others"]
    assert not iso["others_failures"], iso["others_failures"]
    assert others["edited_cells"] >= 9 * (STUDENTS - 1)
    assert others["edited_p95"] <= P95, others


def test_nothing_of_a_student_outlives_their_server(lab):
    iso = lab["isolation"]
    assert iso["a_daemon_before_stop"], "the runaway daemon was not running before the stop: nothing was tested"
    assert iso["a_processes_after_stop"] == [], iso["a_processes_after_stop"]


def test_the_readme_shows_the_config_the_class_runs():
    """Every Python block of the README's one-machine section is in the config the test runs."""
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    section = readme[readme.index("### Teaching a lab on one machine"):]
    section = section[:section.index("\n## ")]
    with open(classroom.CONFIG) as f:
        config = f.read()
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks, "the one-machine section shows no hub config"
    for b in blocks:
        assert b in config, f"README block not in {classroom.CONFIG}:\n{b}"
    assert os.path.relpath(classroom.CONFIG, ROOT) in section
