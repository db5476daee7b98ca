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


def _headings(nb):
    import re

    out = []
    for c in nb.cells:
        if c.cell_type == "markdown":
            out += [m.group(1).strip() for m in re.finditer(r"^#+ (.*)$", c.source, re.M)]
    return out


def _anchor(heading):
    """The id JupyterLab gives a heading: its rendered text, spaces as dashes."""
    return heading.replace("`", "").replace("*", "").replace(" ", "-")


def test_index_links_reach_real_sections():
    """Every link of the index to a notebook section names a heading that exists."""
    import re

    index = nbformat.read(os.path.join(ROOT, "notebooks", "00-index.ipynb"), as_version=4)
    text = "\n".join(c.source for c in index.cells if c.cell_type == "markdown")
    links = re.findall(r"\]\(([0-9][^)#\s]*\.ipynb)#([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)", text)
    assert len(links) > 100, f"only {len(links)} section links in the index"
    anchors = {}
    for name, anchor in links:
        if name not in anchors:
            nb = nbformat.read(os.path.join(ROOT, "notebooks", name), as_version=4)
            anchors[name] = {_anchor(h) for h in _headings(nb)}
        assert anchor in anchors[name], f"{name}#{anchor}: no such heading"


SEEDS = os.environ.get("CONCLAB_SEEDS", os.path.join(ROOT, "..", "shared", "seeds"))


@pytest.mark.skipif(not os.path.isdir(SEEDS), reason="the seed documents are not next to this checkout")
def test_index_maps_every_seed_heading():
    """The index's table lists each guide's headings as they are written in the guide."""
    import re

    index = nbformat.read(os.path.join(ROOT, "notebooks", "00-index.ipynb"), as_version=4)
    table = next(c.source for c in index.cells if c.get("id") == "seed-sections")
    rows = re.findall(r"^\| \d+ \| (.+?) \| (.+) \|$", table, re.M)
    seeds = {}
    for path in sorted(glob.glob(os.path.join(SEEDS, "*.txt"))):
        seeds[path] = [l.strip().lstrip("- ").rstrip(":") for l in open(path, encoding="utf-8")]
    lines = {l for ls in seeds.values() for l in ls}
    for heading, _ in rows:
        h = re.sub(r" \([a-z][^)]*\)$", "", heading)  # "(a pool)": which of two equal headings
        if h.endswith("…?"):
            assert any(l.startswith(h[:-2].rstrip()) for l in lines), heading
        else:
            assert h in lines or any(l.startswith(h + " ") for l in lines), heading
    assert len(rows) >= 100, f"only {len(rows)} rows"
