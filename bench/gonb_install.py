"""Build the pinned gonb and goimports into a temporary directory.

`go install pkg@version` asks the module proxy for version lists, which it may
withhold here; a throwaway module that requires the exact versions resolves
them from the module cache (or fetches exactly those), so that is how it is
built. Nothing built here leaves the temporary directory."""
import os
import subprocess

GONB = "github.com/janpfeifer/gonb"
GONB_VERSION = "v0.11.4"
TOOLS = "golang.org/x/tools"
TOOLS_VERSION = "v0.52.0"  # the version the project pins


class InstallError(RuntimeError):
    """gonb could not be built; the message says which step failed."""


def go_env():
    """The environment for go commands of the harness: no workspace of the
    caller's, no automatic toolchain switch."""
    env = dict(os.environ)
    env.update(GOWORK="off", GOTOOLCHAIN="local", GOFLAGS="-mod=mod -buildvcs=false")
    return env


def _go(args, cwd, timeout):
    try:
        p = subprocess.run(["go", *args], cwd=cwd, env=go_env(), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise InstallError(f"go {' '.join(args)}: no result in {timeout}s") from e
    if p.returncode != 0:
        tail = "\n".join((p.stdout + p.stderr).strip().splitlines()[-8:])
        raise InstallError(f"go {' '.join(args)} failed:\n{tail}")


def install(tmp_dir, timeout=600):
    """Build gonb GONB_VERSION and goimports into tmp_dir/bin; return that
    directory. Raises InstallError with the reason when it cannot."""
    mod = os.path.join(tmp_dir, "gonb-build")
    bin_dir = os.path.join(tmp_dir, "bin")
    os.makedirs(mod, exist_ok=True)
    os.makedirs(bin_dir, exist_ok=True)
    _go(["mod", "init", "bench.local/gonbbuild"], mod, 60)
    _go(["get", f"{GONB}@{GONB_VERSION}", f"{TOOLS}/cmd/goimports@{TOOLS_VERSION}"], mod, timeout)
    _go(["build", "-o", bin_dir + os.sep, GONB, f"{TOOLS}/cmd/goimports"], mod, timeout)
    for exe in ("gonb", "goimports"):
        if not os.access(os.path.join(bin_dir, exe), os.X_OK):
            raise InstallError(f"{exe} was not built in {bin_dir}")
    return bin_dir
