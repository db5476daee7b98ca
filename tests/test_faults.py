"""Faults and load, bounded for `make test`; `make stress` runs them bigger (CONCLAB_STRESS=1).

The figures land in FIGURES and conftest prints them as one summary line."""
import os
import subprocess
import time
import uuid

from conftest import FIGURES, execute, start, text

STRESS = os.environ.get("CONCLAB_STRESS") == "1"


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def processes_named(marker):
    out = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout
    return len(out.split())


def test_queued_requests_answered_in_order(kernel):
    km, kc = kernel
    n = 1000 if STRESS else 200
    ids = [kc.execute(f"fmt.Println({i})") for i in range(n)]
    replies = []
    while len(replies) < n:
        r = kc.get_shell_msg(timeout=300)
        replies.append((r["parent_header"]["msg_id"], r["content"]["status"], r["content"]["execution_count"]))
    assert [r[0] for r in replies] == ids
    assert all(r[1] == "ok" for r in replies)
    counts = [r[2] for r in replies]
    assert counts == list(range(counts[0], counts[0] + n))
    FIGURES["queued requests answered in order"] = n


def test_output_flood_is_capped_and_kernel_stays_small(kernel):
    km, kc = kernel
    mb = 500 if STRESS else 100
    code = f'line := strings.Repeat("x", 1023) + "\\n"\nfor range {mb} * 1024 {{\n\tos.Stdout.WriteString(line)\n}}'
    reply, out = execute(kc, code, timeout=600)
    assert reply["status"] == "ok"
    shown = len(text(out))
    assert shown <= 5 * 1024 * 1024
    assert "output cut at 5 MB" in text(out, "stderr")
    FIGURES["output"] = f"{mb} MB printed, {shown / 1e6:.1f} MB shown"
    FIGURES["kernel RSS after flood"] = f"{rss_mb(km.provisioner.pid):.0f} MB"


def test_runaway_allocation_stopped():
    # Half the machine's memory (the default) takes long to fill; a small
    # limit set the way a lab would set it shows the same path quickly.
    limit = "2GiB" if STRESS else "300MB"
    km, kc = start(env={**os.environ, "CONCLAB_MAX_MEMORY": limit})
    try:
        code = "var keep [][]byte\nfor {\n\tb := make([]byte, 64<<20)\n\tfor i := range b {\n\t\tb[i] = 1\n\t}\n\tkeep = append(keep, b)\n}"
        reply, _ = execute(kc, code, timeout=600)
        assert reply["status"] == "error" and reply["ename"] == "MemoryLimit", reply
        _, out = execute(kc, 'fmt.Println("survived")')
        assert text(out) == "survived\n"
        FIGURES["runaway allocation"] = f"stopped at {limit}, kernel survived, kernel RSS {rss_mb(km.provisioner.pid):.0f} MB"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def test_interrupt_storm_and_many_children_leave_nothing(fresh_kernel):
    km, kc = fresh_kernel
    marker = f"9{uuid.uuid4().int % 10**6}.25"
    kids = 200
    code = f'for range {kids} {{\n\texec.Command("sleep", "{marker}").Start()\n}}\nfmt.Println("spawned")\ntime.Sleep(time.Hour)'
    msg_id = kc.execute(code)
    deadline = time.monotonic() + 120
    while processes_named(marker) < kids and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_named(marker) == kids
    for _ in range(20):  # a storm: most find nothing to interrupt
        km.interrupt_kernel()
    while True:
        r = kc.get_shell_msg(timeout=60)
        if r["parent_header"]["msg_id"] == msg_id:
            break
    time.sleep(0.5)
    left = processes_named(marker)
    assert left == 0
    # Interrupts of the storm still in flight may stop the next cell, as
    # they should; once they are spent, cells run again.
    for _ in range(3):
        reply, out = execute(kc, 'fmt.Println("calm")')
        if reply["status"] == "ok":
            break
        assert reply["ename"] == "Interrupted", reply
    assert text(out) == "calm\n", (reply, out)
    FIGURES["children after interrupt"] = f"{kids} started, {left} left"


def test_restarts_and_shutdowns_leave_no_process():
    n = 50 if STRESS else 5
    before = conclab_processes()
    for i in range(n):
        km, kc = start()
        execute(kc, "fmt.Println(1)")
        if i % 2 == 0:
            km.restart_kernel(now=False)
            kc.wait_for_ready(timeout=120)
            execute(kc, "fmt.Println(2)")
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    time.sleep(0.5)
    leaked = conclab_processes() - before
    assert not leaked, leaked
    FIGURES["restarts and shutdowns"] = f"{n} kernels, {len(leaked)} leaked processes"


def conclab_processes():
    """Pids of kernels and cell programs on this machine."""
    out = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True).stdout
    pids = set()
    for line in out.splitlines():
        pid, _, args = line.strip().partition(" ")
        if "conclab kernel" in args or args.startswith("cell"):
            pids.add(int(pid))
    return pids
