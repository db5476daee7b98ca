"""What a reader does in a notebook, end to end through jupyter_client."""
import os
import time

from conftest import errors, execute, text


def test_bare_statements(kernel):
    _, kc = kernel
    reply, out = execute(kc, 'x := 20\nfmt.Println("x+1 =", x+1)')
    assert reply["status"] == "ok", out
    assert text(out) == "x+1 = 21\n"


def test_declaration_remembered_across_cells(kernel):
    _, kc = kernel
    reply, out = execute(kc, "type point struct{ X, Y int }\n\nfunc (p point) sum() int { return p.X + p.Y }")
    assert reply["status"] == "ok", out
    reply, out = execute(kc, "fmt.Println(point{3, 4}.sum())")
    assert reply["status"] == "ok", out
    assert text(out) == "7\n"
    # Redefining replaces.
    execute(kc, "func (p point) sum() int { return p.X * p.Y }")
    _, out = execute(kc, "fmt.Println(point{3, 4}.sum())")
    assert text(out) == "12\n"


def test_goroutines_with_mutex_range_over_int_generics(kernel):
    _, kc = kernel
    code = """
func sum[T int | float64](xs ...T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

var mu sync.Mutex
n := 0
var wg sync.WaitGroup
for range 8 {
	wg.Go(func() {
		for range 1000 {
			mu.Lock()
			n++
			mu.Unlock()
		}
	})
}
wg.Wait()
fmt.Println(n, sum(1.5, 2.5))
"""
    reply, out = execute(kc, code)
    assert reply["status"] == "ok", out
    assert text(out) == "8000 4\n"


def test_compile_error_names_cell_line(kernel):
    _, kc = kernel
    reply, out = execute(kc, "a := 1\nfmt.Println(a, y)")
    assert reply["status"] == "error"
    assert reply["ename"] == "CompileError"
    assert "line 2" in reply["evalue"] and "undefined: y" in reply["evalue"], reply
    # A failed cell changes nothing: the kernel still works.
    reply, out = execute(kc, 'fmt.Println("still here")')
    assert text(out) == "still here\n"


def test_deadlock_reported_and_kernel_survives(kernel):
    _, kc = kernel
    reply, out = execute(kc, "ch := make(chan int)\nch <- 1")
    assert reply["status"] == "error"
    assert reply["ename"] == "deadlock", reply
    assert "all goroutines are asleep" in text(out, "stderr")
    reply, out = execute(kc, "fmt.Println(1 + 1)")
    assert text(out) == "2\n"


def test_goroutine_panic_reported_with_cell_line(kernel):
    _, kc = kernel
    code = "done := make(chan bool)\ngo func() {\n\tvar m map[string]int\n\tm[\"a\"] = 1\n\tdone <- true\n}()\n<-done"
    reply, out = execute(kc, code)
    assert reply["status"] == "error"
    assert reply["ename"] == "panic"
    assert "assignment to entry in nil map" in reply["evalue"]
    assert any("line 4" in l for l in reply["traceback"]), reply["traceback"]


def test_os_exit_reported(kernel):
    _, kc = kernel
    reply, _ = execute(kc, "os.Exit(3)")
    assert reply["status"] == "error"
    assert "status 3" in reply["evalue"]


def test_interrupt_infinite_loop(kernel):
    km, kc = kernel
    msg_id = kc.execute("for {\n}")
    time.sleep(3)  # let it build and start
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=30)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "Interrupted"
    _, out = execute(kc, 'fmt.Println("after")')
    assert text(out) == "after\n"


def test_race_detector_via_goflags(kernel):
    _, kc = kernel
    execute(kc, '%goflags -race')
    code = "n := 0\nvar wg sync.WaitGroup\nfor range 2 {\n\twg.Go(func() { n++ })\n}\nwg.Wait()\nfmt.Println(n)"
    reply, out = execute(kc, code)
    execute(kc, '%goflags ""')
    assert "WARNING: DATA RACE" in text(out, "stderr"), out
    assert "line 4" in text(out, "stderr")


def test_scanln_answered_by_input_box(kernel):
    _, kc = kernel
    prompts = []

    def answer(prompt):
        prompts.append(prompt)
        return "Gopher"

    code = 'var name string\nfmt.Print("name? ")\nfmt.Scanln(&name)\nfmt.Println("hello,", name)'
    reply, out = execute(kc, code, stdin=answer)
    assert reply["status"] == "ok", out
    assert "hello, Gopher" in text(out)
    assert len(prompts) == 1


