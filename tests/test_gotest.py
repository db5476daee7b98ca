"""%test: the notebook's tests run as go test runs them, reported under the cell."""
import time

from conftest import execute, text


def tables(out):
    """The text/plain of the cell's displays (the tests' and benchmarks' tables)."""
    return "\n".join(m["content"]["data"].get("text/plain", "") for m in out
                     if m["msg_type"] == "display_data")


def test_passing_test_uses_remembered_declarations(kernel):
    _, kc = kernel
    execute(kc, "func Double(n int) int { return 2 * n }")
    reply, out = execute(kc, "%test\nfunc TestDouble(t *testing.T) {\n\tif Double(2) != 4 {\n\t\tt.Fatal(\"bad\")\n\t}\n}")
    assert reply["status"] == "ok", reply
    assert "TestDouble" in tables(out) and "PASS" in tables(out)
    html = [m for m in out if m["msg_type"] == "display_data"][0]["content"]["data"]["text/html"]
    assert "<table>" in html


def test_failing_test_names_its_cell_line(kernel):
    _, kc = kernel
    code = "%test\nfunc TestCounter(t *testing.T) {\n\tn := 1\n\tt.Errorf(\"n = %d, want 2\", n)\n}"
    reply, out = execute(kc, code)
    assert reply["status"] == "error"
    assert reply["ename"] == "TestFailed"
    assert reply["evalue"] == "TestCounter failed at line 4", reply
    assert "line 4: n = 1, want 2" in text(out)
    assert "FAIL" in tables(out)


def test_racy_test_is_caught_by_default_and_race_false_turns_it_off(kernel):
    _, kc = kernel
    racy = ("func TestRacy(t *testing.T) {\n\tn := 0\n\tvar wg sync.WaitGroup\n\tfor range 2 {\n"
            "\t\twg.Go(func() { n++ })\n\t}\n\twg.Wait()\n}")
    reply, out = execute(kc, "%test\n" + racy)
    assert reply["status"] == "error", reply
    assert reply["evalue"].startswith("TestRacy failed at line"), reply
    assert "WARNING: DATA RACE" in text(out)
    assert "line 6" in text(out)  # wg.Go(func() { n++ })
    reply, out = execute(kc, "%test -race=false\n" + racy)
    assert reply["status"] == "ok", reply


def test_benchmark_table_per_cpu(kernel):
    _, kc = kernel
    code = ("%test -cpu 1,2 -benchmem\nfunc BenchmarkSlice(b *testing.B) {\n\tfor b.Loop() {\n"
            "\t\t_ = make([]byte, 64)\n\t}\n}")
    reply, out = execute(kc, code)
    assert reply["status"] == "ok", reply
    t = tables(out)
    assert "ns/op" in t and "allocs/op" in t, t
    rows = [l for l in t.splitlines() if l.startswith("BenchmarkSlice ")]  # the table, not the chart's lines
    assert [r.split()[1] for r in rows] == ["1", "2"], t
    # ...and a chart of the time per operation for each -cpu value.
    charts = [m["content"]["data"] for m in out if m["msg_type"] == "display_data" and "image/png" in m["content"]["data"]]
    assert len(charts) == 1 and "BenchmarkSlice, -cpu 2" in charts[0]["text/plain"], charts


def test_synctest_fake_clock(kernel):
    _, kc = kernel
    code = ("%test\nfunc TestHour(t *testing.T) {\n\tsynctest.Test(t, func(t *testing.T) {\n"
            "\t\tstart := time.Now()\n\t\ttime.Sleep(time.Hour)\n\t\tsynctest.Wait()\n"
            "\t\tif time.Since(start) != time.Hour {\n\t\t\tt.Fatal(\"clock\")\n\t\t}\n\t})\n}")
    started = time.monotonic()
    reply, out = execute(kc, code)
    assert reply["status"] == "ok", (reply, text(out))
    assert time.monotonic() - started < 60


def test_deadlocked_test_ends_with_report_and_kernel_survives(kernel):
    _, kc = kernel
    reply, out = execute(kc, "%test\nfunc TestStuck(t *testing.T) {\n\tch := make(chan int)\n\t<-ch\n}")
    assert reply["status"] == "error", reply
    assert "panic: test timed out" in text(out) and "TestStuck" in text(out)  # under -race
    _, out = execute(kc, 'fmt.Println("alive")')
    assert text(out) == "alive\n"


def test_interrupt_a_test(kernel):
    km, kc = kernel
    msg_id = kc.execute("%test\nfunc TestForever(t *testing.T) {\n\tfor {\n\t\ttime.Sleep(time.Millisecond)\n\t}\n}")
    time.sleep(5)  # let it build and start
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=30)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["ename"] == "Interrupted", reply["content"]
    _, out = execute(kc, 'fmt.Println("after")')
    assert text(out) == "after\n"


def test_bad_flag_is_a_usage_error(kernel):
    _, kc = kernel
    reply, _ = execute(kc, "%test -cover")
    assert reply["ename"] == "UsageError"
    assert "-run" in reply["evalue"] and "-race=false" in reply["evalue"]
