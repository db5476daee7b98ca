"""Kernel sessions for the benchmark: kernelspecs in a private JUPYTER_PATH,
start-up timed to the kernel_info_reply, cells timed from execute_request to
the moment the kernel is idle again with its reply sent, and the kernel
process's memory and CPU read from /proc."""
import json
import os
import time
from dataclasses import dataclass, field

import zmq
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager


def write_spec(jupyter_dir, name, argv, display_name, env=None):
    """Write a kernelspec NAME under JUPYTER_DIR/kernels and return its directory."""
    d = os.path.join(jupyter_dir, "kernels", name)
    os.makedirs(d, exist_ok=True)
    spec = {"argv": argv, "display_name": display_name, "language": "go",
            "interrupt_mode": "message", "env": env or {}}
    with open(os.path.join(d, "kernel.json"), "w") as f:
        json.dump(spec, f, indent=1)
    return d


@dataclass
class CellRun:
    """What one execute_request did and how long the user waited for it."""
    seconds: float
    wall_start: float = 0.0               # time.time() when the request was sent
    msg_id: str = ""
    status: str = ""                      # execute_reply status: ok, error, aborted
    stdout: str = ""
    stderr: str = ""
    mimes: list = field(default_factory=list)  # MIME types of display_data / execute_result
    error: str = ""                       # "ename: evalue" of an error message

    @property
    def ok(self):
        return self.status == "ok"


class KernelError(RuntimeError):
    """The kernel did not start, died, or did not answer in time."""