def test_stdin_not_allowed_reads_eof(kernel):
    _, kc = kernel
    code = 'var s string\n_, err := fmt.Scanln(&s)\nfmt.Println("err:", err)'
    reply, out = execute(kc, code)  # allow_stdin False
    assert reply["status"] == "ok", out
    assert "err: EOF" in text(out) or "err: unexpected newline" in text(out)
    assert "does not allow input" in text(out, "stderr")


def test_gonbui_display_html_and_update(kernel):
    _, kc = kernel
    code = 'gonbui.DisplayHTML("<i>hi</i>")\ngonbui.UpdateHTML("bar", "1%")\ngonbui.UpdateHTML("bar", "100%")'
    reply, out = execute(kc, code)
    assert reply["status"] == "ok", out
    kinds = [(m["msg_type"], m["content"].get("transient", {}).get("display_id")) for m in out]
    assert ("display_data", None) in kinds or ("display_data", "") in kinds or any(
        m["msg_type"] == "display_data" and m["content"]["data"].get("text/html") == "<i>hi</i>" for m in out
    )
    assert ("display_data", "bar") in kinds
    assert ("update_display_data", "bar") in kinds


def test_shell_line_and_unknown_magic(kernel):
    _, kc = kernel
    reply, out = execute(kc, "!echo from-shell")
    assert reply["status"] == "ok"
    assert text(out) == "from-shell\n"
    reply, _ = execute(kc, "%nosuchmagic")
    assert reply["status"] == "error"
    assert "unknown magic" in reply["evalue"]


def test_killed_by_signal_is_named(kernel):
    """Every runner says which signal killed what it ran, in the same words."""
    _, kc = kernel
    for code, want in [
        ("!kill -9 $$", "!kill -9 $$ was killed by signal 9 (SIGKILL)"),
        ("%%bash\nkill -9 $$", "bash was killed by signal 9 (SIGKILL)"),
        ("syscall.Kill(os.Getpid(), syscall.SIGKILL)", "the program was killed by signal 9 (SIGKILL)"),
    ]:
        reply, _ = execute(kc, code)
        assert reply["status"] == "error", code
        assert want in reply["evalue"], (code, reply["evalue"])


def test_remembered_init_panic_is_named_and_removed_by_rm_init(kernel):
    _, kc = kernel
    reply, _ = execute(kc, 'func init() { panic("x") }')
    assert reply["status"] == "error"
    defined = reply["execution_count"]
    reply, _ = execute(kc, "fmt.Println(1)")
    assert reply["status"] == "error"
    note = f"remembered func init from cell [{defined}] panics; %rm init removes it"
    assert any(note in line for line in reply["traceback"]), reply["traceback"]
    reply, out = execute(kc, "%rm init")
    assert reply["status"] == "ok", out
    reply, out = execute(kc, "fmt.Println(1)")
    assert reply["status"] == "ok", out
    assert text(out) == "1\n"


def test_cgo_preamble_remembered_and_c_errors_at_cell_lines(kernel):
    _, kc = kernel
    reply, out = execute(kc, '/* int twice(int x) { return 2*x; } */\nimport "C"\nfmt.Println(C.twice(21))')
    assert reply["status"] == "ok", out
    assert text(out) == "42\n"
    reply, out = execute(kc, "fmt.Println(C.twice(2))")
    assert reply["status"] == "ok", out
    assert text(out) == "4\n"
    reply, _ = execute(kc, 'x := 1\n// int bad(void) { return nope; }\nimport "C"\n_ = x')
    assert reply["status"] == "error"
    assert reply["evalue"].startswith("line 2:27: error: ") and "nope" in reply["evalue"], reply
    assert not any("main.go" in line for line in reply["traceback"]), reply["traceback"]


def test_stop_on_error_aborts_queue(kernel):
    _, kc = kernel
    # The failing cell runs a while, so that the queued request is surely sent before it fails.
    bad = kc.execute('time.Sleep(300 * time.Millisecond)\npanic("stop here")')
    queued = kc.execute('fmt.Println("should not run")')
    replies = {}
    while len(replies) < 2:
        r = kc.get_shell_msg(timeout=60)
        replies[r["parent_header"]["msg_id"]] = r["content"]["status"]
    assert replies[bad] == "error"
    assert replies[queued] == "aborted"


def test_sigint_interrupts_cell_not_kernel(kernel):
    km, kc = kernel
    import os
    import signal

    msg_id = kc.execute('fmt.Println("looping")\nfor {\n}')
    deadline = time.monotonic() + 60
    seen = False
    while not seen and time.monotonic() < deadline:
        m = kc.get_iopub_msg(timeout=60)
        seen = m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream"
    os.kill(km.provisioner.pid, signal.SIGINT)
    reply = kc.get_shell_msg(timeout=30)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "Interrupted"
    assert km.is_alive()
    rep, out = execute(kc, 'fmt.Println("alive")')
    assert text(out) == "alive\n", (rep, out)


