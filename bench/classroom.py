"""A class on one machine, for real: system users, JupyterHub with its proxy and
scripts/class/jupyterhub_config.py, and students driven the way a browser drives
them: log in with a password, wait for the server, open a notebook session,
run cells over the kernel's websocket, think between cells.

    sudo .venv/bin/python bench/classroom.py --students 10 [--json out.json]

runs one class and prints its figures; tests/test_class.py runs a small class
and the isolation checks; bench.py's "class" step runs the full one and finds
the largest class that keeps the edited cells' p95 within 2 s. Needs root (it
creates the users and the hub starts servers as them), useradd and chpasswd,
the proxy (scripts/class: npm ci), and conclab built and warmed (make install).
Everything it makes (users, group, cgroups, files) is removed at the end."""
import argparse
import contextlib
import datetime
import hashlib
import json
import os
import pwd
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import requests
import websocket

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from cases import CASES, _fmt  # noqa: E402

CONFIG = os.path.join(ROOT, "scripts", "class", "jupyterhub_config.py")
PROXY = os.path.join(ROOT, "scripts", "class", "node_modules", ".bin", "configurable-http-proxy")
GROUP = "students"
PREFIX = "cls"        # students are cls01, cls02, ...
CGROUP_PARENT = "conclab-class-test"
CG = "/sys/fs/cgroup"

_case = {c.key: c for c in CASES}


def why_not(conclab_bin):
    """Why a class cannot run here, or ''."""
    if os.geteuid() != 0:
        return "the class test creates system users and the hub starts servers as them: run it as root"
    for tool in ("useradd", "userdel", "groupadd", "chpasswd", "runuser"):
        if not shutil.which(tool):
            return f"no {tool} on this machine"
    if not os.access(PROXY, os.X_OK):
        return f"no configurable-http-proxy at {PROXY}: run make class-proxy (npm ci in scripts/class)"
    try:
        import pamela  # noqa: F401
    except Exception as e:  # pamela raises OSError without libpam
        return f"no PAM for the hub's PAM login: {e}"
    if not os.access(conclab_bin, os.X_OK):
        return f"no conclab at {conclab_bin}: run make build"
    return ""


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the cells of a lab session -----------------------------------------------------------------

class Cell:
    """One cell of a session: code, what its output must show, how it is run."""

    def __init__(self, kind, code, expect="", mime=None, edited=True, interrupt_after=None, error=None):
        self.kind, self.code, self.expect, self.mime = kind, code, expect, mime
        self.edited, self.interrupt_after, self.error = edited, interrupt_after, error


def lab_session(user, nonce):
    """The cells a student runs in a typical lab: edits, a plot, a demos timeline, a race,
    live cells and an interrupted cell. Every edited cell is new text (nonce) so no cache skips it."""
    n = nonce
    goroutines = _case["goroutines"]
    return [
        Cell("first", f'fmt.Println("hello from", os.Getenv("USER"), {n})', f"hello from {user} {n}"),
        Cell("edit", _case["decls"].code(n + 1), *_case["decls"].expect(n + 1)),
        Cell("edit", goroutines.code(n + 2), *goroutines.expect(n + 2)),
        Cell("plot", _case["plot"].code(n + 3), *_case["plot"].expect(n + 3)),
        Cell("edit", _case["trivial_edited"].code(n + 4), *_case["trivial_edited"].expect(n + 4)),
        Cell("demos", _case["timeline"].code(n + 5), *_case["timeline"].expect(n + 5)),
        Cell("race", "%race\n" + RACY.replace("{n}", str(n + 6)), "WARNING: DATA RACE", error=True),
        Cell("live", f"%live\nvar count{n} = {n}", ""),
        Cell("live", f'%live\ncount{n}++\nfmt.Println("live", count{n})', f"live {n + 1}"),
        Cell("interrupt", f'fmt.Println("sleeping {n}")\ntime.Sleep(time.Minute)', f"sleeping {n}",
             interrupt_after=1.5, error=True),
        Cell("edit", _case["trivial_edited"].code(n + 7), *_case["trivial_edited"].expect(n + 7)),
        Cell("rerun", _case["trivial_edited"].code(n + 7), *_case["trivial_edited"].expect(n + 7), edited=False),
    ]