class Session:
    """One running kernel and a blocking client talking to it."""

    def __init__(self, name, km, kc):
        self.name = name
        self.km = km
        self.kc = kc
        self.iopub_seconds = None  # from launch until iopub delivered a message
        self.launch_seconds = None  # jupyter_client's start_kernel: ports, connection file, process
        self._poller = zmq.Poller()
        self._poller.register(kc.iopub_channel.socket, zmq.POLLIN)
        self._poller.register(kc.shell_channel.socket, zmq.POLLIN)

    @classmethod
    def start(cls, kernel_name, jupyter_dir, cwd, log=None, timeout=60.0, client_ready=False):
        """Start kernel_name from the specs in jupyter_dir, its output going
        to the open file log; return the session and the seconds from launch
        to the kernel_info_reply (client_ready: until jupyter_client's own
        wait_for_ready returns, which also waits for iopub and lets it go quiet)."""
        ksm = KernelSpecManager(kernel_dirs=[os.path.join(jupyter_dir, "kernels")])
        km = KernelManager(kernel_name=kernel_name, kernel_spec_manager=ksm)
        start = time.perf_counter()
        km.start_kernel(cwd=cwd, stdout=log, stderr=log)
        launched = time.perf_counter() - start
        kc = km.client()
        kc.start_channels()
        s = cls(kernel_name, km, kc)
        s.launch_seconds = launched
        try:
            if client_ready:
                try:
                    kc.wait_for_ready(timeout=timeout)
                except RuntimeError as e:
                    raise KernelError(f"{kernel_name}: {e}") from e
            else:
                msg_id = kc.kernel_info()
                s._wait_reply(kc.shell_channel, msg_id, "kernel_info_reply", timeout)
            took = time.perf_counter() - start
            s._wait_iopub(timeout)
            s.iopub_seconds = time.perf_counter() - start
        except BaseException:
            s.shutdown()
            raise
        return s, took

    def _wait_iopub(self, timeout):
        """Return once iopub delivers: a SUB socket misses what is published
        before its connection is up, so a cell run right after kernel_info
        could lose its busy/idle status. Like jupyter_client, ask for
        kernel_info until its status message arrives on iopub."""
        deadline = time.monotonic() + timeout
        kc = self.kc
        while time.monotonic() < deadline:
            msg_id = kc.kernel_info()
            self._wait_reply(kc.shell_channel, msg_id, "kernel_info_reply", timeout)
            until = time.monotonic() + 0.05  # the resolution of the iopub timing
            while time.monotonic() < until:
                if kc.iopub_channel.socket.poll(20):
                    msg = kc.iopub_channel.get_msg(timeout=0)
                    if msg["parent_header"].get("msg_id") == msg_id:
                        self._drain_iopub()
                        return
        raise KernelError(f"{self.name}: nothing arrived on iopub in {timeout:.0f}s")

    def _drain_iopub(self):
        while self.kc.iopub_channel.socket.poll(50):
            self.kc.iopub_channel.get_msg(timeout=0)

    def _wait_reply(self, channel, msg_id, msg_type, timeout):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise KernelError(f"{self.name}: no {msg_type} in {timeout:.0f}s")
            if not self.km.is_alive():
                raise KernelError(f"{self.name}: the kernel died before {msg_type}")
            if channel.socket.poll(int(min(left, 0.5) * 1000)):
                msg = channel.get_msg(timeout=0)
                if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == msg_type:
                    return msg

    @property
    def pid(self):
        return self.km.provisioner.process.pid

    def execute(self, code, timeout=300.0):
        """Run one cell; return a CellRun timed from sending the request until
        both its execute_reply and its idle status have arrived."""
        kc = self.kc
        run = CellRun(seconds=0.0, wall_start=time.time())
        start = time.perf_counter()
        msg_id = run.msg_id = kc.execute(code, silent=False, store_history=True, allow_stdin=False,
                                         stop_on_error=False)
        reply = idle = busy = False
        deadline = time.monotonic() + timeout
        while not (reply and idle):
            left = deadline - time.monotonic()
            if left <= 0:
                seen = ", ".join(f"{name} {'seen' if flag else 'missing'}"
                                 for name, flag in (("busy", busy), ("execute_reply", reply), ("idle", idle)))
                raise KernelError(f"{self.name}: cell did not finish in {timeout:.0f}s ({seen}): {code[:60]!r}")
            events = dict(self._poller.poll(int(min(left, 1.0) * 1000)))
            if not events and not self.km.is_alive():
                raise KernelError(f"{self.name}: the kernel died running {code[:60]!r}")
            if kc.shell_channel.socket in events:
                msg = kc.shell_channel.get_msg(timeout=0)
                if msg["parent_header"].get("msg_id") == msg_id:
                    reply = True
                    run.status = msg["content"].get("status", "")
            if kc.iopub_channel.socket in events:
                msg = kc.iopub_channel.get_msg(timeout=0)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                t, c = msg["msg_type"], msg["content"]
                if t == "status":
                    busy = busy or c.get("execution_state") == "busy"
                    idle = c.get("execution_state") == "idle"
                elif t == "stream":
                    if c.get("name") == "stdout":
                        run.stdout += c.get("text", "")
                    else:
                        run.stderr += c.get("text", "")
                elif t in ("display_data", "update_display_data", "execute_result"):
                    run.mimes.extend(c.get("data", {}).keys())
                elif t == "error":
                    run.error = f"{c.get('ename', '')}: {c.get('evalue', '')}"
        run.seconds = time.perf_counter() - start
        return run

    def late_output(self, run, wait=1.0):
        """Look for output of run that comes after its idle status (which a
        frontend would attach to the cell late, or lose); add its MIME types
        to run and return how long after the end of run it came, or None."""
        deadline = time.monotonic() + wait
        end = time.perf_counter()
        while time.monotonic() < deadline:
            if not self.kc.iopub_channel.socket.poll(20):
                continue
            msg = self.kc.iopub_channel.get_msg(timeout=0)
            if msg["parent_header"].get("msg_id") == run.msg_id and \
                    msg["msg_type"] in ("display_data", "update_display_data", "execute_result", "stream"):
                run.mimes.extend(msg["content"].get("data", {}).keys())
                return time.perf_counter() - end
        return None

    def settle(self, quiet=0.3, max_wait=20.0):
        """Wait until the kernel is idle in the background too (no child
        processes, almost no CPU over `quiet` seconds), so that work it
        starts by itself (warming caches) does not land in a measurement.
        Return the seconds waited, or None when it never settled."""
        start = time.monotonic()
        while time.monotonic() - start < max_wait:
            before = self.cpu_seconds()[0]
            busy = bool(child_pids(self.pid))
            time.sleep(quiet)
            if not busy and not child_pids(self.pid) and self.cpu_seconds()[0] - before < 0.02:
                return time.monotonic() - start
        return None

    def rss_kb(self):
        """The kernel process's resident set size (VmRSS), in KiB."""
        return proc_status_kb(self.pid, "VmRSS")

    def cpu_seconds(self):
        """CPU seconds of the kernel process itself and of its reaped children."""
        return proc_cpu(self.pid)

    def shutdown(self, grace=1.0):
        """Ask the kernel to shut down and wait up to grace seconds for it to
        exit, then kill it. Return the seconds it took to exit by itself, or
        None when it had to be killed."""
        proc = self.km.provisioner.process if self.km.provisioner else None
        took = None
        try:
            start = time.perf_counter()
            self.kc.shutdown()
            while proc is not None and time.perf_counter() - start < grace:
                if proc.poll() is not None:
                    took = time.perf_counter() - start
                    break
                time.sleep(0.005)
        finally:
            self.kc.stop_channels()
            self.km.shutdown_kernel(now=True)
        return took


def child_pids(pid):
    """The processes pid has started that are still running."""
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return kids


def proc_status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KernelError(f"no {key} in /proc/{pid}/status")


def proc_cpu(pid):
    """(own, children) CPU seconds from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    # After the command name: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime) / tick, (cutime + cstime) / tick
