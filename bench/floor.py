"""The toolchain floor: what building and running the trivial program costs
with no kernel at all.

On the same edited program each repetition:
  go build     `go build` in a bare module, then run the binary;
  cell module  `go build` in a module that requires what conclab's cell
               module requires (shows what a big go.mod costs the go command);
  direct       the compiler and linker binaries from GOTOOLDIR, with the
               importcfg that `go list -export` gives, then run: the floor
               itself, with none of the go command's own work;
  link -s -w   the direct link without DWARF and symbol table, a
               candidate saving (panics still show file:line)."""
import os
import re
import subprocess
import time

PROGRAM = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("cell", %d)\n}\n'


def _env():
    # As a kernel sees it: the user's Go settings, but never a go.work of the
    # caller's or a toolchain download.
    return dict(os.environ, GOWORK="off", GOTOOLCHAIN="local")


def _run(args, cwd):
    start = time.perf_counter()
    p = subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True)
    secs = time.perf_counter() - start
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])}... failed: {(p.stdout + p.stderr).strip()[-400:]}")
    return secs, p.stdout


def _go_version_line():
    out = subprocess.run(["go", "env", "GOVERSION"], capture_output=True, text=True, env=_env()).stdout.strip()
    m = re.match(r"go(\d+\.\d+)", out)
    return m.group(1) if m else "1.26"


def _bare_module(d, lang):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "go.mod"), "w") as f:
        f.write(f"module floor\n\ngo {lang}\n")


def _cell_module(d, repo):
    """A module like the kernel's cell module: the project's requirements
    and a replace directive to the project source."""
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(repo, "go.mod")) as f:
        proj = f.read()
    go_line = re.search(r"^go\s+(\S+)", proj, re.M)
    reqs = re.findall(r"^\s*(?:require\s+)?([\w./~-]+\.[\w./~-]+)\s+(v\S+)", proj, re.M)
    lines = ["module conclab.cell", "", f"go {go_line.group(1) if go_line else '1.26'}", "", "require ("]
    lines.append("\tgithub.com/conclab/conclab v0.0.0-00010101000000-000000000000")
    lines += [f"\t{p} {v}" for p, v in reqs]
    lines += [")", "", f"replace github.com/conclab/conclab => {repo}", ""]
    with open(os.path.join(d, "go.mod"), "w") as f:
        f.write("\n".join(lines))
    with open(os.path.join(repo, "go.sum")) as src, open(os.path.join(d, "go.sum"), "w") as dst:
        dst.write(src.read())


def importcfg(d):
    """Write importcfg for compile and link of the module in d; return its path."""
    _, out = _run(["go", "list", "-export", "-deps",
                   "-f", "{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}", "."], d)
    path = os.path.join(d, "importcfg")
    with open(path, "w") as f:
        f.write(out)
    return path


class Floor:
    """The floor's modules, made once; each call of once() times the ways
    above on a newly edited program."""

    def __init__(self, tmp_dir, repo, nonce):
        self.lang = _go_version_line()
        self.tooldir = subprocess.run(["go", "env", "GOTOOLDIR"], capture_output=True, text=True,
                                      env=_env()).stdout.strip()
        self.bare = os.path.join(tmp_dir, "floor-bare")
        self.cellmod = os.path.join(tmp_dir, "floor-cellmod")
        _bare_module(self.bare, self.lang)
        _cell_module(self.cellmod, repo)
        for d in (self.bare, self.cellmod):
            self._write(d, nonce)
            _run(["go", "build", "-o", "prog", "."], d)  # warm: std in the build cache, module graph read
        self.cfg = importcfg(self.bare)

    def _write(self, d, n):
        with open(os.path.join(d, "main.go"), "w") as f:
            f.write(PROGRAM % n)

    def _check(self, stdout, n):
        if f"cell {n}" not in stdout:
            raise RuntimeError(f"floor program printed {stdout!r}, not cell {n}")

    def direct(self, n):
        """compile + link + run of the program printing n, with the tools
        invoked directly; returns the seconds of each step."""
        self._write(self.bare, n)
        c, _ = _run([os.path.join(self.tooldir, "compile"), "-o", "main.a", "-p", "main", "-lang", "go" + self.lang,
                     "-importcfg", self.cfg, "-pack", "main.go"], self.bare)
        lk, _ = _run([os.path.join(self.tooldir, "link"), "-o", "direct", "-importcfg", self.cfg,
                      "-buildmode=exe", "main.a"], self.bare)
        r, stdout = _run([os.path.join(self.bare, "direct")], self.bare)
        self._check(stdout, n)
        return {"compile": c, "link": lk, "run": r, "direct": c + lk + r}

    def once(self, n):
        """Every way, on the program printing n; seconds keyed by step."""
        self._write(self.bare, n)
        b, _ = _run(["go", "build", "-o", "prog", "."], self.bare)
        r, stdout = _run([os.path.join(self.bare, "prog")], self.bare)
        self._check(stdout, n)
        self._write(self.cellmod, n)
        bc, _ = _run(["go", "build", "-o", "prog", "."], self.cellmod)
        out = self.direct(n)  # no cache in the way: the compiler always compiles
        lsw, _ = _run([os.path.join(self.tooldir, "link"), "-s", "-w", "-o", "direct-sw", "-importcfg", self.cfg,
                       "-buildmode=exe", "main.a"], self.bare)
        out.update(go_build=b, go_build_run=b + r, go_build_cellmod=bc, link_sw=lsw)
        return out


def measure(tmp_dir, nonce, reps, repo):
    """Time every way reps times; return lists of seconds keyed by step.
    Program numbers nonce .. nonce + reps are used."""
    f = Floor(tmp_dir, repo, nonce)
    out = {}
    for i in range(reps):
        for k, v in f.once(nonce + i + 1).items():
            out.setdefault(k, []).append(v)
    return out
