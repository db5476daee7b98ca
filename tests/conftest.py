"""Shared fixtures: a running conclab kernel and helpers to talk to it."""
import os
import queue
import time

import pytest
from jupyter_client.manager import start_new_kernel

KERNEL = "conclab"

# Figures the fault, load and security tests measured, by topic; each value
# reads on its own ("50 restarts, 0 leaked processes"). They are printed as
# one line at the end.
FIGURES = {}


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.write_line("figures: " + "; ".join(FIGURES.values()))


TIMEOUT = float(os.environ.get("CONCLAB_TEST_TIMEOUT", "120"))


def start(**kw):
    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=TIMEOUT, **kw)
    return km, kc


@pytest.fixture(scope="module")
def kernel():
    """One kernel shared by the tests of a module (they must not depend on each other's state)."""
    km, kc = start()
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)


@pytest.fixture
def fresh_kernel():
    km, kc = start()
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def execute(kc, code, timeout=TIMEOUT, stdin=None, **kw):
    """Run code; return (reply content, [iopub messages of this request]).

    stdin: a function prompt -> value answering input_requests."""
    msg_id = kc.execute(code, allow_stdin=stdin is not None, **kw)
    return collect(kc, msg_id, timeout, stdin=stdin, what=repr(code))


def collect(kc, msg_id, timeout=TIMEOUT, stdin=None, until_output=None, what=None):
    """The shell reply content of execute request msg_id and its iopub messages, once the reply
    and the idle status are in. until_output: return (None, outputs) as soon as that text is
    on stdout. stdin: a function prompt -> value answering input_requests."""
    outputs = []
    deadline = time.monotonic() + timeout
    reply = None
    idle = False
    while reply is None or not idle:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no reply to {what or msg_id} in {timeout}s; outputs so far: {outputs}")
        if stdin is not None:
            try:
                req = kc.get_stdin_msg(timeout=0.01)
                if req["msg_type"] == "input_request":
                    kc.input(stdin(req["content"]["prompt"]))
            except queue.Empty:
                pass
        try:
            msg = kc.get_iopub_msg(timeout=min(left, 0.05))
            parent = msg["parent_header"]
            # jupyter_client's KernelManager and client number their messages
            # apart, so an interrupt_request can share an execute's msg_id:
            # match the type too.
            if parent.get("msg_id") == msg_id and parent.get("msg_type") == "execute_request":
                if msg["msg_type"] == "status":
                    idle = msg["content"]["execution_state"] == "idle"
                else:
                    outputs.append(msg)
                    if until_output is not None and until_output in text(outputs):
                        return None, outputs
        except queue.Empty:
            pass
        if reply is None:
            try:
                r = kc.get_shell_msg(timeout=0.01)
                if r["parent_header"].get("msg_id") == msg_id:
                    reply = r["content"]
            except queue.Empty:
                pass
    return reply, outputs


def text(outputs, name="stdout"):
    """All stream text of one stream."""
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == name)


def errors(outputs):
    return [m["content"] for m in outputs if m["msg_type"] == "error"]