def complete(kc, code, cursor=None):
    kc.complete(code, len(code) if cursor is None else cursor)
    return kc.get_shell_msg(timeout=60)["content"]


def test_completion_members_methods_and_remembered_names(kernel):
    _, kc = kernel
    c = complete(kc, "fmt.Pr")
    assert {"Print", "Printf", "Println"} <= set(c["matches"])
    assert c["cursor_start"] == 4 and c["cursor_end"] == 6
    c = complete(kc, "var mu sync.Mutex\nmu.L")
    assert "Lock" in c["matches"]
    execute(kc, "func workerPool(n int) int { return n }")
    c = complete(kc, "workerP")
    assert "workerPool" in c["matches"]


def test_completion_of_magic_names(kernel):
    """A magic's name completes from the kernel's registry of magics; first-line and cell magics
    only on the cell's first line."""
    _, kc = kernel
    for code, want, start in [
        ("%ti", ["%time", "%timeout"], 0),
        ("%%sc", ["%%script"], 0),
        ("x := 1\n%li", ["%list"], 7),
    ]:
        c = complete(kc, code)
        assert c["matches"] == want, (code, c)
        assert (c["cursor_start"], c["cursor_end"]) == (start, len(code)), (code, c)


def test_help_lists_live_and_cell_magics(kernel):
    _, kc = kernel
    reply, out = execute(kc, "%help")
    assert reply["status"] == "ok", reply
    help_text = "".join(m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "display_data")
    for want in ["%live [reset]", "%%script COMMAND", "%%bash", "%time"]:
        assert want in help_text, (want, help_text)


def test_completion_cursor_out_of_range_is_clamped(kernel):
    """cursor_pos counts unicode code points; one outside the code is clamped, not echoed."""
    _, kc = kernel
    code = "é := 1\nzzzq"  # 11 code points, 12 bytes
    for cursor, end in [(-5, None), (1000, 11), (len(code), 11)]:
        c = complete(kc, code, cursor)
        assert c["status"] == "ok", c
        assert 0 <= c["cursor_start"] <= c["cursor_end"] <= len(code), (cursor, c)
        assert end is None or c["cursor_end"] == end, (cursor, c)


def test_inspect_shows_signature_and_doc(kernel):
    _, kc = kernel
    code = "fmt.Println("
    kc.inspect(code, len(code) - 1)
    r = kc.get_shell_msg(timeout=60)["content"]
    assert r["found"]
    assert "func Println(a ...any) (n int, err error)" in r["data"]["text/plain"]


def test_is_complete(kernel):
    _, kc = kernel
    for code, want in [("x := 1", "complete"), ("func f() {", "incomplete"), ("x := )", "invalid")]:
        kc.is_complete(code)
        r = kc.get_shell_msg(timeout=30)["content"]
        assert r["status"] == want, (code, r)


def test_last_expression_is_the_result(kernel):
    _, kc = kernel
    reply, out = execute(kc, "xs := []int{3, 1, 2}\nslices.Sort(xs)\nxs")
    assert reply["status"] == "ok", out
    results = [m for m in out if m["msg_type"] == "execute_result"]
    assert len(results) == 1
    assert results[0]["content"]["data"]["text/plain"] == "[1 2 3]"
    assert results[0]["content"]["execution_count"] == reply["execution_count"]


def test_iopub_welcome_greets_each_subscriber():
    """JEP 65: a new iopub subscriber gets iopub_welcome without asking, so it
    knows its subscription is in effect (no kernel_info probing needed)."""
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name="conclab")
    km.start_kernel()
    try:
        for _ in range(2):  # the second client is greeted too
            kc = km.client()
            kc.start_channels()
            try:
                msg = kc.iopub_channel.get_msg(timeout=30)
                while msg["msg_type"] == "status":  # "starting", when the first client is quick
                    msg = kc.iopub_channel.get_msg(timeout=30)
                assert msg["msg_type"] == "iopub_welcome"
                assert msg["content"] == {"subscription": ""}
            finally:
                kc.stop_channels()
    finally:
        km.shutdown_kernel(now=False)