RACY = """var wg sync.WaitGroup
count := 0
for range 4 {
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 1000 {
			count++
		}
	}()
}
wg.Wait()
fmt.Println("racy {n}", count > 0)
"""


# --- a student, as a browser ----------------------------------------------------------------------

class Student:
    """One student's browser: a cookie session with the hub and their server, a kernel websocket."""

    def __init__(self, base, name, password, log):
        self.base, self.name, self.password, self.log = base, name, password, log
        self.http = requests.Session()
        self.ws = None
        self.kernel = None

    def xsrf(self):
        # The hub's and the server's _xsrf cookies have different paths: the server's for its API.
        for c in self.http.cookies:
            if c.name == "_xsrf" and c.path.startswith(f"/user/{self.name}"):
                return c.value
        return self.http.cookies.get("_xsrf", "")

    def login(self):
        r = self.http.get(f"{self.base}/hub/login", timeout=30)
        r.raise_for_status()
        r = self.http.post(f"{self.base}/hub/login?next=", timeout=120, data={
            "username": self.name, "password": self.password, "_xsrf": self.http.cookies.get("_xsrf", "")})
        r.raise_for_status()
        if "/hub/login" in r.url and "Invalid" in r.text:
            raise RuntimeError(f"{self.name}: login refused")

    def wait_for_server(self, timeout=180):
        """What the spawn-pending page waits for: the server answers its lab page (through the OAuth dance)."""
        deadline = time.monotonic() + timeout
        self.http.get(f"{self.base}/hub/spawn", timeout=120)
        while time.monotonic() < deadline:
            # The page, as a browser asks: through the OAuth dance, and it sets the server's _xsrf.
            r = self.http.get(f"{self.base}/user/{self.name}/lab", timeout=60)
            if r.status_code == 200 and r.url.startswith(f"{self.base}/user/{self.name}/lab"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"{self.name}: server not ready in {timeout} s")

    def api(self, method, path, **kw):
        r = self.http.request(method, f"{self.base}/user/{self.name}/api/{path}",
                              headers={"X-XSRFToken": self.xsrf()}, timeout=120, **kw)
        r.raise_for_status()
        return r.json() if r.content else None

    def open_notebook(self, path="notebooks/00-index.ipynb"):
        s = self.api("POST", "sessions", json={"path": path, "type": "notebook", "name": "",
                                               "kernel": {"name": "conclab"}})
        self.kernel = s["kernel"]["id"]
        self.session = uuid.uuid4().hex
        url = self.base.replace("http", "ws", 1) + f"/user/{self.name}/api/kernels/{self.kernel}/channels?session_id={self.session}"
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        self.ws = websocket.create_connection(url, cookie=cookie, origin=self.base, timeout=600)

    def execute(self, code, timeout=300, interrupt_after=None):
        """Run a cell: (seconds from request to idle, stdout+stderr, MIME types shown, status, error)."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": self.name, "session": self.session, "msg_type": "execute_request",
                       "version": "5.3", "date": datetime.datetime.now(datetime.timezone.utc).isoformat()},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        start = time.perf_counter()
        out, mimes, status, error, idle = [], [], None, "", False
        interrupted = interrupt_after is None
        deadline = start + timeout
        while status is None or not idle:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no reply in {timeout} s")
            wait = left if interrupted else max(0.01, min(left, start + interrupt_after - time.perf_counter()))
            self.ws.settimeout(wait)
            try:
                m = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                if not interrupted:
                    self.api("POST", f"kernels/{self.kernel}/interrupt")
                    interrupted = True
                continue
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            t, c = m["msg_type"], m["content"]
            if t == "stream":
                out.append(c["text"])
            elif t in ("display_data", "execute_result"):
                mimes.extend(c.get("data", {}))
            elif t == "error":
                error = f"{c.get('ename')}: {c.get('evalue')}"
            elif t == "execute_reply":
                status = c["status"]
            elif t == "status" and c["execution_state"] == "idle":
                idle = True
        return time.perf_counter() - start, "".join(out), mimes, status, error

    def close(self):
        if self.ws is not None:
            with contextlib.suppress(Exception):
                self.ws.close()


def run_session(student, cells, think, rng, records, failures, stop=None):
    """Run the cells with think time; append a record per cell and a text per failure."""
    for cell in cells:
        if stop is not None and stop.is_set():
            return
        time.sleep(rng.uniform(*think))
        try:
            secs, out, mimes, status, error = student.execute(cell.code, interrupt_after=cell.interrupt_after)
        except Exception as e:
            failures.append(f"{student.name} {cell.kind}: {type(e).__name__}: {e}")
            continue
        problem = ""
        if cell.error:
            if status != "error":
                problem = f"status {status}, wanted an error"
        elif status != "ok":
            problem = f"status {status}: {error} {out[-300:]!r}"
        if not problem and cell.expect and cell.expect not in out:
            problem = f"output {out[-300:]!r} lacks {cell.expect!r}"
        if not problem and cell.mime and cell.mime not in mimes:
            problem = f"no {cell.mime} shown (got {mimes})"
        records.append({"student": student.name, "kind": cell.kind, "edited": cell.edited, "seconds": secs,
                        "ok": not problem})
        if problem:
            failures.append(f"{student.name} {cell.kind}: {problem}")


# --- the class ------------------------------------------------------------------------------------

class Class:
    """Users, a conclab install they can read, and a running hub; removed by close()."""

    def __init__(self, students, conclab_bin, python, log=print):
        self.n, self.log = students, log
        self.conclab_bin, self.python = os.path.abspath(conclab_bin), python
        self.users, self.passwords = [], {}
        self.made_group = False
        self.hub = None
        self.dir = tempfile.mkdtemp(prefix="conclab-class-")
        os.chmod(self.dir, 0o755)
        self.token = secrets.token_hex(32)

    # setup

    def open(self):
        try:
            self._install()
            self._users()
            self._start_hub()
        except BaseException:
            self.close()
            raise
        return self

    def _install(self):
        """conclab where every student can run it (a copy: the checkout may sit in a private home),
        its kernelspec, the shared package set, the notebooks, and a Python with the hub."""
        prefix = self.prefix = os.path.join(self.dir, "prefix")
        os.makedirs(os.path.join(prefix, "bin"))
        for b in ("conclab", "conclab-live", "dlv"):
            src = os.path.join(os.path.dirname(self.conclab_bin), b)
            if b != "dlv" or os.path.exists(src):  # dlv: the debugger, when make built it
                shutil.copy2(src, os.path.join(prefix, "bin", b))
        conclab = os.path.join(prefix, "bin", "conclab")
        start = time.perf_counter()
        run([conclab, "warm", "--race", "--shared", os.path.join(prefix, "lib", "conclab", "packages")])
        self.shared_seconds = time.perf_counter() - start
        run([conclab, "install", "--prefix", prefix])
        shutil.copytree(os.path.join(ROOT, "notebooks"), os.path.join(prefix, "share", "conclab", "notebooks"))
        run(["chmod", "-R", "a+rX", prefix])
        # The hub's Python: the project's venv when students can run it (its interpreter may sit in
        # a private home, as pyenv's do), else a venv of a system Python every user can run.
        self.venv = os.path.dirname(os.path.dirname(os.path.abspath(self.python)))
        if not self._world_usable(os.path.join(self.venv, "bin", "python")):
            base = next((p for p in ("/usr/bin/python3", "/usr/local/bin/python3") if self._world_usable(p)), None)
            if base is None:
                raise RuntimeError("no Python that every user can run (/usr/bin/python3) for the students' servers")
            # Kept in build/ for the next class when students can reach it there, keyed by what it holds.
            with open(os.path.join(ROOT, "requirements.txt"), "rb") as f:
                key = hashlib.sha256(f.read() + base.encode()).hexdigest()[:12]
            self.venv = os.path.join(ROOT, "build", f"class-venv-{key}")
            if not self._world_usable(os.path.join(ROOT, "build")):
                self.venv = os.path.join(self.dir, "venv")
            if not os.path.exists(os.path.join(self.venv, ".complete")):
                self.log(f"class: {self.python} is not usable by other users; making a venv of {base} in {self.venv}")
                start = time.perf_counter()
                shutil.rmtree(self.venv, ignore_errors=True)
                run([base, "-m", "venv", self.venv])
                run([os.path.join(self.venv, "bin", "pip"), "install", "--quiet", "-r",
                     os.path.join(ROOT, "requirements.txt")])
                run(["chmod", "-R", "a+rX", self.venv])
                open(os.path.join(self.venv, ".complete"), "w").close()
                self.log(f"class: venv made in {time.perf_counter() - start:.0f} s")

    @staticmethod
    def _world_usable(path):
        """Whether a user with no rights of its own can run path, following its symlinks:
        the file executable by others and every directory on the way searchable."""
        p = os.path.abspath(path)
        while True:
            d = os.path.dirname(p)
            while d != "/":
                if not os.path.exists(d) or not os.stat(d).st_mode & 0o001:
                    return False
                d = os.path.dirname(d)
            if not os.path.islink(p):
                return os.path.exists(p) and bool(os.stat(p).st_mode & 0o001)
            p = os.path.join(os.path.dirname(p), os.readlink(p))

    def _users(self):
        self.made_teacher = subprocess.run(["id", "teacher"], capture_output=True).returncode != 0
        if self.made_teacher:  # the config's admin
            run(["useradd", "--create-home", "--shell", "/bin/bash", "teacher"])
        if subprocess.run(["getent", "group", GROUP], capture_output=True).returncode != 0:
            run(["groupadd", GROUP])
            self.made_group = True
        for i in range(1, self.n + 1):
            name = f"{PREFIX}{i:02d}"
            if subprocess.run(["id", name], capture_output=True).returncode == 0:
                self._remove_user(name)  # left over by a run that was killed
            run(["useradd", "--create-home", "--shell", "/bin/bash", "--groups", GROUP, name])
            self.users.append(name)
            self.passwords[name] = secrets.token_urlsafe(12)
        run(["chpasswd"], input="".join(f"{u}:{p}\n" for u, p in self.passwords.items()))

    def _start_hub(self):
        hubdir = os.path.join(self.dir, "hub")
        os.makedirs(hubdir, mode=0o700)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # The config under test, loaded as it is; then only what a test machine changes.
        with open(os.path.join(hubdir, "test_config.py"), "w") as f:
            f.write(f"""c = get_config()
