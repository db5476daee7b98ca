"""The Binder and JupyterHub image: the Dockerfile's conventions, the install
script it shares with `make install`, and the README's Binder links.

No Docker engine runs here, so the Dockerfile is read as text: its
instructions, with the user, working directory and variables in force at
each, are checked against Binder's and JupyterHub's conventions and against
the project (go.mod, the Makefile, what `go build` reads). The install script
the image runs is run for real, as `make install` runs it.
"""
import fnmatch
import importlib.util
import json
import os
import pathlib
import re
import shlex
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field

import pytest

from conftest import execute, start, text

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "install.sh"


@dataclass
class Step:
    """One Dockerfile instruction and the state it runs in."""

    line: int
    cmd: str  # upper case: RUN, COPY, ...
    raw: str  # arguments as written
    args: str  # arguments with ${VAR} expanded
    user: str  # USER in force (expanded); "root" before any USER
    workdir: str  # WORKDIR in force (expanded)
    flags: dict = field(default_factory=dict)  # --chown=... and the like

    def words(self):
        return shlex.split(self.args)

    def json(self):
        return json.loads(self.args)


def logical_lines(text):
    """(first line number, instruction text) with continuations joined and comments dropped."""
    out, buf, start = [], [], None
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and not buf):
            continue
        if start is None:
            start = n
        if stripped.endswith("\\"):
            buf.append(stripped[:-1])
            continue
        buf.append(stripped)
        out.append((start, " ".join(b.strip() for b in buf if b.strip())))
        buf, start = [], None
    assert not buf, "the Dockerfile ends inside a continued line"
    return out


VAR = re.compile(r"\$\{(\w+)\}|\$(\w+)")


def expand(s, env):
    return VAR.sub(lambda m: env.get(m[1] or m[2], m[0]), s)


def parse(text):
    """The Dockerfile's steps, tracking ARG and ENV values, USER and WORKDIR."""
    env, user, workdir, steps = {}, "root", "/", []
    for n, line in logical_lines(text):
        cmd, _, raw = line.partition(" ")
        cmd = cmd.upper()
        args = expand(raw, env)
        flags = {}
        if cmd in ("COPY", "ADD"):
            while args.startswith("--"):
                flag, _, args = args.partition(" ")
                k, _, v = flag[2:].partition("=")
                flags[k] = v
        if cmd == "ARG":
            k, _, v = args.partition("=")
            env.setdefault(k, v)
        elif cmd == "ENV":
            for word in shlex.split(raw):
                k, _, v = word.partition("=")
                env[k] = expand(v, env)
        elif cmd == "USER":
            user = args
        elif cmd == "WORKDIR":
            workdir = os.path.normpath(os.path.join(workdir, args))
        steps.append(Step(n, cmd, raw, args, user, workdir, flags))
    return steps, env


@pytest.fixture(scope="module")
def dockerfile():
    return parse((ROOT / "Dockerfile").read_text())


def steps_of(dockerfile, cmd):
    return [s for s in dockerfile[0] if s.cmd == cmd]


def runs_matching(dockerfile, pattern):
    return [s for s in steps_of(dockerfile, "RUN") if re.search(pattern, s.args)]


def copy_target(step, src):
    """Where COPY step puts the context path src (a file or a directory)."""
    *srcs, dest = step.words()
    dest_dir = dest.endswith("/") or len(srcs) > 1 or dest in (".", "./")
    base = os.path.join(step.workdir, dest)
    if (ROOT / src).is_dir():
        return os.path.normpath(base)
    return os.path.normpath(os.path.join(base, os.path.basename(src)) if dest_dir else base)


def copied_by(step, path):
    """Whether COPY step copies the context path (path matches a source)."""
    *srcs, _ = step.words()
    return any(fnmatch.fnmatch(path, s.rstrip("/")) for s in srcs)


