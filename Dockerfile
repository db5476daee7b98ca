# The conclab image for Binder (mybinder.org) and Zero to JupyterHub:
# JupyterLab, Notebook and jupyterhub-singleuser, Go with gcc for the race
# detector, the conclab kernel installed system-wide, the Go build cache
# filled so a reader's first cell is quick, and the notebooks in HOME.
#
#   docker build -t conclab .
#   docker run --rm -p 8888:8888 conclab      # then open the URL it prints
#
# Binder builds it with --build-arg NB_USER=... --build-arg NB_UID=... and
# starts `jupyter notebook --ip 0.0.0.0 --port 8888 ...` in place of CMD;
# JupyterHub starts `jupyterhub-singleuser`. Both run as NB_USER.
#
# The install steps are those of `make install` (make build, then
# scripts/install.sh), which CI runs on every change; tests/test_dockerfile.py
# checks this file's conventions.
FROM python:3.11-slim-bookworm

# A failing command anywhere in a pipe fails the step.
SHELL ["/bin/bash", "-eo", "pipefail", "-c"]

# Binder passes its user as build arguments; 1000 is also the uid Zero to
# JupyterHub runs the single-user server as.
ARG NB_USER=jovyan
ARG NB_UID=1000
ENV USER=${NB_USER} \
    NB_USER=${NB_USER} \
    NB_UID=${NB_UID} \
    HOME=/home/${NB_USER}

# gcc and libc6-dev: the race detector (%race) needs cgo. git: go commands
# that fetch a module from its repository. make: conclab is built by the
# Makefile's own target. curl: the Go download. tini: reaps processes that a
# cell orphaned, which the server as process 1 would leave as zombies.
# Debian's versions are not pinned: a stable release only takes security
# fixes, and the archive drops the versions they replace.
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates curl gcc git libc6-dev make tini \
 && rm -rf /var/lib/apt/lists/*

# Go from the official release archive, checked against its published
# SHA-256. To move to another release, set GO_VERSION and copy the "sha256"
# of the linux-amd64 and linux-arm64 "archive" entries of that version from
# https://go.dev/dl/?mode=json (the same digests the download page lists).
ARG GO_VERSION=1.26.9
ARG GO_SHA256_AMD64=42d158b4d8f7b61ac0a830567c940a86098fb7aac52e467a5ebec03ef5cc2f8d
ARG GO_SHA256_ARM64=4a97373d49fcacdcf3694fea368a500b00ee3e963974f3e7514132717632f052
RUN set -u; \
    arch="$(dpkg --print-architecture)"; \
    case "$arch" in \
        amd64) sum="$GO_SHA256_AMD64" ;; \
        arm64) sum="$GO_SHA256_ARM64" ;; \
        *) echo "no Go checksum for $arch here: add GO_SHA256_${arch}" >&2; exit 1 ;; \
    esac; \
    curl -fsSL -o /tmp/go.tgz "https://go.dev/dl/go${GO_VERSION}.linux-${arch}.tar.gz"; \
    echo "$sum  /tmp/go.tgz" | sha256sum -c -; \
    tar -C /usr/local -xzf /tmp/go.tgz; \
    rm /tmp/go.tgz; \
    /usr/local/go/bin/go version

# The Go and conclab caches live outside HOME, because Zero to JupyterHub
# mounts each student's volume on HOME and would hide what the build filled.
# GOTOOLCHAIN=local: cells build with this Go, never with one fetched on the
# fly because a module asks for a newer release.
ENV PATH=/usr/local/go/bin:/opt/conclab/go/bin:${PATH} \
    GOTOOLCHAIN=local \
    GOPATH=/opt/conclab/go \
    GOCACHE=/opt/conclab/cache/go-build \
    CONCLAB_CACHE=/opt/conclab/cache/conclab

RUN useradd --create-home --uid "${NB_UID}" --shell /bin/bash --comment "Default user" "${NB_USER}" \
 && mkdir -p /opt/conclab/src /opt/conclab/cache \
 && chown -R "${NB_USER}:${NB_USER}" /opt/conclab

# Layers from the least to the most often changed, so that editing a
# notebook or a Go file does not download everything again: the Python
# packages, then Go modules, then the sources.
# jupyterhub-singleuser talks to the hub of the deployment: its major version
# must be the hub's. The default is the hub of Zero to JupyterHub chart 4.4.0
# (tests/z2jh); requirements.txt pins the one the one-machine class runs.
ARG JUPYTERHUB_VERSION=5.5.0
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir --root-user-action=ignore -r /tmp/requirements.txt \
 && pip install --no-cache-dir --root-user-action=ignore "jupyterhub==${JUPYTERHUB_VERSION}" \
 && rm /tmp/requirements.txt

# Everything under /opt/conclab is built by NB_USER, who owns the caches the
# kernel writes to at run time. USER is numeric so that Kubernetes can tell
# the image does not run as root.
WORKDIR /opt/conclab/src
USER ${NB_UID}
COPY --chown=${NB_USER}:${NB_USER} go.mod go.sum ./
# Patched dependencies that go.mod replaces (see third_party/README.md).
COPY --chown=${NB_USER}:${NB_USER} third_party third_party/
RUN go mod download

# Only what `make build` reads for conclab, conclab-live and dlv (the test
# compares this list with `go list -deps`), so that editing a notebook keeps
# the build layers.
COPY --chown=${NB_USER}:${NB_USER} Makefile *.go ./
COPY --chown=${NB_USER}:${NB_USER} cmd cmd/
COPY --chown=${NB_USER}:${NB_USER} internal internal/
COPY --chown=${NB_USER}:${NB_USER} check check/
COPY --chown=${NB_USER}:${NB_USER} demos demos/
COPY --chown=${NB_USER}:${NB_USER} plots plots/
COPY --chown=${NB_USER}:${NB_USER} scripts scripts/
# Delve, pinned in a module of its own, for the debugger.
COPY --chown=${NB_USER}:${NB_USER} tools tools/
RUN make build

# The kernelspec goes under the image's Python prefix (/usr/local), where
# every user's Jupyter finds it; writing there needs root.
# hadolint ignore=DL3066
USER root
RUN scripts/install.sh --python python3 --conclab bin/conclab kernelspec

# Warm as NB_USER, into the caches the kernel will use, with and without the
# race detector.
USER ${NB_UID}
RUN scripts/install.sh --conclab bin/conclab --race warm

# The notebooks: a pristine copy that a JupyterHub postStart hook can copy
# into a student's volume, and the one Binder and `docker run` open in HOME.
COPY notebooks /opt/conclab/notebooks
COPY --chown=${NB_USER}:${NB_USER} notebooks ${HOME}/notebooks

WORKDIR ${HOME}
EXPOSE 8888
ENTRYPOINT ["tini", "--"]
CMD ["jupyter", "lab", "--ip=0.0.0.0", "--port=8888", "--no-browser"]