load_subconfig({CONFIG!r})
c.JupyterHub.bind_url = {self.base + '/'!r}
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{PROXY!r}]
c.JupyterHub.db_url = "sqlite:///{hubdir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{hubdir}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{hubdir}/jupyterhub.pid"
c.Spawner.environment = dict(c.Spawner.environment, JUPYTER_PATH={os.path.join(self.prefix, 'share', 'jupyter')!r},
                             PATH="{self.prefix}/bin:{os.path.dirname(shutil.which('go') or '/usr/local/go/bin/go')}:/usr/bin:/bin")
c.ClassSpawner.notebooks = {os.path.join(self.prefix, 'share', 'conclab', 'notebooks')!r}
c.ClassSpawner.cgroup_parent = {CGROUP_PARENT!r}
c.JupyterHub.services = [{{"name": "class-test", "api_token": {self.token!r}}}]
c.JupyterHub.load_roles = [{{"name": "class-test", "scopes": ["admin:users", "admin:servers", "list:users"],
                             "services": ["class-test"]}}]
""")
        self.hub_log = open(os.path.join(self.dir, "hub.log"), "w")
        env = dict(os.environ, PATH=os.path.join(self.venv, "bin") + os.pathsep + os.environ["PATH"])
        self.hub = subprocess.Popen([os.path.join(self.venv, "bin", "jupyterhub"), "-f", "test_config.py"],
                                    cwd=hubdir, env=env, stdout=self.hub_log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.hub.poll() is not None:
                raise RuntimeError(f"the hub exited ({self.hub.returncode}): {self.hub_tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.base}/hub/api", timeout=5).status_code == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"the hub did not answer in 60 s: {self.hub_tail()}")

    def hub_tail(self, n=3000):
        with contextlib.suppress(OSError), open(os.path.join(self.dir, "hub.log")) as f:
            return f.read()[-n:]
        return ""

    def admin(self, method, path, **kw):
        r = requests.request(method, f"{self.base}/hub/api/{path}", timeout=60,
                             headers={"Authorization": f"token {self.token}"}, **kw)
        r.raise_for_status()
        return r.json() if r.content else None

    def stop_server(self, user, timeout=60):
        requests.delete(f"{self.base}/hub/api/users/{user}/server", timeout=timeout,
                        headers={"Authorization": f"token {self.token}"})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not (self.admin("GET", f"users/{user}").get("servers") or {}):
                return
            time.sleep(0.3)
        raise RuntimeError(f"{user}'s server did not stop in {timeout} s")

    # teardown

    def close(self):
        if self.hub is not None and self.hub.poll() is None:
            for u in self.users:
                with contextlib.suppress(Exception):
                    self.stop_server(u, timeout=30)
            os.killpg(self.hub.pid, signal.SIGTERM)
            try:
                self.hub.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.hub.pid, signal.SIGKILL)
                self.hub.wait()
        for u in list(self.users):
            self._remove_user(u)
        if getattr(self, "made_teacher", False):
            subprocess.run(["userdel", "--remove", "teacher"], capture_output=True)
        if self.made_group:
            subprocess.run(["groupdel", GROUP], capture_output=True)
        for ctrl in os.listdir(CG) if os.path.isdir(CG) else []:
            d = os.path.join(CG, ctrl, CGROUP_PARENT)
            if os.path.isdir(d):
                for root, _, _ in sorted(os.walk(d), key=lambda w: -w[0].count("/")):
                    with contextlib.suppress(OSError):
                        os.rmdir(root)
        with contextlib.suppress(FileNotFoundError):
            os.rmdir(os.path.join(CG, CGROUP_PARENT))
        with contextlib.suppress(OSError):  # kept for whoever reads a failure
            os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
            shutil.copy(os.path.join(self.dir, "hub.log"), os.path.join(ROOT, "build", "class-hub.log"))
        shutil.rmtree(self.dir, ignore_errors=True)

    def _remove_user(self, name):
        """Kill what is left of a student, then remove them, their home and their files elsewhere."""
        uid = pwd.getpwnam(name).pw_uid
        subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
        for _ in range(50):
            if subprocess.run(["pgrep", "-u", name], capture_output=True).returncode != 0:
                break
            time.sleep(0.1)
        subprocess.run(["userdel", "--remove", name], capture_output=True)
        for d in ("/tmp", "/var/tmp", "/dev/shm"):
            for f in os.listdir(d):
                p = os.path.join(d, f)
                with contextlib.suppress(OSError):
                    if os.lstat(p).st_uid == uid:
                        if os.path.isdir(p) and not os.path.islink(p):
                            shutil.rmtree(p, ignore_errors=True)
                        else:
                            os.remove(p)
        if name in self.users:
            self.users.remove(name)

    def __enter__(self):
        return self.open()

    def __exit__(self, *exc):
        self.close()

    # measuring

    def cgroup(self, user, ctrl):
        """The directory of the student's cgroup for controller ctrl, or None."""
        if not os.path.exists(os.path.join(CG, "cgroup.controllers")):  # v1: a hierarchy each
            d = os.path.join(CG, ctrl, CGROUP_PARENT, user)
            return d if os.path.isdir(d) else None
        d = os.path.join(CG, CGROUP_PARENT, user)  # v2: one for all, if the controller is on
        try:
            with open(os.path.join(d, "cgroup.controllers")) as f:
                on = f.read().split()
        except OSError:
            return None
        return d if ctrl in on or (ctrl == "cpuacct" and "cpu" in on) else None

    def memory_bytes(self, user):
        """What the student's server and all it started use now (cgroup), or the sum of their RSS."""
        d = self.cgroup(user, "memory")
        for f in ("memory.usage_in_bytes", "memory.current"):
            if d and os.path.exists(os.path.join(d, f)):
                with open(os.path.join(d, f)) as fh:
                    return int(fh.read())
        return uid_rss(pwd.getpwnam(user).pw_uid)

    def cpu_seconds(self, user):
        d = self.cgroup(user, "cpuacct")
        if d and os.path.exists(os.path.join(d, "cpuacct.usage")):
            with open(os.path.join(d, "cpuacct.usage")) as f:
                return int(f.read()) / 1e9
        d = self.cgroup(user, "cpu")
        if d and os.path.exists(os.path.join(d, "cpu.stat")):
            with open(os.path.join(d, "cpu.stat")) as f:
                for line in f:
                    if line.startswith("usage_usec"):
                        return int(line.split()[1]) / 1e6
        return None

    def sample(self, stop, into, period=0.5):
        """Every period until stop: each student's memory, and the total."""
        while not stop.wait(period):
            per = {u: self.memory_bytes(u) for u in self.users}
            for u, b in per.items():
                into["peak"][u] = max(into["peak"].get(u, 0), b)
            into["total_peak"] = max(into.get("total_peak", 0), sum(per.values()))