def test_binder_build_args(dockerfile):
    steps, env = dockerfile
    assert steps[0].cmd == "FROM", "the ARGs must come after FROM to be seen by the build"
    args = {s.args.partition("=")[0]: s.args.partition("=")[2] for s in steps_of(dockerfile, "ARG")}
    assert args.get("NB_USER") == "jovyan"
    assert args.get("NB_UID") == "1000"
    assert env["HOME"] == f"/home/{env['NB_USER']}"
    assert env["USER"] == env["NB_USER"]


def test_user_is_created_and_owns_home(dockerfile):
    steps, env = dockerfile
    [create] = runs_matching(dockerfile, r"\buseradd\b|\badduser\b")
    words = create.words()
    assert create.user == "root"
    assert env["NB_USER"] in words and env["NB_UID"] in words[words.index("--uid") + 1:][:1]
    assert "--create-home" in words or "-m" in words
    final = [s for s in steps if s.cmd == "USER"][-1]
    assert final.args in (env["NB_USER"], env["NB_UID"])
    assert final.args not in ("root", "0"), "the image must not run as root"
    # Files put in HOME after the user exists belong to them.
    for s in steps_of(dockerfile, "COPY"):
        if copy_target(s, s.words()[0]).startswith(env["HOME"]):
            assert s.flags.get("chown", "").split(":")[0] in (env["NB_USER"], env["NB_UID"]), s


def test_starts_jupyterlab_on_all_interfaces(dockerfile):
    steps, env = dockerfile
    expose = [s.args for s in steps_of(dockerfile, "EXPOSE")]
    assert "8888" in expose
    cmd = steps_of(dockerfile, "CMD")[-1].json()
    assert cmd[:2] == ["jupyter", "lab"]
    assert "--ip=0.0.0.0" in cmd
    assert "--port=8888" in cmd
    # Binder replaces CMD with `jupyter notebook ...`; an ENTRYPOINT must pass it on.
    entry = steps_of(dockerfile, "ENTRYPOINT")
    if entry:
        assert entry[-1].json() == ["tini", "--"]
    assert [s for s in steps if s.cmd == "WORKDIR"][-1].workdir == env["HOME"]


def requirements():
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f"requirements.txt: {line!r} is not pinned"
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_jupyter_packages_are_pinned_and_installed(dockerfile):
    pins = requirements()
    for name in ("jupyterlab", "notebook", "jupyterhub", "jupyter-client"):
        assert name in pins, f"{name} is not in requirements.txt"
    [copy] = [s for s in steps_of(dockerfile, "COPY") if copied_by(s, "requirements.txt")]
    target = copy_target(copy, "requirements.txt")
    [pip] = runs_matching(dockerfile, r"\bpip install\b")
    assert f"-r {target}" in pip.args
    assert pip.user == "root" and pip.line > copy.line


def test_apt_installs_what_the_kernel_needs(dockerfile):
    [apt] = runs_matching(dockerfile, r"apt-get install")
    words = set(apt.words())
    # gcc and libc6-dev: cgo for -race; git and ca-certificates: go's module
    # downloads; make: `make build`; tini: the ENTRYPOINT.
    for pkg in ("gcc", "libc6-dev", "git", "make", "ca-certificates", "tini"):
        assert pkg in words, pkg


def go_mod_version():
    m = re.search(r"^go (\d+)\.(\d+)(?:\.(\d+))?$", (ROOT / "go.mod").read_text(), re.M)
    return tuple(int(x or 0) for x in m.groups())


def test_go_release_matches_go_mod_and_is_checked(dockerfile):
    steps, env = dockerfile
    version = tuple(int(x) for x in env["GO_VERSION"].split("."))
    assert len(version) == 3, "pin a full Go release, e.g. 1.26.9"
    assert version[:2] == go_mod_version()[:2], "the image's Go and go.mod's go line differ"
    assert version >= go_mod_version()
    sums = {k: v for k, v in env.items() if k.startswith("GO_SHA256_")}
    assert "GO_SHA256_AMD64" in sums
    for k, v in sums.items():
        assert re.fullmatch(r"[0-9a-f]{64}", v), k
    [get] = runs_matching(dockerfile, r"go\$\{GO_VERSION\}|go" + re.escape(env["GO_VERSION"]))
    assert f"go{env['GO_VERSION']}.linux-" in get.args
    assert "sha256sum -c" in get.args
    assert get.args.index("sha256sum -c") < get.args.index("tar ")
    assert env["GOTOOLCHAIN"] == "local"
    assert "/usr/local/go/bin" in env["PATH"].split(":")


