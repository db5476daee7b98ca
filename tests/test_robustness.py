"""Bad input, restarts and shutdowns: the kernel survives and leaves nothing behind."""
import os
import subprocess
import time
import uuid

import zmq
from jupyter_client.session import Session

from conftest import execute, start, text


def pids_with(marker):
    out = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_forged_signature_executes_nothing(fresh_kernel, tmp_path):
    km, kc = fresh_kernel
    target = tmp_path / "forged"
    forger = Session(key=b"not-the-key", username="mallory")
    code = f'os.WriteFile("{target}", []byte("x"), 0o644)'
    msg = forger.msg("execute_request", {"code": code, "silent": False, "store_history": True,
                                         "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    forger.send(kc.shell_channel.socket, msg)
    # An unsigned message too.
    unsigned = Session(key=b"", username="mallory")
    unsigned.send(kc.shell_channel.socket, unsigned.msg("execute_request", msg["content"]))
    # The kernel reads one connection's messages in order: had it accepted
    # either forgery, it would have run it before this cell.
    reply, out = execute(kc, 'fmt.Println("alive")')
    assert text(out) == "alive\n"
    assert not target.exists()


def test_garbage_frames_leave_kernel_answering(fresh_kernel):
    km, kc = fresh_kernel
    info = km.get_connection_info()
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
    bad = [
        [b"just one frame"],
        [b"<IDS|MSG>"],
        [b"<IDS|MSG>", b"sig", b"{", b"{}", b"{}", b"{}"],
        [b"<IDS|MSG>", b"", b"[]", b"{}", b"{}", b"{}"],
        [b"\xff\xfe", b"<IDS|MSG>", b"x" * 100000],
        [os.urandom(64) for _ in range(7)],
    ]
    for frames in bad:
        sock.send_multipart(frames)
    sock.close(linger=0)
    kc.kernel_info()
    reply = kc.get_shell_msg(timeout=30)
    assert reply["msg_type"] == "kernel_info_reply"
    _, out = execute(kc, 'fmt.Println("ok")')
    assert text(out) == "ok\n"


def test_execute_request_with_missing_fields_answered(fresh_kernel):
    km, kc = fresh_kernel
    s = kc.session
    msg = s.msg("execute_request", {"silent": "yes"})  # no code, mistyped silent
    s.send(kc.shell_channel.socket, msg)
    reply = kc.get_shell_msg(timeout=30)
    assert reply["parent_header"]["msg_id"] == msg["header"]["msg_id"]
    assert reply["content"]["status"] == "error"
    kc.kernel_info()
    assert kc.get_shell_msg(timeout=30)["msg_type"] == "kernel_info_reply"


def test_restart_keeps_working_and_forgets(fresh_kernel):
    km, kc = fresh_kernel
    execute(kc, "var remembered = 5")
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=120)
    reply, _ = execute(kc, "fmt.Println(remembered)")
    assert reply["status"] == "error"  # forgotten by the restart
    reply, out = execute(kc, 'fmt.Println("restarted")')
    assert text(out) == "restarted\n"


def test_no_process_left_after_interrupt_and_shutdown():
    marker = f"987{uuid.uuid4().int % 100000}.5"
    km, kc = start()
    try:
        code = f'for range 3 {{\n\texec.Command("sleep", "{marker}").Start()\n}}\ntime.Sleep(time.Hour)'
        msg_id = kc.execute(code)
        deadline = time.monotonic() + 60
        while len(pids_with(marker)) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(pids_with(marker)) == 3
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=30)
        assert reply["parent_header"]["msg_id"] == msg_id
        time.sleep(0.5)
        assert pids_with(marker) == []
        # Now leave some running in a cell and shut the kernel down.
        kc.execute(code)
        deadline = time.monotonic() + 60
        while len(pids_with(marker)) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        kernel_pid = km.provisioner.pid if km.provisioner else None
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    time.sleep(0.5)
    assert pids_with(marker) == []
    if kernel_pid:
        assert not os.path.exists(f"/proc/{kernel_pid}") or open(f"/proc/{kernel_pid}/stat").read().split()[2] == "Z"
