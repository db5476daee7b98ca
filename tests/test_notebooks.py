"""Every notebook runs top to bottom in conclab with the outputs its cells promise."""
import glob
import os

import nbformat
import pytest

from nbrun import MAX_BYTES, execute, problems

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_stored_notebook_is_valid_and_small(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "conclab"
    assert os.path.getsize(path) <= MAX_BYTES


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_notebook_runs(path, tmp_path):
    nb, secs = execute(path, timeout=300, cwd=str(tmp_path))
    found = problems(nb, os.path.basename(path))
    assert not found, "\n".join(found)