def make_recipe(target):
    """The recipe lines and prerequisites of a Makefile target."""
    lines = (ROOT / "Makefile").read_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith(target + ":"):
            prereqs = line.partition(":")[2].split()
            recipe = []
            for r in lines[i + 1:]:
                if not r.startswith("\t"):
                    break
                recipe.append(r.strip())
            return prereqs, recipe
    raise AssertionError(f"no {target} target in the Makefile")


def script_calls(lines):
    """The step words and options of each scripts/install.sh call in lines."""
    calls = []
    for line in lines:
        words = shlex.split(line)
        if "scripts/install.sh" in words:
            calls.append(words[words.index("scripts/install.sh") + 1:])
    return calls


def test_install_steps_are_shared_with_make_install(dockerfile):
    steps, env = dockerfile
    prereqs, recipe = make_recipe("install")
    assert "build" in prereqs
    [make_call] = script_calls(recipe)
    assert {"kernelspec", "warm"} <= set(make_call)
    assert make_call[make_call.index("--conclab") + 1] == "$(BIN)"

    [build] = runs_matching(dockerfile, r"\bmake build\b")
    assert build.words() == ["make", "build"], "the image must build with the Makefile's own BIN"
    assert build.user == env["NB_UID"], "build as NB_USER, who owns the build cache"

    calls = [(s, c) for s in steps_of(dockerfile, "RUN") for c in script_calls([s.args])]
    by_step = {step: (s, c) for s, c in calls for step in ("kernelspec", "warm") if step in c}
    assert set(by_step) == {"kernelspec", "warm"}, calls
    spec, spec_call = by_step["kernelspec"]
    assert spec.user == "root", "a system-wide kernelspec needs root"
    assert spec_call[spec_call.index("--python") + 1] == "python3"
    assert spec_call[spec_call.index("--conclab") + 1] == make_variable("BIN")
    warm, warm_call = by_step["warm"]
    assert warm.user == env["NB_UID"], "warm as NB_USER: the kernel runs as them"
    assert "--race" in warm_call, "warm the race build too, for %race cells"
    for s in (spec, warm):
        assert s.workdir == build.workdir and s.line > build.line


def make_variable(name):
    m = re.search(rf"^{name}\s*:?=\s*(\S+)", (ROOT / "Makefile").read_text(), re.M)
    return m[1]


def test_layers_go_from_least_to_most_changed(dockerfile):
    steps, _ = dockerfile
    line = {
        "pip": runs_matching(dockerfile, r"\bpip install\b")[0].line,
        "mod download": runs_matching(dockerfile, r"\bgo mod download\b")[0].line,
        "go sources": min(s.line for s in steps_of(dockerfile, "COPY") if copied_by(s, "internal")),
        "build": runs_matching(dockerfile, r"\bmake build\b")[0].line,
        "notebooks": min(s.line for s in steps_of(dockerfile, "COPY") if copied_by(s, "notebooks")),
    }
    assert list(line) == sorted(line, key=line.get), line
    [mods] = [s for s in steps_of(dockerfile, "COPY") if copied_by(s, "go.mod")]
    assert copied_by(mods, "go.sum") and mods.line < line["mod download"]


