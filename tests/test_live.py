"""The live engine: %live cells share one interpreter whose state survives."""
import time

from conftest import execute, text


def live(kc, code, **kw):
    return execute(kc, "%live\n" + code, **kw)


def test_variables_persist_and_compiled_cells_still_work(kernel):
    _, kc = kernel
    reply, out = live(kc, "x := 41")
    assert reply["status"] == "ok", out
    reply, out = live(kc, "fmt.Println(x + 1)")
    assert text(out) == "42\n", out
    reply, out = execute(kc, 'fmt.Println("compiled beside live")')
    assert text(out) == "compiled beside live\n"


def test_goroutine_feeds_channel_across_cells(kernel):
    _, kc = kernel
    code = """
values := make(chan int)
stop := make(chan struct{})
go func() {
	for i := 0; ; i++ {
		select {
		case values <- i:
		case <-stop:
			return
		}
	}
}()
"""
    reply, out = live(kc, code)
    assert reply["status"] == "ok", out
    reply, out = live(kc, "fmt.Println(<-values, <-values, <-values)")
    assert text(out) == "0 1 2\n", out
    assert "still running" in text(out, "stderr") + text(out)
    reply, out = live(kc, "close(stop)\ntime.Sleep(50 * time.Millisecond)")
    assert reply["status"] == "ok"
    assert "still running" not in text(out, "stderr") + text(out)


def test_crash_restarts_worker_and_kernel_survives(kernel):
    _, kc = kernel
    live(kc, "y := 7")
    reply, out = live(kc, 'go func() { panic("boom") }()\ntime.Sleep(time.Second)')
    assert reply["status"] == "error"
    assert "variables are gone" in reply["evalue"] + "".join(reply["traceback"]) + text(out, "stderr")
    reply, out = live(kc, "fmt.Println(1 + 1)")
    assert text(out) == "2\n", out
    reply, _ = live(kc, "fmt.Println(y)")
    assert reply["status"] == "error"  # y went with the old worker


def test_interrupt_stops_a_looping_live_cell(kernel):
    km, kc = kernel
    live(kc, "n := 0")
    msg_id = kc.execute("%live\nfor {\n\tn++\n}")
    time.sleep(1)
    t = time.monotonic()
    km.interrupt_kernel()
    while True:
        r = kc.get_shell_msg(timeout=30)
        if r["parent_header"]["msg_id"] == msg_id:
            break
    assert r["content"]["status"] == "error"
    assert time.monotonic() - t < 5
    reply, out = live(kc, "fmt.Println(n > 0)")
    assert reply["status"] == "ok", reply  # sent after the failure was seen: never aborted
    assert text(out) == "true\n", out


def test_unsupported_construct_named(kernel):
    _, kc = kernel
    reply, _ = live(kc, "fmt.Println(min(3, 4))")
    assert reply["status"] == "error"
    message = reply["evalue"] + "\n".join(reply["traceback"])
    assert "built-in min" in message and "compiled" in message, message


def test_range_over_int_runs_live(kernel):
    _, kc = kernel
    reply, out = live(kc, "for i := range 3 {\n\tgo func() { fmt.Print(i) }()\n}\ntime.Sleep(50 * time.Millisecond)")
    assert reply["status"] == "ok", reply
    assert sorted(text(out)) == ["0", "1", "2"], out


def test_range_over_func_iterator_runs_live(kernel):
    _, kc = kernel
    code = """func countdown(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := n; i > 0; i-- {
			if !yield(i) {
				return
			}
		}
	}
}
for x := range countdown(5) {
	if x == 2 {
		break
	}
	fmt.Print(x, " ")
}"""
    reply, out = live(kc, code)
    assert reply["status"] == "ok", reply
    assert text(out) == "5 4 3 ", out


def test_live_reset_forgets(kernel):
    _, kc = kernel
    live(kc, "z := 3")
    reply, out = execute(kc, "%live reset")
    assert reply["status"] == "ok"
    reply, _ = live(kc, "fmt.Println(z)")
    assert reply["status"] == "error"


def test_live_completion_offers_live_variables(kernel):
    _, kc = kernel
    live(kc, "liveCounter := 0\n_ = liveCounter")
    code = "%live\nliveCo"
    kc.complete(code, len(code))
    r = kc.get_shell_msg(timeout=60)["content"]
    assert "liveCounter" in r["matches"], r


def test_range_over_iterator_from_an_earlier_cell(kernel):
    _, kc = kernel
    reply, out = live(kc, "func squares(yield func(int, int) bool) {\n\tfor i := 1; yield(i, i*i); i++ {\n\t}\n}")
    assert reply["status"] == "ok", reply
    reply, out = live(kc, "for i, sq := range squares {\n\tif i > 3 {\n\t\tbreak\n\t}\n\tfmt.Print(sq, \" \")\n}")
    assert reply["status"] == "ok", reply
    assert text(out) == "1 4 9 ", out


def test_deadlock_reported_and_next_live_cell_works(kernel):
    _, kc = kernel
    live(kc, "kept := 5")
    t = time.monotonic()
    reply, _ = live(kc, "ch := make(chan int)\nch <- 1", timeout=30)
    assert reply["status"] == "error", reply
    message = reply["evalue"] + "\n".join(reply["traceback"])
    assert "deadlock: every goroutine of this session is blocked" in message, message
    assert "the cell at line 3: blocked" in message, message  # %live is line 1
    assert time.monotonic() - t < 10
    reply, out = live(kc, "fmt.Println(kept)")
    assert reply["status"] == "ok", reply
    assert text(out) == "5\n", out


def test_blocked_cell_woken_later_is_not_a_deadlock(kernel):
    _, kc = kernel
    code = """ch := make(chan string)
go func() {
\ttime.Sleep(1500 * time.Millisecond)
\tch <- "woken"
}()
fmt.Println(<-ch)"""
    reply, out = live(kc, code)
    assert reply["status"] == "ok", reply
    assert text(out) == "woken\n", out
