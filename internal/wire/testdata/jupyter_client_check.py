"""Checks a conclab wire test kernel with jupyter_client, the reference client.

Usage: python jupyter_client_check.py CONNECTION_FILE

The kernel (started by TestJupyterClient) answers kernel_info_request on
shell and control, publishes status busy/idle on iopub, and records every
message it accepts. This script checks what a client sees, then prints one
JSON object with the msg_ids it expects the kernel to have accepted and to
have dropped, for the Go test to compare with what the kernel recorded.
Any failed check exits with status 1 and a message on stderr.
"""

import json
import sys
import time

import zmq
from jupyter_client import BlockingKernelClient
from jupyter_client.session import Session

TIMEOUT = 30  # seconds to wait for something that must arrive
QUIET = 2  # seconds of silence that show a message was dropped


def fail(msg):
    print("jupyter_client check failed: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def statuses(kc, parent_id):
    """The execution states published for parent_id, until idle."""
    states = []
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["msg_type"] == "status" and msg["parent_header"].get("msg_id") == parent_id:
            states.append(msg["content"]["execution_state"])
            if states[-1] == "idle":
                return states
    fail("no idle status for %s (got %r)" % (parent_id, states))


def raw_shell(info, ctx, identity):
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 0
    sock.setsockopt(zmq.IDENTITY, identity)
    sock.connect(endpoint(info, info["shell_port"]))
    return sock


def endpoint(info, port):
    if info["transport"] == "ipc":
        return "ipc://%s-%d" % (info["ip"], port)
    return "tcp://%s:%d" % (info["ip"], port)


def replies(sock, session, wait, want=None):
    """Messages that arrive on sock within wait seconds (or the first want)."""
    out = []
    deadline = time.time() + wait
    while want is None or len(out) < want:
        left = deadline - time.time()
        if left <= 0 or not sock.poll(int(left * 1000)):
            return out
        frames = sock.recv_multipart()
        _, frames = session.feed_identities(frames)
        out.append(session.deserialize(frames))
    return out


def main(path):
    with open(path) as f:
        info = json.load(f)
    report = {"accepted": [], "dropped": [], "banner": None}

    kc = BlockingKernelClient(connection_file=path)
    kc.load_connection_file()
    kc.start_channels()
    try:
        # wait_for_ready sends kernel_info_requests until iopub delivers a
        # message: the PUB/SUB connection is then established.
        kc.wait_for_ready(timeout=TIMEOUT)
        while True:
            try:
                kc.get_iopub_msg(timeout=0.5)
            except Exception:
                break

        # kernel_info on shell, with busy/idle on iopub.
        msg_id = kc.kernel_info()
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        check(reply["msg_type"] == "kernel_info_reply", "reply type %r" % reply["msg_type"])
        check(reply["parent_header"]["msg_id"] == msg_id, "reply parent is not the request")
        check(reply["content"]["status"] == "ok", "kernel_info status %r" % reply["content"]["status"])
        check(reply["header"]["version"].startswith("5."), "header version %r" % reply["header"]["version"])
        report["banner"] = reply["content"]["banner"]
        report["accepted"].append(msg_id)
        states = statuses(kc, msg_id)
        check(states == ["busy", "idle"], "iopub states %r, want busy, idle" % states)

        # kernel_info on control.
        msg = kc.session.msg("kernel_info_request")
        kc.control_channel.send(msg)
        reply = kc.control_channel.get_msg(timeout=TIMEOUT)
        check(reply["parent_header"]["msg_id"] == msg["header"]["msg_id"], "control reply parent")
        report["accepted"].append(msg["header"]["msg_id"])

        # A comm_msg with a binary buffer and non-ASCII text: the Go test
        # checks that the kernel decoded both intact.
        msg = kc.session.msg("comm_msg", {"comm_id": "c1", "data": {"text": "h\u00e9llo \u2713 <b>&"}})
        kc.session.send(kc.shell_channel.socket, msg, buffers=[b"\x00\x01\xffbinary"])
        report["accepted"].append(msg["header"]["msg_id"])
        report["comm_msg"] = msg["header"]["msg_id"]

        # Heartbeat: a REQ socket gets its ping echoed, and the client's
        # heartbeat channel keeps beating.
        ctx = zmq.Context.instance()
        hb = ctx.socket(zmq.REQ)
        hb.linger = 0
        hb.connect(endpoint(info, info["hb_port"]))
        for i in range(3):
            ping = b"ping-%d" % i
            hb.send(ping)
            check(hb.poll(TIMEOUT * 1000), "no heartbeat echo")
            check(hb.recv() == ping, "heartbeat echo differs")
        hb.close()
        time.sleep(2.5)  # more than two of the channel's 1 s beats
        check(kc.hb_channel.is_beating(), "heartbeat channel is not beating")

        # Messages the kernel must ignore: wrong key, no signature, a replay.
        good = Session(key=info["key"].encode(), signature_scheme=info["signature_scheme"])
        wrong = Session(key=b"not-the-key", signature_scheme=info["signature_scheme"])
        unsigned = Session(key=b"")
        sock = raw_shell(info, ctx, b"raw-client")
        for session in (wrong, unsigned):
            msg = session.msg("kernel_info_request")
            session.send(sock, msg)
            report["dropped"].append(msg["header"]["msg_id"])
        got = replies(sock, good, QUIET)
        check(got == [], "the kernel answered a badly signed message: %r" % got)

        msg = good.msg("kernel_info_request")
        frames = good.serialize(msg)
        sock.send_multipart(frames)
        sock.send_multipart(frames)  # the replay
        report["accepted"].append(msg["header"]["msg_id"])
        got = replies(sock, good, QUIET)
        check(len(got) == 1, "want one reply to a message sent twice, got %d" % len(got))
        check(got[0]["parent_header"]["msg_id"] == msg["header"]["msg_id"], "reply to the wrong message")

        # Garbage frames, then a good request: the kernel is still serving.
        sock.send_multipart([b"garbage"])
        sock.send_multipart([b"<IDS|MSG>", b"", b"{", b"{}", b"{}", b"{}"])
        msg = good.msg("kernel_info_request")
        good.send(sock, msg)
        report["accepted"].append(msg["header"]["msg_id"])
        got = replies(sock, good, TIMEOUT, want=1)
        check(len(got) == 1 and got[0]["parent_header"]["msg_id"] == msg["header"]["msg_id"],
              "no reply after garbage frames")
        sock.close()
    finally:
        kc.stop_channels()
    print(json.dumps(report))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        fail("usage: jupyter_client_check.py CONNECTION_FILE")
    main(sys.argv[1])