def uid_rss(uid):
    total = 0
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        with contextlib.suppress(OSError):
            if os.stat(f"/proc/{p}").st_uid != uid:
                continue
            with open(f"/proc/{p}/status") as f:
                m = re.search(r"VmRSS:\s+(\d+)", f.read())
            if m:
                total += int(m.group(1)) * 1024
    return total


def machine_cpu():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v), v[3] + v[4]  # all, idle + iowait


def pct(values, q):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))]


def summarize(records):
    edited = [r["seconds"] for r in records if r["edited"] and r["kind"] not in ("interrupt",)]
    out = {"cells": len(records), "edited_cells": len(edited),
           "edited_p50": pct(edited, 50), "edited_p95": pct(edited, 95), "edited_max": max(edited, default=None)}
    for kind in sorted({r["kind"] for r in records}):
        xs = [r["seconds"] for r in records if r["kind"] == kind]
        out[f"{kind}_p50"], out[f"{kind}_p95"] = pct(xs, 50), pct(xs, 95)
    return out


def attend(cls, name, rng, think, records, failures, start_secs=None, stagger=0.0, stop=None):
    """One student's lab: log in, wait for the server, open a notebook, run the session."""
    s = Student(cls.base, name, cls.passwords[name], cls.log)
    try:
        time.sleep(rng.uniform(0, stagger))  # they do not all press Enter together
        t = time.perf_counter()
        s.login()
        s.wait_for_server()
        s.open_notebook()
        if start_secs is not None:
            start_secs[name] = time.perf_counter() - t
        run_session(s, lab_session(name, rng.randrange(10**6, 10**7)), think, rng, records, failures, stop)
    except Exception as e:
        failures.append(f"{name}: {type(e).__name__}: {e}")
    finally:
        s.close()


