#!/usr/bin/env python3
"""Keep README.md's Binder links on the repository named in .binder-repo.

.binder-repo holds OWNER/REPO/BRANCH of the GitHub repository that Binder
builds: the one place to change when the project is published somewhere
else. This script rewrites every mybinder.org link of README.md to it; with
--check it changes nothing and exits 1 listing the links that differ.

    python3 scripts/binder_links.py           # rewrite README.md
    python3 scripts/binder_links.py --check   # what tests/test_dockerfile.py checks
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
REPO_FILE = ROOT / ".binder-repo"
README = ROOT / "README.md"

# A launch link: https://mybinder.org/v2/gh/OWNER/REPO/BRANCH[?urlpath=...].
# A branch may hold slashes; OWNER and REPO may not.
LINK = re.compile(
    r"https://mybinder\.org/v2/gh/"
    r"(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[^?#\s)\"'>]+)"
    r"(?P<query>\?[^#\s)\"'>]*)?"
)
REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[^?#\s]+")


def read_repo(path=REPO_FILE):
    """OWNER/REPO/BRANCH from path; ValueError if the file holds anything else."""
    text = pathlib.Path(path).read_text(encoding="utf-8").strip()
    if not REPO.fullmatch(text):
        raise ValueError(f"{path}: want one line OWNER/REPO/BRANCH, found {text!r}")
    return text


def links(text):
    """Every Binder link of text as (repo, query) pairs, in order."""
    return [(m["repo"], m["query"] or "") for m in LINK.finditer(text)]


def rewrite(text, repo):
    """text with every Binder link pointing at repo; queries are kept."""
    return LINK.sub(lambda m: f"https://mybinder.org/v2/gh/{repo}{m['query'] or ''}", text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 if a link differs")
    args = ap.parse_args(argv)
    try:
        repo = read_repo()
    except (OSError, ValueError) as e:
        print(f"binder_links: {e}", file=sys.stderr)
        return 1
    text = README.read_text(encoding="utf-8")
    stale = sorted({r for r, _ in links(text) if r != repo})
    if args.check:
        for r in stale:
            print(f"README.md links to Binder repository {r}, .binder-repo says {repo}", file=sys.stderr)
        return 1 if stale else 0
    if stale:
        README.write_text(rewrite(text, repo), encoding="utf-8")
        print(f"README.md: Binder links moved from {', '.join(stale)} to {repo}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
