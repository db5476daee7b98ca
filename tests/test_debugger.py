"""The Jupyter debug protocol, as JupyterLab's debugger speaks it, in the manner of ipykernel's own
debugger tests: debug_request on control, debug_event on iopub, a cell stopped at a breakpoint
under Delve, its stack in the cell's file, its variables, continue, its output."""
import json
import os
import re
import signal
import time

import pytest

import procs
from conftest import collect, start

TIMEOUT = 120
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Debugger:
    """A debug client on a kernel's control channel."""

    def __init__(self, kc, km=None):
        self.kc, self.km, self.seq = kc, km, 0

    def request(self, command, arguments=None, content=None):
        self.seq += 1
        if content is None:
            content = {"seq": self.seq, "type": "request", "command": command}
            if arguments is not None:
                content["arguments"] = arguments
        msg = self.kc.session.msg("debug_request", content)
        self.kc.control_channel.send(msg)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            reply = self.kc.control_channel.get_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                assert reply["msg_type"] == "debug_reply"
                return reply["content"]
        raise TimeoutError(f"no debug_reply to {command}")

    def event(self, name, timeout=TIMEOUT):
        """The next debug_event named name on iopub (other messages are dropped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = self.kc.iopub_channel.get_msg(timeout=timeout)
            if m["msg_type"] == "debug_event" and m["content"].get("event") == name:
                return m
        raise TimeoutError(f"no {name} event")

    def start(self):
        assert self.request("debugInfo")["success"]
        assert self.request("initialize", {"clientID": "test", "adapterID": "go", "pathFormat": "path",
                                           "linesStartAt1": True, "columnsStartAt1": True})["success"]
        assert self.request("attach", {})["success"]

    def breakpoint(self, code, *lines):
        path = self.request("dumpCell", {"code": code})["body"]["sourcePath"]
        reply = self.request("setBreakpoints", {"source": {"path": path},
                                                "breakpoints": [{"line": n} for n in lines]})
        assert reply["success"] and [b["line"] for b in reply["body"]["breakpoints"]] == list(lines), reply
        return path


@pytest.fixture
def debug():
    km, kc = start()
    d = Debugger(kc, km)
    d.start()
    yield d
    d.request("disconnect", {"restart": False, "terminateDebuggee": True})
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def test_kernel_announces_its_debugger():
    km, kc = start()
    try:
        info = kc.kernel_info(reply=True)["content"]
        assert info["debugger"] is True and info["supported_features"] == ["debugger"]
        d = Debugger(kc)
        body = d.request("debugInfo")["body"]  # answered before initialize: JupyterLab waits for it
        assert body["hashMethod"] == "Murmur2" and body["hashSeed"] == 3339675911
        assert "ipykernel_" in body["tmpFilePrefix"] and body["tmpFileSuffix"] == ".go"
        assert body["isStarted"] is False
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@pytest.mark.parametrize("content, says", [
    ({"seq": 1, "type": "event", "event": "stopped"}, "type"),
    ({"seq": 2, "type": "request"}, "no command"),
    ({"seq": 3, "type": "request", "command": "next", "arguments": [1]}, "not an object"),
    ({"seq": 4, "type": "request", "command": "stackTrace", "arguments": {"threadId": 1}}, "no cell is running"),
])
def test_bad_debug_requests_get_an_error_reply(debug, content, says):
    reply = debug.request(None, content=content)
    assert reply["success"] is False and says in reply["message"], reply
    assert debug.request("debugInfo")["success"]  # and the kernel goes on


def test_a_cell_stops_at_a_breakpoint(debug):
    code = 'total := 0\nfor i := range 5 {\n\ttotal += i\n}\nfmt.Println("total", total)'
    path = debug.breakpoint(code, 5)
    info = debug.request("debugInfo")["body"]
    assert info["isStarted"] and info["breakpoints"] == [{"source": path, "breakpoints": [{"line": 5}]}]
    msg_id = debug.kc.execute(code)
    stopped = debug.event("stopped")
    assert stopped["parent_header"]["msg_id"] == msg_id
    body = stopped["content"]["body"]
    assert body["reason"] == "breakpoint"
    frames = debug.request("stackTrace", {"threadId": body["threadId"]})["body"]["stackFrames"]
    assert frames[0]["source"]["path"] == path and frames[0]["line"] == 5, frames
    scopes = debug.request("scopes", {"frameId": frames[0]["id"]})["body"]["scopes"]
    assert scopes[0]["name"] == "Locals", scopes
    variables = debug.request("variables", {"variablesReference": scopes[0]["variablesReference"]})["body"]["variables"]
    assert {"total": "10"}.items() <= {v["name"]: v["value"] for v in variables}.items(), variables
    # Control answers while the cell waits: twice in a row, in order.
    for _ in range(2):
        assert debug.request("variables", {"variablesReference": scopes[0]["variablesReference"]})["success"]
    assert debug.request("continue", {"threadId": body["threadId"]})["success"]
    reply, outputs = collect(debug.kc, msg_id, TIMEOUT)
    assert reply["status"] == "ok"
    assert "total 10\n" in "".join(o["content"].get("text", "") for o in outputs if o["msg_type"] == "stream")


def test_a_breakpoint_in_a_function_of_an_earlier_cell(debug):
    decl = "func double(n int) int {\n\tr := n * 2\n\treturn r\n}"
    path = debug.breakpoint(decl, 3)
    reply, _ = collect(debug.kc, debug.kc.execute(decl), TIMEOUT)  # declares only: nothing runs
    assert reply["status"] == "ok"
    msg_id = debug.kc.execute('fmt.Println(double(21))')
    body = debug.event("stopped")["content"]["body"]
    frames = debug.request("stackTrace", {"threadId": body["threadId"]})["body"]["stackFrames"]
    assert (frames[0]["source"]["path"], frames[0]["line"]) == (path, 3), frames
    assert debug.request("continue", {"threadId": body["threadId"]})["success"]
    reply, outputs = collect(debug.kc, msg_id, TIMEOUT)
    assert reply["status"] == "ok" and "42\n" in "".join(o["content"].get("text", "") for o in outputs)


def test_goroutines_are_threads(debug):
    code = ("var wg sync.WaitGroup\nrelease := make(chan struct{})\nfor i := range 4 {\n\twg.Add(1)\n"
            "\tgo func() {\n\t\tdefer wg.Done()\n\t\t<-release\n\t\t_ = i\n\t}()\n}\n"
            "time.Sleep(100 * time.Millisecond)\nclose(release)\nwg.Wait()\nfmt.Println(\"done\")")
    debug.breakpoint(code, 12)  # close(release): all four wait on the channel
    msg_id = debug.kc.execute(code)
    body = debug.event("stopped")["content"]["body"]
    names = [t["name"] for t in debug.request("threads")["body"]["threads"]]
    # Named as a student reads them: where in the cell, waiting for what.
    assert f"g{body['threadId']} (cell [1] line 12): stopped here" in names, names
    assert len([n for n in names if n.endswith("(cell [1] line 7): chan receive")]) == 4, names
    assert debug.request("continue", {"threadId": body["threadId"]})["success"]
    reply, _ = collect(debug.kc, msg_id, TIMEOUT)
    assert reply["status"] == "ok"


def test_turning_the_debugger_off_returns_to_plain_builds(debug):
    code = 'fmt.Println("plain")'
    debug.breakpoint(code, 1)
    assert debug.request("disconnect", {"restart": False, "terminateDebuggee": True})["success"]
    assert debug.request("debugInfo")["body"]["isStarted"] is False
    reply, outputs = collect(debug.kc, debug.kc.execute(code), TIMEOUT)
    assert reply["status"] == "ok" and not [o for o in outputs if o["msg_type"] == "debug_event"]


def test_a_deadlock_stops_in_the_debugger_with_each_goroutine_shown(debug):
    code = ("ch := make(chan int)\nvar wg sync.WaitGroup\nwg.Add(1)\ngo func() {\n\tdefer wg.Done()\n"
            "\tch <- 1\n\tch <- 2\n}()\n<-ch\nwg.Wait()")
    path = debug.request("dumpCell", {"code": code})["body"]["sourcePath"]
    msg_id = debug.kc.execute(code)
    stopped = debug.event("stopped")["content"]["body"]
    assert (stopped["reason"], stopped["description"]) == ("exception", "fatal error"), stopped
    assert "deadlock" in stopped["text"]
    # The stop names the main goroutine, whose stack is in the cell.
    frames = debug.request("stackTrace", {"threadId": stopped["threadId"]})["body"]["stackFrames"]
    assert (frames[-1]["source"]["path"], frames[-1]["line"]) == (path, 10), frames
    assert not [f for f in frames if f["name"].startswith("runtime.")], frames
    names = sorted(t["name"] for t in debug.request("threads")["body"]["threads"])
    assert names == sorted([f"g1 (cell [1] line 10): sync.WaitGroup.Wait",
                            next(n for n in names if n.endswith("(cell [1] line 7): chan send"))]), names
    assert debug.request("continue", {"threadId": stopped["threadId"]})["success"]
    reply, _ = collect(debug.kc, msg_id, TIMEOUT)
    assert (reply["status"], reply["ename"]) == ("error", "deadlock"), reply


def test_interrupting_a_stopped_cell_ends_it_and_its_processes(debug):
    code = 'n := 1\nfmt.Println("before", n)\nfmt.Println("after")'
    debug.breakpoint(code, 3)
    msg_id = debug.kc.execute(code)
    debug.event("stopped")
    debug.kc.session.send(debug.kc.control_channel.socket, debug.kc.session.msg("interrupt_request", {}))
    reply, _ = collect(debug.kc, msg_id, TIMEOUT)
    assert (reply["status"], reply["ename"]) == ("error", "Interrupted"), reply
    assert debug.request("debugInfo")["body"]["stoppedThreads"] == []
    left = [procs.command_line(p) for p, _ in procs.descendants(debug.km.provisioner.pid)]
    # No dlv and no program: what may run is the kernel's own go command (warming its indexes).
    assert not [c for c in left if not c.split()[0].endswith("/go")], left
    # The next cell runs, under the debugger again.
    reply, outputs = collect(debug.kc, debug.kc.execute('fmt.Println("next")'), TIMEOUT)
    assert reply["status"] == "ok" and "next\n" in "".join(o["content"].get("text", "") for o in outputs)


def test_live_cells_say_the_debugger_is_for_compiled_cells(debug):
    reply, outputs = collect(debug.kc, debug.kc.execute('%live\nfmt.Println("live")'), TIMEOUT)
    text = "".join(o["content"].get("text", "") for o in outputs if o["msg_type"] == "stream")
    assert reply["status"] == "ok" and "live\n" in text and "the debugger works on compiled cells" in text, text


def test_displays_stdin_timeout_and_values_work_under_the_debugger(debug):
    reply, outputs = collect(debug.kc, debug.kc.execute(
        'import "github.com/janpfeifer/gonb/gonbui"\n%%\ngonbui.DisplayHTML("<b>shown</b>")'), TIMEOUT)
    assert reply["status"] == "ok" and [o for o in outputs if o["msg_type"] == "display_data"], outputs
    msg_id = debug.kc.execute('var s string\nfmt.Print("name? ")\nfmt.Scanln(&s)\nfmt.Println("hello", s)',
                              allow_stdin=True)
    reply, outputs = collect(debug.kc, msg_id, TIMEOUT, stdin=lambda prompt: "gopher")
    assert reply["status"] == "ok" and "hello gopher\n" in "".join(o["content"].get("text", "") for o in outputs)
    reply, _ = collect(debug.kc, debug.kc.execute("%timeout 2s\ntime.Sleep(time.Minute)"), TIMEOUT)
    assert (reply["status"], reply["ename"]) == ("error", "Timeout"), reply
    reply, outputs = collect(debug.kc, debug.kc.execute("40 + 2"), TIMEOUT)
    assert [o["content"]["data"]["text/plain"] for o in outputs if o["msg_type"] == "execute_result"] == ["42"]


def test_a_dlv_that_dies_ends_the_cell_and_the_kernel_goes_on(debug):
    code = 'fmt.Println("one")\nfmt.Println("two")'
    debug.breakpoint(code, 2)
    msg_id = debug.kc.execute(code)
    debug.event("stopped")
    kernel = debug.km.provisioner.pid
    dlv = [p for p, cmd in procs.children(kernel).items() if "dlv" in cmd]
    assert len(dlv) == 1, procs.children(kernel)
    os.kill(dlv[0], signal.SIGKILL)
    reply, _ = collect(debug.kc, msg_id, TIMEOUT)
    assert reply["status"] == "error", reply
    time.sleep(0.5)
    assert not procs.descendants(kernel), procs.children(kernel)  # the stopped program went too
    reply, outputs = collect(debug.kc, debug.kc.execute('fmt.Println("alive")'), TIMEOUT)
    assert reply["status"] == "ok" and "alive\n" in "".join(o["content"].get("text", "") for o in outputs)


def test_step_and_evaluate(debug):
    code = 'a := 20\nb := a + 1\nc := a + b\nfmt.Println(c)'
    path = debug.breakpoint(code, 2)
    msg_id = debug.kc.execute(code)
    tid = debug.event("stopped")["content"]["body"]["threadId"]
    assert debug.request("next", {"threadId": tid})["success"]
    tid = debug.event("stopped")["content"]["body"]["threadId"]
    frames = debug.request("stackTrace", {"threadId": tid})["body"]["stackFrames"]
    assert (frames[0]["source"]["path"], frames[0]["line"]) == (path, 3), frames
    result = debug.request("evaluate", {"expression": "a * b", "context": "repl", "frameId": frames[0]["id"]})
    assert result["success"] and result["body"]["result"] == "420", result
    assert debug.request("continue", {"threadId": tid})["success"]
    reply, outputs = collect(debug.kc, msg_id, TIMEOUT)
    assert reply["status"] == "ok" and "41\n" in "".join(o["content"].get("text", "") for o in outputs)


def test_an_unrecovered_panic_stops_in_the_debugger(debug):
    code = 'var m map[string]int\nfunc() {\n\tm["boom"] = 1\n}()'
    path = debug.request("dumpCell", {"code": code})["body"]["sourcePath"]
    msg_id = debug.kc.execute(code)
    stopped = debug.event("stopped")["content"]["body"]
    assert (stopped["reason"], stopped["description"]) == ("exception", "panic"), stopped
    frames = debug.request("stackTrace", {"threadId": stopped["threadId"]})["body"]["stackFrames"]
    assert any(f["source"]["path"] == path and f["line"] == 3 for f in frames), frames
    assert debug.request("continue", {"threadId": stopped["threadId"]})["success"]
    reply, _ = collect(debug.kc, msg_id, TIMEOUT)
    assert (reply["status"], reply["ename"]) == ("error", "panic"), reply


def test_notebook_09s_deadlock_reads_as_its_text_says(debug):
    """The claims of notebook 09's section on reading a deadlock in the debugger."""
    nb = json.load(open(os.path.join(ROOT, "notebooks", "09-testing-concurrent-code.ipynb")))
    code = "".join(next(c for c in nb["cells"] if c.get("id") == "debugger-deadlock")["source"])
    msg_id = debug.kc.execute(code)
    stopped = debug.event("stopped")["content"]["body"]
    assert stopped["description"] == "fatal error" and "deadlock" in stopped["text"], stopped
    frames = debug.request("stackTrace", {"threadId": stopped["threadId"]})["body"]["stackFrames"]
    cell_frames = [f for f in frames if f["source"]["path"].endswith(".go") and "ipykernel_" in f["source"]["path"]]
    assert cell_frames[0]["line"] == 15, frames
    scopes = debug.request("scopes", {"frameId": cell_frames[0]["id"]})["body"]["scopes"]
    names = {v["name"] for v in debug.request("variables", {"variablesReference": scopes[0]["variablesReference"]})["body"]["variables"]}
    assert {"ping", "pong"} <= names, names
    threads = sorted(re.sub(r"^g\d+ ", "g ", t["name"]) for t in debug.request("threads")["body"]["threads"])
    assert [re.sub(r"cell \[\d+\]", "cell [n]", t) for t in threads] == [
        "g (cell [n] line 12): chan receive", "g (cell [n] line 15): sync.WaitGroup.Wait",
        "g (cell [n] line 7): chan receive"], threads
    assert debug.request("continue", {"threadId": stopped["threadId"]})["success"]
    reply, outputs = collect(debug.kc, msg_id, TIMEOUT)
    assert (reply["status"], reply["ename"]) == ("error", "deadlock"), reply