def start_students(cls, names, rng, think, records, failures, **kw):
    """A thread per student attending, each with a random generator of its own, started."""
    threads = [threading.Thread(target=attend, args=(cls, u, random.Random(rng.random()), think, records, failures),
                                kwargs=kw) for u in names]
    for t in threads:
        t.start()
    return threads


def run_class(cls, think=(1.0, 3.0), seed=1, students=None):
    """Every student logs in, starts a server, opens a notebook and runs a lab session at once.
    Returns the figures: latencies, failures, memory and CPU."""
    students = students or cls.users
    rng0 = random.Random(seed)
    records, failures, mem = [], [], {"peak": {}}
    stop = threading.Event()
    sampler = threading.Thread(target=cls.sample, args=(stop, mem), daemon=True)
    cpu0, busy0 = machine_cpu(), {u: cls.cpu_seconds(u) for u in students}
    t0 = time.perf_counter()
    sampler.start()
    start_secs = {}

    threads = start_students(cls, students, rng0, think, records, failures, start_secs=start_secs, stagger=think[1])
    for t in threads:
        t.join()
    stop.set()
    sampler.join()
    wall = time.perf_counter() - t0
    cpu1 = machine_cpu()
    all_, idle = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
    per_cpu = {u: (cls.cpu_seconds(u) - busy0[u]) if busy0[u] is not None else None for u in students}
    res = summarize(records)
    res.update(students=len(students), failures=failures, seconds=wall,
               server_start_p50=pct(list(start_secs.values()), 50), server_start_max=max(start_secs.values(), default=None),
               memory_peak_student_max=max(mem["peak"].values(), default=None),
               memory_peak_student_mean=statistics.mean(mem["peak"].values()) if mem["peak"] else None,
               memory_peak_total=mem.get("total_peak"),
               cpu_busy=1 - idle / all_ if all_ else None,
               cpu_seconds_student_mean=statistics.mean(v for v in per_cpu.values() if v is not None)
               if any(v is not None for v in per_cpu.values()) else None,
               records=records)
    return res