def test_cell_module_of_killed_kernel_is_swept():
    """A kernel killed with SIGKILL cannot remove its cell module, nor its live worker's directory;
    the next kernel does."""
    import glob
    import signal
    import tempfile

    from conftest import start

    def modules_of(pid):
        found = []
        for d in glob.glob(os.path.join(tempfile.gettempdir(), "conclab-*")):
            try:
                owner = open(os.path.join(d, ".owner")).read().split()
            except OSError:
                continue
            if owner and owner[0] == str(pid):
                found.append(d)
        return found

    km, kc = start()
    pid = km.provisioner.pid
    reply, out = execute(kc, "%live\nx := 1\n_ = x")
    assert reply["status"] == "ok", out
    left = modules_of(pid)
    assert sorted(os.path.basename(d).startswith("conclab-live-") for d in left) == [False, True], left
    kc.stop_channels()
    os.kill(pid, signal.SIGKILL)
    km.shutdown_kernel(now=True)
    # (Any kernel that starts from now on may sweep it, including other users' of this machine.)
    km2, kc2 = start()
    try:
        deadline = time.monotonic() + 30
        while any(os.path.isdir(d) for d in left) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(os.path.isdir(d) for d in left), f"the killed kernel's directories are still there: {left}"
        assert len(modules_of(km2.provisioner.pid)) == 1
    finally:
        kc2.stop_channels()
        km2.shutdown_kernel(now=False)


def test_live_not_on_the_first_line_is_explained(kernel):
    _, kc = kernel
    reply, _ = execute(kc, "%time\n%live\nfmt.Println(1)")
    assert reply["status"] == "error"
    assert "%live must be the first line" in reply["evalue"], reply["evalue"]


def test_chart_shows_before_what_is_printed_after_it(kernel):
    """plots' Show waits until the kernel has shown the chart (gonbui.Sync), so text the program
    prints after it comes under it, although it travels on another pipe; the chart's figures follow
    it, folded in HTML."""
    _, kc = kernel
    code = ('rec := demos.Goroutines(2, func(t *demos.T) { t.Phase("cpu") })\n'
            'fmt.Println("before")\nplots.Timeline(rec).Show()\nfmt.Println("after")')
    for _ in range(3):
        reply, out = execute(kc, code)
        assert reply["status"] == "ok", out
        seq = []
        for m in out:
            if m["msg_type"] == "stream":
                seq += [("stream", line) for line in m["content"]["text"].split()]
            elif m["msg_type"] == "display_data":
                seq.append(("display", "image/png" if "image/png" in m["content"]["data"] else "figures"))
        assert seq == [("stream", "before"), ("display", "image/png"), ("display", "figures"), ("stream", "after")], seq
        figures = next(m for m in out if "text/html" in m["content"].get("data", {}))["content"]["data"]["text/html"]
        assert figures.startswith('<details class="conclab-figures">') and "concurrency" in figures, figures[:200]


def test_magic_arguments_are_checked_before_they_take_effect(kernel):
    """Arguments the runtime, the go command or the OS would refuse later are a UsageError at once,
    saying what is allowed, and leave the session's settings as they were."""
    _, kc = kernel
    execute(kc, "%goflags -tags=conclabtest")
    cases = [
        ("%gomaxprocs 100000\nfmt.Println(1)", "from 1 to 1024"),
        ("%gomaxprocs 0", "from 1 to 1024"),
        ("%env GOMAXPROCS 100000", "from 1 to 1024"),
        ("%env A=B 1", "not a variable name"),
        ("%goflags -o /tmp/elsewhere", "chooses where the program is built"),
        ("%goflags main.go", "not a flag"),
        ("%goflags -buildmode=plugin", "program to run"),
        ("%args a\x00b", "NUL"),
        ("%time fmt.Println(1)", "takes no arguments"),
        ("%race now", "takes no arguments"),
        ("%timeout", "usage: %timeout"),
        ("%rm", "usage: %rm"),
        ("!echo a\x00b", "NUL"),
        ("%%script py\x00thon3\nprint(1)", "NUL"),
    ]
    for code, want in cases:
        start = time.monotonic()
        reply, out = execute(kc, code)
        assert reply["status"] == "error" and reply["ename"] == "UsageError", (code, reply)
        assert want in reply["evalue"], (code, reply["evalue"])
        assert time.monotonic() - start < 10, (code, "refused only after the cell ran")
        assert not text(out), (code, "ran although refused", out)
    reply, out = execute(kc, "%goflags")
    assert text(out) == '%goflags: ["-tags=conclabtest"]\n', out
    execute(kc, '%goflags ""')
    reply, out = execute(kc, '%gomaxprocs 1024\nfmt.Println(runtime.GOMAXPROCS(0))')
    assert reply["status"] == "ok" and text(out) == "1024\n", (reply, out)
