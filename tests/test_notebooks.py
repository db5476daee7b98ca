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


# Lines of the guides that stand alone like headings but are not sections: the title, bylines and
# dates, the sites' own links and footers, bullets and notes set apart. By the first characters of
# the guide's file name.
NOT_SECTIONS = {
    "000": {"Threading and Multiprocessing in Python: An In-Depth Guide", "Written by"},
    "001": {"Python - Concurrency and Parallelism: Threading, Multiprocessing",
            "Concurrency and Parallelism: Threading, Multiprocessing in Python",
            "6 Top Tips for Learning Python", "Best YouTube Channels to Learn Python", "line",
            "Copyrights © 2024 letsupdateskills All rights reserved"},
    "002": {"Python Performance Showdown: Threading vs. Multiprocessing",
            "– It allows for communication between multiple processes",
            "– It allows for sharing of data between multiple processes"},
    "003": {"Multithreading and Multiprocessing in Python", "Petr Zemek", "November 15, 2024",
            "Python Guild @ Gen™", "(source)", "Note: Do not forget to utilize the `with` statement!"},
    "004": set(),
}


def _seed_headings(path):
    """The lines of a guide that stand alone as headings do: a blank line above and below, short, no
    sentence or code. Numbered entries of a table of contents count as the heading they name. Only
    the notes (004) end headings with a colon; elsewhere a colon ends a lead-in ("Key Points:")."""
    import re

    lines = open(path, encoding="utf-8").read().split("\n")
    colon_ends_heading = os.path.basename(path).startswith("004")
    out = []
    for i, line in enumerate(lines):
        s = line.strip()
        around = (lines[i - 1].strip() if i else "", lines[i + 1].strip() if i + 1 < len(lines) else "")
        if not s or len(s) > 100 or any(around):
            continue
        if s.endswith((".", ",", ";")) or (s.endswith(":") and not colon_ends_heading):
            continue
        if re.match(r"(import|from) \w|\w+ = ", s):
            continue  # code
        if re.search(r"[=(){}\[\]#]", s) and not re.search(r"\([A-Za-z ]+\)$|\(\)$", s):
            continue  # code, unless a heading's closing "(GIL)" or "set_start_method()"
        out.append(re.sub(r"^\d+\. ", "", s.lstrip("-• ").rstrip(":")))
    return out


@pytest.mark.skipif(not os.path.isdir(SEEDS), reason="the seed documents are not next to this checkout")
def test_index_has_a_row_for_every_seed_heading():
    """The other direction: each heading of each guide has a row in the index's table."""
    import re

    index = nbformat.read(os.path.join(ROOT, "notebooks", "00-index.ipynb"), as_version=4)
    table = next(c.source for c in index.cells if c.get("id") == "seed-sections")
    parts = re.split(r"^\*\*(.+?)\*\* → ", table, flags=re.M)
    guides = {parts[i].strip(): re.findall(r"^\| \d+ \| (.+?) \| (.+) \|$", parts[i + 1], re.M)
              for i in range(1, len(parts), 2)}
    paths = sorted(glob.glob(os.path.join(SEEDS, "*.txt")))
    assert len(paths) == len(guides) == 5, f"{len(paths)} guides, {len(guides)} tables in the index"
    for path in paths:
        head = open(path, encoding="utf-8").read(400)
        title = next((t for t in guides if t in head), None)
        assert title, f"no table in the index for {os.path.basename(path)}"
        rows = [re.sub(r" \([a-z][^)]*\)$", "", h) for h, _ in guides[title]]
        skip = NOT_SECTIONS[os.path.basename(path)[:3]]
        for h in _seed_headings(path):
            if h in skip:
                continue
            assert any(h == r or (r.endswith("…?") and h.startswith(r[:-2].rstrip())) for r in rows), \
                f"{os.path.basename(path)}: the heading {h!r} has no row in the index"