# --- isolation between students -------------------------------------------------------------------

# What one student tries against another: read every file the other owns (root lists them; the
# student opens each), and the runaways a lab sees by accident.
READ_PROBE = r"""
import json, os, sys
readable = []
for p in json.load(sys.stdin):
    try:
        if os.path.isdir(p) and not os.path.islink(p):
            os.listdir(p)
        else:
            with open(p, "rb") as f:
                f.read(1)
        readable.append(p)
    except OSError:
        pass
print(json.dumps(readable))
"""

RUNAWAYS = [
    # (kind, cell, what the output must say, interrupt after seconds)
    ("memory", """var keep [][]byte
for {
	b := make([]byte, 64<<20)
	for i := range b {
		b[i] = 1
	}
	keep = append(keep, b)
}""", "reached the limit", None),
    ("fork loop", """n := 0
for {
	if err := exec.Command("sleep", "600").Start(); err != nil {
		fmt.Println("fork loop stopped after", n, "processes:", err)
		break
	}
	n++
}""", "fork loop stopped after", None),
    ("output flood", """for i := 0; ; i++ {
	fmt.Println(strings.Repeat("flood ", 20), i)
}""", "Interrupted", 4.0),
    # A daemon that leaves the cell's process tree: only stopping the server ends it.
    ("daemon", """if err := exec.Command("setsid", "-f", "sleep", "900").Run(); err != nil {
	panic(err)
}
fmt.Println("daemon started")""", "daemon started", None),
]