def test_requests_about_variables_between_cells(debug):
    reply = debug.request("inspectVariables", {})
    assert reply["success"] and reply["body"] == {"variables": []}, reply
    rich = debug.request("richInspectVariables", {"variableName": "x"})
    assert rich["success"] is False and "not offered" in rich["message"], rich


def test_a_breakpoint_inside_a_goroutine_shows_that_goroutine(debug):
    code = ("var started, wg sync.WaitGroup\ngo_ := make(chan struct{})\nfor i := range 4 {\n"
            "\tstarted.Add(1)\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\tstarted.Done()\n"
            "\t\t<-go_\n\t\tfmt.Println(\"worker\", i)\n\t}()\n}\nstarted.Wait()\nclose(go_)\nwg.Wait()")
    path = debug.breakpoint(code, 10)  # fmt.Println("worker", i): inside the goroutines
    msg_id = debug.kc.execute(code)
    body = debug.event("stopped")["content"]["body"]
    assert body["threadId"] != 1, body  # a worker, not main
    frames = debug.request("stackTrace", {"threadId": body["threadId"]})["body"]["stackFrames"]
    assert (frames[0]["source"]["path"], frames[0]["line"], frames[0]["name"]) == (path, 10, "main.main.func1"), frames
    names = [t["name"] for t in debug.request("threads")["body"]["threads"]]
    assert f"g{body['threadId']} (cell [1] line 10): stopped here" in names, names
    assert len([n for n in names if "(cell [1] line" in n]) == 5, names  # main and the four workers
    # Another goroutine's stack can be read too: main's, waiting for the workers.
    main = debug.request("stackTrace", {"threadId": 1})["body"]["stackFrames"]
    assert main[-1]["source"]["path"] == path and main[-1]["line"] == 15, main
    debug.request("setBreakpoints", {"source": {"path": path}, "breakpoints": []})
    assert debug.request("continue", {"threadId": body["threadId"]})["success"]
    reply, outputs = collect(debug.kc, msg_id, TIMEOUT)
    text = "".join(o["content"].get("text", "") for o in outputs)
    assert reply["status"] == "ok" and text.count("worker") == 4, text


def test_no_dlv_outlives_a_kernel_shut_down_while_a_cell_is_stopped():
    km, kc = start()
    d = Debugger(kc, km)
    d.start()
    code = 'fmt.Println("one")\nfmt.Println("two")'
    d.breakpoint(code, 2)
    kc.execute(code)
    d.event("stopped")
    kernel = km.provisioner.pid
    below = procs.descendants(kernel)
    assert below, "no dlv or program under the kernel while a cell is stopped"
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(procs.alive(p) for p, _ in below):
        time.sleep(0.1)
    assert not [p for p, _ in below if procs.alive(p)], [procs.command_line(p) for p, _ in below]