def build_inputs():
    """Top-level files and directories that `make build` (go build of
    ./cmd/conclab and ./cmd/conclab-live) reads."""
    out = subprocess.run(
        ["go", "list", "-deps", "-f",
         "{{if not .Standard}}{{.Dir}}|{{join .GoFiles \",\"}}|{{join .EmbedFiles \",\"}}{{end}}",
         "./cmd/conclab", "./cmd/conclab-live"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    need = {"go.mod", "go.sum"}
    for line in out.splitlines():
        d, go_files, embeds = line.split("|")
        rel = os.path.relpath(d, ROOT)
        if rel.startswith(".."):
            continue  # a dependency from the module cache
        names = [f for f in (go_files.split(",") + embeds.split(",")) if f]
        for f in names:
            need.add(pathlib.PurePath(rel, f).parts[0])
    return need


def test_copies_what_the_build_reads(dockerfile):
    env = dockerfile[1]
    [build] = runs_matching(dockerfile, r"\bmake build\b")
    copies = [s for s in steps_of(dockerfile, "COPY") if s.line < build.line]
    need = build_inputs() | {"Makefile", "scripts", "tools"}  # tools/dlv: make build builds Delve
    assert {"cmd", "internal", "check", "demos", "plots", "conclab.go"} <= need  # the check sees the tree
    for path in sorted(need):
        targets = [copy_target(s, path) for s in copies if copied_by(s, path)]
        assert os.path.join(build.workdir, path) in targets, f"{path} is not copied before make build"
    for s in copies:
        if s.workdir == build.workdir:
            assert s.flags.get("chown", "").split(":")[0] in (env["NB_USER"], env["NB_UID"]), s


def test_notebooks_in_home_and_a_pristine_copy(dockerfile):
    env = dockerfile[1]
    copies = [s for s in steps_of(dockerfile, "COPY") if copied_by(s, "notebooks")]
    targets = {copy_target(s, "notebooks"): s for s in copies}
    home = targets.get(f"{env['HOME']}/notebooks")
    assert home, "the notebooks must be in HOME for Binder's links"
    assert home.flags.get("chown", "").split(":")[0] == env["NB_USER"]
    # The README's JupyterHub hook copies this one into a student's volume.
    assert "/opt/conclab/notebooks" in targets
    assert "/opt/conclab/notebooks" in (ROOT / "README.md").read_text()


def test_caches_outside_home_and_owned_by_the_user(dockerfile):
    env = dockerfile[1]
    [owner] = runs_matching(dockerfile, r"\bchown -R\b")
    words = owner.words()
    i = words.index("chown")
    assert words[i + 1] == "-R" and words[i + 2].split(":")[0] == env["NB_USER"]
    owned = words[i + 3:words.index("&&", i) if "&&" in words[i:] else None]
    for var in ("GOPATH", "GOCACHE", "CONCLAB_CACHE"):
        path = env[var]
        assert not path.startswith(env["HOME"]), f"{var} would be hidden by a volume on HOME"
        assert any((path + "/").startswith(d.rstrip("/") + "/") for d in owned), f"{var}={path} is not NB_USER's"


def test_dockerignore_keeps_local_state_out():
    ignored = {l.strip() for l in (ROOT / ".dockerignore").read_text().splitlines()
               if l.strip() and not l.startswith("#")}
    assert {".git", ".venv", "bin", "build"} <= ignored
    for needed in build_inputs() | {"Makefile", "scripts", "notebooks", "requirements.txt"}:
        assert not any(fnmatch.fnmatch(needed, p) for p in ignored), needed


# --- scripts/install.sh, run as make install and the image run it ---


@pytest.fixture(scope="module")
def conclab_bin():
    subprocess.run(["make", "build"], cwd=ROOT, check=True, capture_output=True)
    return ROOT / make_variable("BIN")


@pytest.fixture
def isolated_python(tmp_path):
    """A fresh venv (its own sys.prefix, like the image's /usr/local) that
    imports this interpreter's packages, so jupyter_client needs no download."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    pathlib.Path(site, "project-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return py


def go_env(*names):
    out = subprocess.run(["go", "env", *names], capture_output=True, text=True, check=True).stdout
    return dict(zip(names, out.splitlines()))


def isolated_env(tmp_path):
    """No per-user Jupyter directories or conclab cache of the person running
    the tests; the Go caches stay theirs, as they would be in the image."""
    env = dict(os.environ)
    env.update(go_env("GOCACHE", "GOMODCACHE", "GOPATH"))
    env.update(HOME=str(tmp_path / "home"), JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
               CONCLAB_CACHE=str(tmp_path / "conclab-cache"))
    env.pop("VIRTUAL_ENV", None)
    env.pop("JUPYTER_PATH", None)
    return env


def test_install_script_writes_a_kernelspec_jupyter_finds(tmp_path, conclab_bin, isolated_python):
    env = isolated_env(tmp_path)
    r = subprocess.run([SCRIPT, "--python", isolated_python, "--conclab", make_variable("BIN"), "kernelspec"],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr
    spec_dir = tmp_path / "venv" / "share" / "jupyter" / "kernels" / "conclab"
    spec = json.loads((spec_dir / "kernel.json").read_text())
    assert spec["argv"][0] == str(conclab_bin.resolve())
    assert spec["argv"][1:] == ["kernel", "--connection-file", "{connection_file}"]
    found = subprocess.run(
        [isolated_python, "-c",
         "from jupyter_client.kernelspec import KernelSpecManager as M; print(M().get_kernel_spec('conclab').resource_dir)"],
        env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert pathlib.Path(found).resolve() == spec_dir.resolve()


def test_install_script_warns_about_a_shadowing_kernelspec(tmp_path, conclab_bin, isolated_python):
    env = isolated_env(tmp_path)
    # Outside a virtual environment (the image's /usr/local) Jupyter looks in
    # the user's directory first; jupyter_core reads this to do so in a venv.
    env["JUPYTER_PREFER_ENV_PATH"] = "0"
    stale = pathlib.Path(env["JUPYTER_DATA_DIR"], "kernels", "conclab")
    stale.mkdir(parents=True)
    (stale / "kernel.json").write_text(json.dumps(
        {"argv": ["/nonexistent/conclab", "kernel", "--connection-file", "{connection_file}"],
         "display_name": "Go (conclab)", "language": "go"}))
    r = subprocess.run([SCRIPT, "--python", isolated_python, "--conclab", conclab_bin, "kernelspec"],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "warning" in r.stderr and str(stale) in r.stderr


@pytest.mark.timeout(900)
def test_install_script_warms_both_builds(tmp_path, conclab_bin):
    env = isolated_env(tmp_path)
    r = subprocess.run([SCRIPT, "--conclab", conclab_bin, "--race", "warm"],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    # The kernel's cache now holds the unpacked library cells build against.
    src = list(pathlib.Path(env["CONCLAB_CACHE"]).glob("src-*/go.mod"))
    assert len(src) == 1, list(pathlib.Path(env["CONCLAB_CACHE"]).iterdir())


@pytest.mark.timeout(900)
def test_install_script_shares_packages_a_new_user_builds_against(tmp_path, conclab_bin):
    """The shared step builds the packages cells use into a directory every user can read; a kernel
    of a new user (empty Go build cache and conclab cache) builds its first cell against it, and
    its own build cache stays empty."""
    env = isolated_env(tmp_path)
    shared = tmp_path / "lib" / "conclab" / "packages"
    r = subprocess.run([SCRIPT, "--conclab", conclab_bin, "--shared-dir", shared, "shared"],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    index = shared / "index.json"
    assert index.stat().st_mode & 0o444 == 0o444 and shared.stat().st_mode & 0o555 == 0o555
    user = tmp_path / "student"
    env.update(GOCACHE=str(user / "gocache"), CONCLAB_CACHE=str(user / "conclab"), CONCLAB_SHARED=str(shared))
    km, kc = start(env=env)
    try:
        reply, out = execute(kc, "fmt.Println(demos.FormatDuration(2 * time.Second))")
        assert reply["status"] == "ok" and text(out) == "2s\n", out
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    size = sum(f.stat().st_size for f in (user / "gocache").rglob("*") if f.is_file())
    assert size < 64 << 10, f"the new user's build cache holds {size} bytes: the cell did not use the shared set"


@pytest.mark.parametrize("args, status, message", [
    ([], 2, "usage:"),
    (["bogus"], 2, "unknown argument 'bogus'"),
    (["--conclab", "/nonexistent/conclab", "warm"], 1, "is not an executable"),
    (["--python", "/nonexistent/python", "kernelspec"], 1, "no Python at /nonexistent/python"),
])
def test_install_script_refuses(tmp_path, conclab_bin, args, status, message):
    r = subprocess.run([SCRIPT, *args], cwd=ROOT, env=isolated_env(tmp_path),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == status, r.stderr
    assert message in r.stderr
    assert not (tmp_path / "conclab-cache").exists()


# --- the README's Binder links ---


def binder_links_module():
    spec = importlib.util.spec_from_file_location("binder_links", ROOT / "scripts" / "binder_links.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def bl():
    return binder_links_module()


def test_readme_binder_links_use_the_one_repository(bl):
    repo = bl.read_repo()
    text = (ROOT / "README.md").read_text()
    links = bl.links(text)
    assert links, "README.md has no Binder link"
    assert {r for r, _ in links} == {repo}
    r = subprocess.run([sys.executable, ROOT / "scripts" / "binder_links.py", "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_readme_launches_every_notebook(bl):
    text = (ROOT / "README.md").read_text()
    targets = [q.removeprefix("?urlpath=") for _, q in bl.links(text)]
    for t in targets:
        assert t.startswith("lab/tree/"), t
        assert (ROOT / t.removeprefix("lab/tree/")).is_file(), f"{t} names no notebook"
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"lab/tree/notebooks/{nb.name}" in targets, f"no launch link for {nb.name}"
    # The badge comes before the first section, next to the two commands.
    badge = text.index("https://mybinder.org/badge_logo.svg")
    assert badge < text.index("\n## ")


@pytest.mark.parametrize("text, repo, want", [
    ("[x](https://mybinder.org/v2/gh/a/b/main?urlpath=lab/tree/n.ipynb)", "c/d/dev",
     "[x](https://mybinder.org/v2/gh/c/d/dev?urlpath=lab/tree/n.ipynb)"),
    ("(https://mybinder.org/v2/gh/a/b/feature/x)", "c/d/main", "(https://mybinder.org/v2/gh/c/d/main)"),
    ("https://mybinder.org/badge_logo.svg and https://github.com/a/b/main", "c/d/main",
     "https://mybinder.org/badge_logo.svg and https://github.com/a/b/main"),
])
def test_binder_links_rewrite(bl, text, repo, want):
    assert bl.rewrite(text, repo) == want
    assert all(r == repo for r, _ in bl.links(bl.rewrite(text, repo)))


@pytest.mark.parametrize("content, ok", [
    ("conclab/conclab/main\n", True),
    ("someone/fork/feature/binder", True),
    ("conclab/conclab", False),
    ("", False),
    ("conclab/conclab/main extra", False),
])
def test_binder_repo_file_format(bl, tmp_path, content, ok):
    f = tmp_path / ".binder-repo"
    f.write_text(content)
    if ok:
        assert bl.read_repo(f) == content.strip()
    else:
        with pytest.raises(ValueError):
            bl.read_repo(f)


def test_binder_links_command_moves_every_link(tmp_path):
    """Edit .binder-repo, run the script: the README follows, --check agrees."""
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "binder_links.py"
    script.write_text((ROOT / "scripts" / "binder_links.py").read_text())
    readme = (ROOT / "README.md").read_text()
    (tmp_path / "README.md").write_text(readme)
    (tmp_path / ".binder-repo").write_text("someone/fork/teaching\n")

    def run(*args):
        return subprocess.run([sys.executable, script, *args], capture_output=True, text=True)

    assert run("--check").returncode == 1
    assert run().returncode == 0
    moved = (tmp_path / "README.md").read_text()
    assert run("--check").returncode == 0
    assert "mybinder.org/v2/gh/someone/fork/teaching?urlpath=lab/tree/notebooks/00-index.ipynb" in moved
    assert moved.count("mybinder.org/v2/gh/") == readme.count("mybinder.org/v2/gh/")
    # Nothing but the links changed.
    assert re.sub(r"v2/gh/\S+?\?", "", moved) == re.sub(r"v2/gh/\S+?\?", "", readme)