def owned_files(uid, roots):
    """Every file and directory under roots that uid owns (root's view)."""
    found = []
    for top in roots:
        for d, dirs, files in os.walk(top):
            for name in dirs + files:
                p = os.path.join(d, name)
                with contextlib.suppress(OSError):
                    if os.lstat(p).st_uid == uid and not os.path.islink(p):
                        found.append(p)
    return found


def readable_by(reader, paths):
    """The paths that user reader can read (files) or list (directories)."""
    p = subprocess.run(["runuser", "-u", reader, "--", "/usr/bin/python3", "-c", READ_PROBE],
                       input=json.dumps(paths), capture_output=True, text=True, check=True)
    return json.loads(p.stdout)


def isolation(cls, think=(1.0, 3.0), seed=2):
    """Student A (the first) tries to read everything of B (the second) and runs the runaways while
    the others run a lab session; then A's server is stopped. Returns what was seen."""
    a, others = cls.users[0], cls.users[1:]
    b = others[0]
    res = {"a": a, "b": b}
    # Everyone has a running server and has run cells: B's files exist.
    records, failures = [], []
    sa = Student(cls.base, a, cls.passwords[a], cls.log)
    sa.login()
    sa.wait_for_server()
    sa.open_notebook()
    sa.execute('fmt.Println("A is here")')
    # Reading B's files, from outside and from a cell.
    uid_b = pwd.getpwnam(b).pw_uid
    roots = [pwd.getpwnam(b).pw_dir, "/tmp", "/var/tmp", "/dev/shm"]
    files = owned_files(uid_b, roots)
    res["b_files"] = len(files)
    res["b_file_kinds"] = {k: any(k in f for f in files) for k in
                           ("/notebooks/", "/.cache/conclab", "/.cache/go-build", "/jupyter/runtime/kernel-")}
    res["readable"] = readable_by(a, files)
    secs, out, _, status, _ = sa.execute(
        f'b, err := os.ReadFile("{pwd.getpwnam(b).pw_dir}/notebooks/00-index.ipynb")\nfmt.Println(len(b), err)')
    res["cell_read"] = out.strip()
    # The runaways, while the others work.
    stop = threading.Event()
    rng0 = random.Random(seed)

    threads = start_students(cls, others, rng0, think, records, failures, stop=stop)
    res["runaways"] = []
    # Without the student's cgroups there are no limits of theirs to stop at (and a memory
    # runaway would stop only at half the machine's memory): say so rather than try.
    missing = [c for c in ("memory", "pids") if cls.cgroup(a, c) is None]
    if missing:
        res["runaways_skipped"] = (f"no {' or '.join(missing)} cgroup for {a}: the hub could not make them here "
                                   f"(see ClassSpawner's warnings in the hub log)")
    for kind, code, want, after in [] if missing else RUNAWAYS:
        time.sleep(1)
        try:
            secs, out, _, status, error = sa.execute(code, timeout=180, interrupt_after=after)
            text = out + "\n" + error
            res["runaways"].append({"kind": kind, "seconds": secs, "status": status, "stopped": want in text,
                                    "stdin_warning": "cannot see when programs read stdin" in text,
                                    "output_kb": len(out) // 1024, "tail": text[-300:]})
        except Exception as e:
            res["runaways"].append({"kind": kind, "stopped": False, "tail": f"{type(e).__name__}: {e}"})
    try:
        _, out, _, status, _ = sa.execute('fmt.Println("A goes on")', timeout=120)
        res["a_after"] = status == "ok" and "A goes on" in out
    except Exception as e:
        res["a_after"] = False
        res["a_after_error"] = f"{type(e).__name__}: {e}"
    for t in threads:
        t.join()
    res["others"] = summarize(records)
    res["others_failures"] = failures
    # Nothing of A's outlives A's server.
    sa.close()
    res["a_processes_before_stop"] = len(subprocess.run(["pgrep", "-u", a], capture_output=True, text=True).stdout.split())
    res["a_daemon_before_stop"] = subprocess.run(["pgrep", "-u", a, "-f", "sleep 900"], capture_output=True).returncode == 0
    cls.stop_server(a)
    left = []
    for _ in range(50):
        left = subprocess.run(["pgrep", "-a", "-u", a], capture_output=True, text=True).stdout.splitlines()
        if not left:
            break
        time.sleep(0.2)
    res["a_processes_after_stop"] = left
    return res


def fmt_report(r):
    mb = lambda b: "-" if b is None else f"{b / 2**20:.0f} MB"  # noqa: E731
    ms = lambda s: "-" if s is None else f"{s * 1000:.0f} ms"  # noqa: E731
    return (f"{r['students']} students, {r['cells']} cells in {r['seconds']:.0f} s, {len(r['failures'])} failed; "
            f"edited cells p50 {ms(r['edited_p50'])}, p95 {ms(r['edited_p95'])}, max {ms(r['edited_max'])}; "
            f"first cell p95 {ms(r.get('first_p95'))}, %race p95 {ms(r.get('race_p95'))}; "
            f"server start p50 {r['server_start_p50'] or 0:.1f} s; memory per student peak "
            f"{mb(r['memory_peak_student_max'])} (mean {mb(r['memory_peak_student_mean'])}), all {mb(r['memory_peak_total'])}; "
            f"CPU busy {100 * (r['cpu_busy'] or 0):.0f}%")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--students", type=int, default=10)
    ap.add_argument("--conclab", default=os.path.join(ROOT, "bin", "conclab"))
    ap.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"))
    ap.add_argument("--isolation", action="store_true", help="then the isolation checks (needs 2 students)")
    ap.add_argument("--json")
    a = ap.parse_args()
    # Killed (a timeout, Ctrl-C): still remove the users, servers and cgroups.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    why = why_not(a.conclab)
    if why:
        sys.exit(f"classroom: {why}")
    with Class(a.students, a.conclab, sys.executable) as cls:
        r = run_class(cls, think=tuple(a.think))
        if a.isolation:
            r["isolation"] = iso = isolation(cls, think=tuple(a.think))
            print(json.dumps({k: v for k, v in iso.items() if k != "others"}, indent=1))
        if r["failures"]:
            print(cls.hub_tail(6000), file=sys.stderr)
    print(fmt_report(r))
    for f in r["failures"]:
        print("  failed:", f)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(r, f, indent=1)
    sys.exit(1 if r["failures"] else 0)


if __name__ == "__main__":
    main()
