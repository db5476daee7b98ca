"""%trace: the scheduler's view of a compiled cell, end to end through jupyter_client."""
import base64
import re

from conftest import execute, text

# Four goroutines take turns on a lock, one waits on a channel: five created.
CONTENTION = """%trace
var mu sync.Mutex
var wg sync.WaitGroup
n := 0
for range 4 {
	wg.Go(func() {
		for range 200 {
			mu.Lock()
			n++
			mu.Unlock()
		}
	})
}
ch := make(chan int)
wg.Go(func() { <-ch })
time.Sleep(5 * time.Millisecond)
close(ch)
wg.Wait()
fmt.Println("n =", n)
"""


def displays(outputs):
    return [m["content"] for m in outputs if m["msg_type"] == "display_data"]


def trace_displays(outputs):
    """The picture and the summary %trace shows, checked for their form."""
    ds = displays(outputs)
    pictures = [d for d in ds if "image/png" in d["data"]]
    summaries = [d for d in ds if "text/html" in d["data"]]
    assert len(pictures) == 1 and len(summaries) == 1, ds
    png = base64.b64decode(pictures[0]["data"]["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    size = pictures[0]["metadata"]["image/png"]
    assert size["width"] >= 500 and size["height"] >= 150, size
    assert "%trace:" in pictures[0]["data"]["text/plain"]
    assert "<table>" in summaries[0]["data"]["text/html"]
    return summaries[0]["data"]["text/plain"]


def test_trace_shows_picture_and_summary(kernel):
    _, kc = kernel
    reply, out = execute(kc, CONTENTION)
    assert reply["status"] == "ok", out
    assert text(out) == "n = 800\n"
    summary = trace_displays(out)
    assert "goroutines: 5 created while tracing, 6 in all (main included)" in summary, summary
    assert "most runnable at once: " in summary
    assert "blocked by reason: " in summary and "channel" in summary
    assert "Ps: P0" in summary and "goroutines: g1 main" in summary
    # The same cell without %trace is another program: no picture.
    reply, out = execute(kc, CONTENTION.replace("%trace\n", ""))
    assert reply["status"] == "ok" and text(out) == "n = 800\n"
    assert displays(out) == []


def test_trace_with_time_gomaxprocs_and_race(kernel):
    _, kc = kernel
    code = CONTENTION.replace("%trace\n", "%trace\n%time\n%gomaxprocs 1\n%race\n")
    reply, out = execute(kc, code)
    assert reply["status"] == "ok", out
    assert "n = 800" in text(out) and "%time: wall " in text(out)
    summary = trace_displays(out)
    assert "GOMAXPROCS=1" in summary and "Ps: P0" in summary and "P1" not in summary, summary


def test_trace_timeout_shows_where_it_hung(kernel):
    _, kc = kernel
    reply, out = execute(kc, "%trace\n%timeout 500ms\nch := make(chan int)\ngo func() { ch <- 1 }()\ntime.Sleep(time.Hour)")
    assert reply["status"] == "error" and reply["ename"] == "Timeout", reply
    summary = trace_displays(out)
    assert "the cell was stopped" in summary and "channel" in summary and "sleep" in summary, summary


def test_trace_deadlock_still_reported(kernel):
    _, kc = kernel
    reply, out = execute(kc, "%trace\nvar mu sync.Mutex\nmu.Lock()\nmu.Lock()")
    assert reply["status"] == "error" and reply["ename"] == "deadlock", reply
    assert "all goroutines are asleep" in text(out, "stderr")
    summary = trace_displays(out)
    assert "Go cannot detect a deadlock while a trace runs" in summary, summary


def test_trace_compile_error_is_a_compile_error(kernel):
    _, kc = kernel
    reply, out = execute(kc, "%trace\nfmt.Println(undefinedName)")
    assert reply["status"] == "error" and reply["ename"] == "CompileError", reply
    assert "line 2" in reply["evalue"] and "undefined: undefinedName" in reply["evalue"]
    assert displays(out) == []


def test_trace_panic_shows_panic_and_trace(kernel):
    _, kc = kernel
    reply, out = execute(kc, "%trace\nvar s []int\n_ = s[3]")
    assert reply["status"] == "error" and reply["ename"] == "panic", reply
    assert "index out of range" in reply["evalue"]
    trace_displays(out)


def test_trace_and_time_in_live_cells(kernel):
    """A live cell traces the window of its run, with the goroutines an earlier
    cell left running, named by their cell lines; %time measures it."""
    _, kc = kernel
    reply, out = execute(kc, "%live\nwork := make(chan int)\ngo func() {\n\tfor n := range work {\n\t\tfmt.Println(\"done\", n)\n\t}\n}()")
    assert reply["status"] == "ok", reply
    first = reply["execution_count"]
    reply, out = execute(kc, "%live\n%time\n%trace a worker from an earlier cell\nwork <- 1\nwork <- 2\nfmt.Println(\"sent\")")
    assert reply["status"] == "ok", reply
    assert "done 1" in text(out) and re.search(r"^%time: wall .*cores busy on average", text(out), re.M), text(out)
    summary = trace_displays(out)
    assert "a worker from an earlier cell" in summary and "the cell" in summary, summary
    assert "cell [%d] line 4" % first in summary, summary
    reply, out = execute(kc, "%live\nfmt.Println(2)")
    assert reply["status"] == "ok" and "2\n" in text(out) and displays(out) == [], out


def test_help_lists_trace(kernel):
    _, kc = kernel
    reply, out = execute(kc, "%help")
    assert reply["status"] == "ok"
    help_text = displays(out)[0]["data"]["text/plain"]
    assert "%trace" in help_text and "what each P ran" in help_text
