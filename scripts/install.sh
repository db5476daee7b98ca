#!/usr/bin/env bash
# Install conclab for a Jupyter: the steps `make install` runs in a checkout
# and the Dockerfile runs in the Binder and JupyterHub image, one script for
# both so that CI, which runs `make install`, also runs the image's steps.
#
# usage: scripts/install.sh [--python PY] [--conclab BIN] [--race] STEP...
#
#   kernelspec  write conclab's kernelspec under PY's sys.prefix, where the
#               Jupyter that PY runs looks: the project's .venv for `make
#               install`, /usr/local in the image (system-wide, so every user
#               of the image sees it), then check that Jupyter finds it
#   warm        fill the Go build cache with the packages cells import, so a
#               reader's first cell builds in seconds; with --race also their
#               race-instrumented build, so the first %race cell is quick too
#   shared      build the packages cells import (the standard library too)
#               once into a directory every user can read (--shared-dir), for
#               a machine a class shares: no student's first cell waits for
#               them, and no home holds a copy; with --race also their
#               race-instrumented build
#
#   --python PY    the Python that runs Jupyter (default: python3 on PATH)
#   --conclab BIN  the conclab binary the kernelspec starts (default: bin/conclab);
#                  %live cells need conclab-live next to it
#   --race         warm, shared: the race detector's build too (needs gcc: cgo)
#   --shared-dir D shared: where (default: lib/conclab/packages beside the bin
#                  directory of the conclab binary, where kernels look)
set -euo pipefail

# usage prints the header above; to stderr with status 2 after a mistake.
usage() {
	if (($1)); then exec >&2; fi
	sed -n '6,28s/^# \{0,1\}//p' "$0"
	exit "$1"
}

py=python3
conclab=bin/conclab
race=
shared_dir=default
steps=()
while (($#)); do
	case "$1" in
	--python) py="${2:?--python needs a value}"; shift 2 ;;
	--conclab) conclab="${2:?--conclab needs a value}"; shift 2 ;;
	--race) race=--race; shift ;;
	--shared-dir) shared_dir="${2:?--shared-dir needs a value}"; shift 2 ;;
	kernelspec | warm | shared) steps+=("$1"); shift ;;
	-h | --help) usage 0 ;;
	*) echo "install.sh: unknown argument '$1'" >&2; usage 2 ;;
	esac
done
((${#steps[@]})) || usage 2

# The kernelspec records the binary's path: it must be absolute, and there.
conclab="$(realpath -m "$conclab")"
[[ -f "$conclab" && -x "$conclab" ]] || { echo "install.sh: $conclab is not an executable (run make build)" >&2; exit 1; }
live="$(dirname "$conclab")/conclab-live"
[[ -f "$live" && -x "$live" ]] || { echo "install.sh: $live is missing: %live cells need it next to conclab (run make build)" >&2; exit 1; }

kernelspec() {
	local prefix found
	command -v "$py" >/dev/null || { echo "install.sh: no Python at $py" >&2; exit 1; }
	prefix="$("$py" -c 'import sys; print(sys.prefix)')"
	"$conclab" install --prefix "$prefix"
	# Ask that Python's Jupyter which conclab kernelspec it starts: a wrong
	# prefix, or a stale per-user copy that shadows this one, shows here
	# rather than as a kernel that will not start.
	found="$("$py" -c 'from jupyter_client.kernelspec import KernelSpecManager as M; print(M().get_kernel_spec("conclab").resource_dir)')" || {
		echo "install.sh: the Jupyter of $py does not find the conclab kernelspec written under $prefix" >&2
		exit 1
	}
	if [[ "$(realpath "$found")" != "$(realpath "$prefix/share/jupyter/kernels/conclab")" ]]; then
		echo "install.sh: warning: the Jupyter of $py starts the conclab kernelspec in $found first, not the one just written under $prefix; remove that one (jupyter kernelspec remove conclab) if it is stale" >&2
	fi
}

warm() {
	"$conclab" warm $race
}

shared() {
	"$conclab" warm $race --shared "$shared_dir"
}

for step in "${steps[@]}"; do
	"$step"
done
