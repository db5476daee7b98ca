"""Security: what a stranger on the wire, a careless cell and the log can and cannot do.

A kernel a lab trusts runs nothing it was not asked to run by the holder of
its key, survives whatever arrives on its ports, listens only where the
connection file says, keeps its files to its user, says nothing secret in its
log, and replaces a live worker that was killed under a cell.
`CONCLAB_STRESS=1` (make stress) sends 2,000 bad inputs instead of a few
hundred; `CONCLAB_BAD_INPUT_SEED` replays another sequence of them."""
import hashlib
import hmac
import json
import os
import queue
import random
import signal
import socket
import stat
import subprocess
import threading
import time
import uuid

import pytest
import zmq
from jupyter_client.manager import KernelManager

from conftest import FIGURES, KERNEL, TIMEOUT, collect, execute, start, text
from procs import alive, children

STRESS = os.environ.get("CONCLAB_STRESS") == "1"
BAD_INPUTS = 2000 if STRESS else 300
SEED = int(os.environ.get("CONCLAB_BAD_INPUT_SEED", "20261123"))


# ---------------------------------------------------------------- processes


def live_workers(kernel_pid):
    return [p for p, cmd in children(kernel_pid).items() if os.path.basename(cmd.split(" ")[0]) == "conclab-live"]


# ---------------------------------------------------------------- messages


def dumps(v):
    return v if isinstance(v, bytes) else json.dumps(v, default=str).encode()


def sign(key, parts, digest=hashlib.sha256):
    return hmac.new(key, b"".join(parts), digest).hexdigest().encode()


class Forger:
    """Builds Jupyter wire messages frame by frame: signed with the kernel's
    key, with another key, with none, or not at all well formed."""

    def __init__(self, key, rng):
        self.key, self.rng = key, rng
        self.session = uuid.uuid4().hex

    def header(self, msg_type, **extra):
        h = {"msg_id": uuid.uuid4().hex, "username": "mallory", "session": self.session,
             "date": "2026-11-23T12:00:00.000000Z", "msg_type": msg_type, "version": "5.3"}
        h.update(extra)
        return h

    def parts(self, msg_type, content, header=None, parent=None, metadata=None):
        return [dumps(self.header(msg_type) if header is None else header), dumps({} if parent is None else parent),
                dumps({} if metadata is None else metadata), dumps(content)]

    def signed(self, parts, buffers=()):
        return [b"<IDS|MSG>", sign(self.key, parts), *parts, *buffers]

    def with_sig(self, sig, parts):
        return [b"<IDS|MSG>", sig, *parts]


def execute_content(code, **over):
    c = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
         "allow_stdin": False, "stop_on_error": True}
    c.update(over)
    return c


# Contents a signed client might send by mistake: each has a wrong type or
# shape the kernel must answer or drop, never act on.
MISTYPED = {
    "execute_request": [
        {"code": 12345}, {"code": ["fmt.Println(1)"]}, {"code": {"x": 1}}, {"code": True},
        {"code": "fmt.Println(1)", "silent": "yes"}, {"code": "fmt.Println(1)", "silent": 1},
        {"code": "fmt.Println(1)", "store_history": "no"}, {"code": "fmt.Println(1)", "allow_stdin": []},
        {"code": "fmt.Println(1)", "stop_on_error": {}}, {"code": "fmt.Println(1)", "user_expressions": [1, 2]},
        {"code": "fmt.Println(1)", "user_expressions": "x"},
    ],
    "complete_request": [
        {"code": 5, "cursor_pos": 1}, {"code": "fmt.Pr", "cursor_pos": "6"}, {"code": "fmt.Pr", "cursor_pos": -7},
        {"code": "fmt.Pr", "cursor_pos": 10**12}, {"code": "fmt.Pr", "cursor_pos": 2.5}, {"code": "\udcff", "cursor_pos": 1},
        {},
    ],
    "inspect_request": [
        {"code": None, "cursor_pos": 3}, {"code": "fmt.Println", "cursor_pos": -1, "detail_level": "x"},
        {"code": "fmt.Println", "cursor_pos": 10**15}, {"code": [], "cursor_pos": {}},
    ],
    "is_complete_request": [{"code": 7}, {"code": "for {"}, {"code": None}, {}],
    "history_request": [
        {"hist_access_type": "tail", "n": "ten"}, {"hist_access_type": "range", "start": -5, "stop": 10**9},
        {"hist_access_type": 3}, {"hist_access_type": "search", "pattern": ["*"]}, {"n": -1, "hist_access_type": "tail"},
    ],
    "comm_info_request": [{"target_name": 5}, {"target_name": None}],
    "comm_open": [{"comm_id": 5, "target_name": [], "data": "x"}, {"comm_id": "c", "target_name": "jupyter.widget", "data": []}],
    "comm_msg": [{"comm_id": None, "data": 1}],
    "comm_close": [{"comm_id": {}}],
    "kernel_info_request": [{"unexpected": [1, 2, 3]}],
    "input_reply": [{"value": 5}, {"value": None}, {"value": ["x"]}],
}

UNKNOWN_TYPES = ["", "execute_reply", "status", "stream", "../../etc/passwd", "EXECUTE_REQUEST", "execute_request ",
                 "x" * 300, "\u202eevil", "null", "debug_request", "shutdown_reply"]


class BadInputs:
    """A reproducible stream of bad inputs for every channel of one kernel.

    Forged messages (bad or missing signatures) ask for something visible: an
    execute_request that would create a file in forged_dir, a shutdown or an
    interrupt on control. Messages signed with the real key are only ever
    malformed, so that they reach the parsers but ask for nothing."""

    def __init__(self, key, forged_dir, rng):
        self.f = Forger(key, rng)
        self.key, self.rng, self.dir = key, rng, forged_dir
        self.forged = 0
        self.bad_headers = 0
        self.kinds = [
            self.forged_execute, self.forged_control, self.forged_input, self.signed_mistyped,
            self.signed_bad_json, self.signed_bad_header, self.unknown_type, self.truncated,
            self.garbage_frames, self.many_frames, self.huge_header, self.heartbeat_garbage,
            self.raw_tcp, self.wrong_socket_type, self.forged_execute, self.signed_mistyped,
        ]

    def next(self, i):
        """(channel, frames or a callable that delivers the input itself, kind)."""
        kind = self.kinds[i % len(self.kinds)]
        ch, payload = kind()
        return ch, payload, kind.__name__

    # Forged: each would leave a trace if it were obeyed.

    def forge_sig(self, parts):
        r = self.rng.randrange(6)
        good = sign(self.key, parts)
        if r == 0:
            return os.urandom(32).hex().encode(), "other key"
        if r == 1:
            return b"", "unsigned"
        if r == 2:
            return sign(self.key, parts, hashlib.sha512), "other hash"
        if r == 3:
            i = self.rng.randrange(len(good))
            return good[:i] + (b"0" if good[i:i + 1] != b"0" else b"1") + good[i + 1:], "one digit off"
        if r == 4:
            return good.upper(), "upper case"
        innocent = self.f.parts("execute_request", execute_content('fmt.Println("innocent")'))
        return sign(self.key, innocent), "signature of other content"

    def forged_execute(self):
        self.forged += 1
        path = os.path.join(self.dir, f"forged-{self.forged}")
        parts = self.f.parts("execute_request", execute_content(f'os.WriteFile("{path}", nil, 0o600)'))
        sig, _ = self.forge_sig(parts)
        return "shell", self.f.with_sig(sig, parts)

    def forged_control(self):
        t = self.rng.choice(["shutdown_request", "shutdown_request", "interrupt_request"])
        content = {"restart": self.rng.choice([True, False])} if t == "shutdown_request" else {}
        parts = self.f.parts(t, content)
        sig, _ = self.forge_sig(parts)
        return self.rng.choice(["control", "shell"]), self.f.with_sig(sig, parts)

    def forged_input(self):
        parts = self.f.parts("input_reply", {"value": "forged"})
        sig, _ = self.forge_sig(parts)
        return "stdin", self.f.with_sig(sig, parts)

    # Signed but malformed: they reach the parsers.

    def signed_mistyped(self):
        t = self.rng.choice(sorted(MISTYPED))
        ch = "stdin" if t == "input_reply" else self.rng.choice(["shell", "shell", "control"])
        return ch, self.f.signed(self.f.parts(t, self.rng.choice(MISTYPED[t])))

    def bad_json(self):
        good = dumps({"code": "fmt.Println(1)", "nested": {"a": [1, 2, {"b": "c"}]}})
        return self.rng.choice([
            good[:self.rng.randrange(1, len(good))],  # cut short
            b"\xff\xfe\xfd",  # not UTF-8
            b'{"code": "\xc3\x28"}',  # invalid UTF-8 inside a string
            b"[" * 100_000 + b"]" * 100_000,  # deeper than any parser should go
            b'{"a": NaN}', b'{"a": 1,}', b"{'a': 1}", b"", b"null", b"[]", b'"string"', b"42",
            b'{"a": 1} trailing', b'{"a": "\\ud800"}', os.urandom(self.rng.randrange(1, 64)),
        ])

    def signed_bad_json(self):
        t = self.rng.choice(["execute_request", "kernel_info_request", "complete_request", "input_reply"])
        parts = self.f.parts(t, {"code": "fmt.Println(1)"})
        parts[self.rng.randrange(1, 4)] = self.bad_json()  # parent, metadata or content
        return ("stdin" if t == "input_reply" else "shell"), self.f.signed(parts)

    def signed_bad_header(self):
        # Each flaw in turn, so that a few hundred inputs cover them all.
        self.bad_headers += 1
        r, k = self.bad_headers % 8, self.bad_headers // 8
        t = ["execute_request", "kernel_info_request"][k % 2]
        h = self.f.header(t)
        if r == 0:
            h = self.bad_json()
        elif r == 1:
            h = [h]
        elif r == 2:
            del h[sorted(h)[k % len(h)]]
        elif r == 3:
            h["msg_type"] = [5, None, ["execute_request"], {"t": 1}][k % 4]
        elif r == 4:  # jupyter_client reads any date-shaped header string as a date
            h["msg_id"] = ["2026-13-01T00:00:00Z", {}, 7, None, ""][k % 5]
        elif r == 5:
            h["date"] = ["9999-99-99T99:99:99Z", "2026-02-30T00:00:00Z", "yesterday", 0][k % 4]
        elif r == 6:
            h["version"] = [5.3, "", "99.0"][k % 3]
        else:
            h["session"] = None
        content = {"code": 1} if t == "execute_request" else {}
        return self.rng.choice(["shell", "control"]), self.f.signed(self.f.parts(t, content, header=h))

    def unknown_type(self):
        t = self.rng.choice(UNKNOWN_TYPES)
        parts = self.f.parts(t, {"code": "fmt.Println(1)"})
        ch = self.rng.choice(["shell", "control", "stdin"])
        if self.rng.random() < 0.5:
            return ch, self.f.signed(parts)
        sig, _ = self.forge_sig(parts)
        return ch, self.f.with_sig(sig, parts)

    def truncated(self):
        parts = self.f.parts("execute_request", {"code": 1})
        frames = self.f.signed(parts)
        r = self.rng.randrange(3)
        if r == 0:  # frames missing at the end, signature of the whole
            frames = frames[:self.rng.randrange(1, len(frames))]
        elif r == 1:  # fewer parts, re-signed so the frame count is what fails
            n = self.rng.randrange(0, 4)
            frames = [b"<IDS|MSG>", sign(self.key, parts[:n]), *parts[:n]]
        else:  # the last frame cut mid-way, re-signed
            parts[3] = parts[3][:self.rng.randrange(len(parts[3]))]
            frames = self.f.signed(parts)
        return self.rng.choice(["shell", "control", "stdin"]), frames

    def garbage_frames(self):
        frames = [os.urandom(self.rng.randrange(0, 200)) for _ in range(self.rng.randrange(1, 9))]
        if self.rng.random() < 0.5:
            frames.insert(self.rng.randrange(len(frames) + 1), b"<IDS|MSG>")
        return self.rng.choice(["shell", "control", "stdin"]), frames

    def many_frames(self):
        parts = self.f.parts("kernel_info_request", {})
        if self.rng.random() < 0.5:  # a thousand identities before the delimiter
            frames = [b"id%d" % i for i in range(1000)] + self.f.signed(parts)
        else:  # a thousand buffers after the content, unsigned
            frames = self.f.with_sig(b"", parts) + [b"buf"] * 1000
        return self.rng.choice(["shell", "control"]), frames

    def huge_header(self):
        size = self.rng.choice([1, 2, 4]) << 20
        h = self.f.header("kernel_info_request", username="u" * size)
        parts = self.f.parts("kernel_info_request", {}, header=h)
        if self.rng.random() < 0.5:
            return "shell", self.f.signed(parts)  # answered: the reply carries it back
        parts[0] = dumps(self.f.header("x" * size))
        return self.rng.choice(["shell", "control", "stdin"]), self.f.with_sig(b"0" * 64, parts)

    def heartbeat_garbage(self):
        frames = [os.urandom(self.rng.randrange(0, 4096)) for _ in range(self.rng.randrange(1, 5))]
        return "hb", frames

    # Not ZMQ at all, or ZMQ of the wrong kind.

    def raw_tcp(self):
        r = self.rng.randrange(6)
        payload = [
            os.urandom(self.rng.randrange(1, 512)),
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
            b"\xff" + b"\x00" * 8 + b"\x7f" + b"\x03",  # half a ZMTP greeting, then silence
            b"\xff" + b"\x00" * 8 + b"\x7f\x03\x00" + b"CURVE".ljust(20, b"\x00") + b"\x00" * 32,  # unknown mechanism
            b"\xff" + b"\x00" * 8 + b"\x7f\x03\x00" + b"NULL".ljust(20, b"\x00") + b"\x00" * 32
            + b"\x06" + b"\xff" * 8,  # a greeting, then a command that claims exabytes
            b"\xff" + b"\x00" * 8 + b"\x7f\x03\x00" + b"NULL".ljust(20, b"\x00") + b"\x00" * 32
            + b"\x04\x20\x05READY\x0bSocket-Type\x00\x00\x00\xffDEAL",  # READY whose property overruns
        ][r]
        stall = r == 2 or self.rng.random() < 0.05
        return self.rng.choice(["shell", "control", "stdin", "hb", "iopub"]), ("tcp", payload, stall)

    def wrong_socket_type(self):
        typ = self.rng.choice([zmq.PUSH, zmq.PUB, zmq.REQ, zmq.PAIR, zmq.DEALER])
        ch = self.rng.choice(["shell", "control", "stdin", "iopub"])
        if typ == zmq.DEALER:
            ch = "iopub"  # a DEALER is a fine peer for the ROUTERs, not for PUB
        return ch, ("zmq", typ, [os.urandom(16), b"<IDS|MSG>", b"junk"])


class Sender:
    """One DEALER per channel of a kernel, plus raw connections on demand."""

    def __init__(self, info):
        self.info = info
        self.ctx = zmq.Context()
        self.socks = {}
        for ch in ("shell", "control", "stdin", "hb"):
            s = self.ctx.socket(zmq.DEALER)
            s.setsockopt(zmq.LINGER, 0)
            s.setsockopt(zmq.SNDTIMEO, 30_000)
            s.setsockopt(zmq.SNDHWM, 100_000)
            s.connect(self.addr(ch))
            self.socks[ch] = s
        self.stalled = []

    def addr(self, ch):
        return f"tcp://{self.info['ip']}:{self.info[ch + '_port']}"

    def send(self, ch, payload):
        if isinstance(payload, list):
            self.socks[ch].send_multipart(payload, copy=False)
        elif payload[0] == "tcp":
            _, data, stall = payload
            c = socket.create_connection((self.info["ip"], self.info[ch + "_port"]), timeout=5)
            try:
                c.sendall(data)
            except OSError:
                pass  # the kernel may hang up as soon as it has seen enough
            if stall:
                self.stalled.append(c)
            else:
                c.close()
        else:
            _, typ, frames = payload
            s = self.ctx.socket(typ)
            s.setsockopt(zmq.LINGER, 0)
            s.connect(self.addr(ch))
            try:
                s.send_multipart(frames, flags=zmq.NOBLOCK)
            except zmq.ZMQError:
                pass  # no compatible peer: nothing to send to
            time.sleep(0.01)
            s.close()
        self.drain()

    def drain(self):
        for s in self.socks.values():
            while True:
                try:
                    s.recv_multipart(flags=zmq.NOBLOCK)
                except zmq.Again:
                    break

    def settle(self, forger, timeout=60):
        """Wait until the kernel has read everything sent on shell, control and
        hb: each connection's messages are read in order, so a signed
        kernel_info_request answered (or a ping echoed) comes after them."""
        for c in self.stalled:
            c.close()
        self.stalled = []
        waiting = {}
        for ch in ("shell", "control"):
            h = forger.header("kernel_info_request")
            self.socks[ch].send_multipart(forger.signed(forger.parts("kernel_info_request", {}, header=h)))
            waiting[ch] = h["msg_id"].encode()
        ping = uuid.uuid4().bytes
        self.socks["hb"].send(ping)
        waiting["hb"] = ping
        deadline = time.monotonic() + timeout
        while waiting:
            assert time.monotonic() < deadline, f"no answer on {sorted(waiting)} after the bad inputs"
            for ch, want in list(waiting.items()):
                try:
                    frames = self.socks[ch].recv_multipart(flags=zmq.NOBLOCK)
                except zmq.Again:
                    continue
                if want in b"".join(frames):
                    del waiting[ch]
            time.sleep(0.01)

    def close(self):
        for c in self.stalled:
            c.close()
        self.ctx.destroy(linger=0)


def kernel_log_problems(path):
    with open(path, errors="replace") as f:
        return [line[:300] for line in f if "panic" in line or "kernel bug" in line or "fatal error" in line]


def test_bad_inputs_on_every_channel_execute_nothing_and_crash_nothing(tmp_path):
    forged_dir = tmp_path / "forged"
    forged_dir.mkdir()
    log = tmp_path / "kernel.log"
    with open(log, "wb") as f:
        km, kc = start(stderr=f)
    sender = None
    try:
        pid = km.provisioner.pid
        info = km.get_connection_info()
        assert km.session.key, "jupyter_client started the kernel without a key"
        bad = BadInputs(km.session.key, str(forged_dir), random.Random(SEED))
        sender = Sender(info)
        kinds = {}
        for i in range(BAD_INPUTS):
            ch, payload, kind = bad.next(i)
            sender.send(ch, payload)
            kinds[kind] = kinds.get(kind, 0) + 1
            if i % 100 == 99:  # the kernel answers all along, not only at the end
                assert alive(pid), f"kernel died after {i + 1} bad inputs ({kind})"
        sender.settle(bad.f)

        kc.kernel_info()
        reply = kc.get_shell_msg(timeout=60)
        assert reply["msg_type"] == "kernel_info_reply"
        # This reads everything the kernel published meanwhile: another
        # client must be able to read it all, whatever headers it carries.
        reply, out = execute(kc, "fmt.Println(6 * 7)")
        assert reply["status"] == "ok", reply
        assert text(out) == "42\n"
        assert sorted(os.listdir(forged_dir)) == [], "a forged execute_request ran"
        assert alive(pid) and km.provisioner.pid == pid, "the kernel process changed"
        problems = kernel_log_problems(log)
        assert problems == [], problems
        assert bad.forged > 0 and len(kinds) == len(set(bad.kinds))
        FIGURES["bad inputs"] = f"{BAD_INPUTS:,} bad inputs ({bad.forged} forged cells), 0 crashes, 0 forged runs"
    finally:
        if sender:
            sender.close()
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def test_replayed_message_executes_nothing(fresh_kernel, tmp_path):
    km, kc = fresh_kernel
    target = tmp_path / "replayed"
    f = Forger(km.session.key, random.Random(1))
    h = f.header("execute_request")
    frames = f.signed(f.parts("execute_request", execute_content(f'os.WriteFile("{target}", nil, 0o600)'), header=h))
    ctx = zmq.Context()
    try:
        s = ctx.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.connect(f"tcp://{km.get_connection_info()['ip']}:{km.get_connection_info()['shell_port']}")
        s.send_multipart(frames)
        assert s.poll(60_000), "no reply to a signed execute_request"
        assert h["msg_id"].encode() in b"".join(s.recv_multipart())
        assert target.exists()  # the genuine request ran
        target.unlink()
        s.send_multipart(frames)  # captured and sent again
        reply, out = execute(kc, 'fmt.Println("after")')
        assert text(out) == "after\n"
        assert not target.exists(), "a replayed execute_request ran again"
    finally:
        ctx.destroy(linger=0)


def test_forged_input_reply_is_not_read(fresh_kernel):
    km, kc = fresh_kernel
    info = km.get_connection_info()
    msg_id = kc.execute("var s string\nfmt.Scanln(&s)\nfmt.Println(\"read:\", s)", allow_stdin=True)
    req = kc.get_stdin_msg(timeout=60)
    assert req["msg_type"] == "input_request"
    f = Forger(km.session.key, random.Random(2))
    ctx = zmq.Context()
    try:
        s = ctx.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.connect(f"tcp://{info['ip']}:{info['stdin_port']}")
        for sig in (b"", os.urandom(32).hex().encode()):
            parts = f.parts("input_reply", {"value": "forged"}, parent=req["header"])
            s.send_multipart(f.with_sig(sig, parts))
        time.sleep(1)
        kc.input("genuine")
        reply, out = collect(kc, msg_id)
    finally:
        ctx.destroy(linger=0)
    assert reply["status"] == "ok", reply
    assert text(out) == "read: genuine\n"


# ---------------------------------------------------------------- listening


def socket_inodes(pid):
    out = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            out.add(link[len("socket:["):-1])
    return out


def listening(pid):
    """(address, port) of every TCP socket process pid listens on."""
    mine = socket_inodes(pid)
    out = set()
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        try:
            with open(f"/proc/{pid}/net/{table}") as f:
                lines = f.readlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in mine:  # 0A: LISTEN
                continue
            addr, port = local.split(":")
            raw = bytes.fromhex(addr)
            # procfs prints each 32-bit word of the address in host (little-endian) order.
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            out.add((socket.inet_ntop(family, raw), int(port, 16)))
    return out


def refused(ip, port):
    try:
        socket.create_connection((ip, port), timeout=2).close()
        return False
    except OSError:
        return True


def other_local_ipv4():
    """A local IPv4 address other than loopback, or None."""
    try:
        out = subprocess.run(["ip", "-o", "-4", "addr", "show", "scope", "global"],
                             capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in out.splitlines():
        fields = line.split()
        if "inet" in fields:
            return fields[fields.index("inet") + 1].split("/")[0]
    return None


PORTS = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")


def check_listens_only_on(km, ip, elsewhere):
    info = km.get_connection_info()
    ports = {info[p] for p in PORTS}
    got = listening(km.provisioner.pid)
    assert got == {(ip, p) for p in ports}, f"kernel told {ip} listens on {sorted(got)}"
    for p in ports:
        assert refused(elsewhere, p), f"port {p} answers on {elsewhere}"


def test_listens_only_on_loopback_when_told(kernel):
    km, kc = kernel
    assert km.get_connection_info()["ip"] == "127.0.0.1"
    check_listens_only_on(km, "127.0.0.1", other_local_ipv4() or "0.0.0.0")


def test_listens_only_on_another_address_when_told():
    ip = other_local_ipv4()
    if ip is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    km = KernelManager(kernel_name=KERNEL, ip=ip)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
        check_listens_only_on(km, ip, "127.0.0.1")
        reply, out = execute(kc, 'fmt.Println("over", "'+ ip + '")')
        assert text(out) == f"over {ip}\n"
        FIGURES["listening"] = f"listening only on the connection file's ip (127.0.0.1, {ip} tried)"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


# ---------------------------------------------------------------- temp files


def snapshot(root, seen):
    """Record the type and mode of everything under root (it changes while we look)."""
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            try:
                st = os.lstat(p)
            except FileNotFoundError:
                continue
            seen[os.path.relpath(p, root)] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode))


def toolchain(rel):
    """Temporary files of the go command and the C compiler, not conclab's."""
    top = rel.split(os.sep)[0]
    return top.startswith(("go-build", "go-link", "cc"))


def watch_while(kc, tmp, code, seen, rest):
    """Run code while recording everything under tmp in seen; then record
    what is left once the cell is over in rest."""
    done = threading.Event()

    def look():
        while not done.is_set():
            snapshot(tmp, seen)
            time.sleep(0.02)

    t = threading.Thread(target=look)
    t.start()
    try:
        reply, out = execute(kc, code)
    finally:
        done.set()
        t.join()
    snapshot(tmp, rest)
    seen.update(rest)
    return reply, out


def test_temp_dirs_and_files_are_private(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    km, kc = start(env={**os.environ, "TMPDIR": str(tmp)})
    seen, rest = {}, {}
    try:
        snapshot(tmp, rest)
        display = 'import "github.com/janpfeifer/gonb/gonbui"\n'
        cells = [
            display + 'gonbui.DisplayHTML("<b>compiled</b>")\ntime.Sleep(1500 * time.Millisecond)',
            "%live\n" + display + 'gonbui.DisplayHTML("<b>live</b>")\ntime.Sleep(1500 * time.Millisecond)',
            "!echo shell line > /dev/null",
        ]
        for code in cells:
            reply, out = watch_while(kc, tmp, code, seen, rest)
            assert reply["status"] == "ok", out
            assert "compiled" not in code or any(m["msg_type"] == "display_data" for m in out), out
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)

    ours = {p: v for p, v in seen.items() if not toolchain(p)}
    tops = {p for p in ours if os.sep not in p}
    assert any(t.startswith("conclab-live-") for t in tops), tops
    assert any(t.startswith("conclab-") and not t.startswith("conclab-live-") for t in tops), tops
    assert any(os.path.basename(p).startswith("run") and v[0] == stat.S_IFDIR for p, v in ours.items()), sorted(ours)
    assert sum(v[0] == stat.S_IFIFO for v in ours.values()) >= 2, sorted(ours)
    wrong = []
    for p, (kind, mode) in sorted(ours.items()):
        if kind == stat.S_IFDIR:
            ok = mode == 0o700
        elif kind == stat.S_IFIFO:
            ok = mode == 0o600
        elif kind == stat.S_IFREG and p in rest:
            ok = mode in (0o600, 0o700)
        elif kind == stat.S_IFREG:
            # The compiler's and linker's outputs while a cell builds take
            # the umask's mode; every directory above them is 0700.
            ok = mode & 0o022 == 0
        else:
            ok = kind == stat.S_IFLNK
        if not ok:
            wrong.append(f"{p}: {stat.filemode(kind | mode)}")
    assert wrong == [], wrong
    left = [p for p in os.listdir(tmp) if not toolchain(p)]
    assert left == [], f"left in the temp dir after shutdown: {left}"
    FIGURES["temp files"] = f"{len(ours)} temp dirs, files and fifos, all private, none left after shutdown"


# ---------------------------------------------------------------- logs


def test_default_log_has_no_key_and_no_content(tmp_path):
    log = tmp_path / "kernel.log"
    secret = f"s3cr3t-{uuid.uuid4().hex}"
    with open(log, "wb") as f:
        km, kc = start(stderr=f)
    try:
        key = km.session.key
        assert key
        cells = [
            f'secret := "{secret}-stdout"\nfmt.Println(secret)\nfmt.Fprintln(os.Stderr, secret)',
            f'undefinedHelper("{secret}-compile")',
            f'panic("{secret}-panic")',
            f'%live\nfmt.Println("{secret}-live")',
            f'%live\npanic("{secret}-live-panic")',
            f'!echo {secret}-shell; echo {secret}-shell-err >&2',
            f'%%bash\necho {secret}-script',
        ]
        for code in cells:
            execute(kc, code)
        reply, out = execute(kc, "var s string\nfmt.Scanln(&s)\nfmt.Println(len(s))",
                             stdin=lambda prompt: f"{secret}-input")
        assert text(out) == f"{len(secret) + 6}\n"
        kc.complete(f'x := "{secret}-complete"\nfmt.Pr', 30)
        kc.inspect(f'fmt.Println("{secret}-inspect")', 5)
        # A mistyped request, signed, and a forged one.
        f = Forger(key, random.Random(3))
        sock = kc.shell_channel.socket
        sock.send_multipart(f.signed(f.parts("execute_request", {"code": 1, "silent": f"{secret}-mistyped"})))
        parts = f.parts("execute_request", execute_content(f'fmt.Println("{secret}-forged")'))
        sock.send_multipart(f.with_sig(b"0" * 64, parts))
        parts = f.parts(f"{secret}-type", {"code": f"{secret}-unknown"})
        sock.send_multipart(f.with_sig(b"", parts))
        reply, out = execute(kc, 'fmt.Println("end")')
        assert text(out) == "end\n"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    logged = log.read_bytes()
    assert b"shutdown" in logged, f"the kernel's stderr was not captured: {logged[:500]!r}"
    assert key not in logged, "the key is in the kernel's log"
    assert secret.encode() not in logged, [line for line in logged.splitlines() if secret.encode() in line][:5]


# ---------------------------------------------------------------- live worker


def test_live_worker_killed_mid_cell_is_reported_and_replaced(fresh_kernel):
    km, kc = fresh_kernel
    pid = km.provisioner.pid
    reply, out = execute(kc, "%live\nkept := 7\nfmt.Println(kept)")
    assert text(out) == "7\n", out
    workers = live_workers(pid)
    assert len(workers) == 1, children(pid)
    msg_id = kc.execute('%live\nfmt.Println("looping")\nfor {\n\ttime.Sleep(10 * time.Millisecond)\n}')
    _, out = collect(kc, msg_id, until_output="looping")
    killed = time.monotonic()
    os.kill(workers[0], signal.SIGKILL)
    reply, more = collect(kc, msg_id, timeout=30)
    reported = time.monotonic() - killed
    assert reply["status"] == "error", reply
    said = reply["ename"] + ": " + reply["evalue"] + "\n" + "\n".join(reply["traceback"])
    assert "killed" in said and "live session restarted" in said, said
    assert alive(pid)

    reply, out = execute(kc, '%live\nfmt.Println("again")')
    assert reply["status"] == "ok" and text(out) == "again\n", (reply, out)
    now = live_workers(pid)
    assert len(now) == 1 and now != workers, (workers, now)
    assert not alive(workers[0])
    reply, _ = execute(kc, "%live\nfmt.Println(kept)")
    assert reply["status"] == "error"  # gone with the old worker, as the message said
    reply, out = execute(kc, 'fmt.Println("compiled")')
    assert text(out) == "compiled\n"
    FIGURES["live worker SIGKILL"] = f"live worker SIGKILLed mid-cell: reported in {reported:.2f} s, replaced"


# gonbui's stream for DisplayData{Metadata: {"m": map[string]int{"abcdefgh": 1}}} with the nested
# map's count rewritten to 2^24 (internal/display's guard_test.go makes it). encoding/gob makes a map
# as large as its count says before it reads an entry: without the guard, these 200 bytes make the
# kernel take a gigabyte (2^28 takes 14 GB; more ends it).
HOSTILE_DISPLAY = (
    "3e7f0301010b446973706c61794461746101ff8000010301044461746101ff820001084d6574616461746101ff8400"
    "0109446973706c61794944010c00000032ff81040101226d61705b70726f746f636f6c2e4d494d45547970655d696e"
    "74657266616365207b7d01ff8200010c0110000027ff83040101176d61705b737472696e675d696e74657266616365"
    "207b7d01ff8400010c0110000023ff800201016d0e6d61705b737472696e675d696e74ff85040102ff8600010c0104"
    "000014ff860c00fc010000000861626364656667680200"
)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def test_hostile_display_message_is_refused_and_the_kernel_lives(fresh_kernel):
    km, kc = fresh_kernel
    pid = km.provisioner.pid
    code = (
        'import (\n\t"encoding/hex"\n\t"os"\n)\n'
        f'b, _ := hex.DecodeString("{HOSTILE_DISPLAY}")\n'
        'f, err := os.OpenFile(os.Getenv("GONB_PIPE"), os.O_WRONLY, 0)\n'
        "if err != nil {\n\tpanic(err)\n}\n"
        "f.Write(b)\nf.Close()\n"
        'fmt.Println("sent")'
    )
    reply, out = execute(kc, code)
    assert reply["status"] == "ok" and text(out) == "sent\n", (reply, out)
    assert alive(pid) and rss_kib(pid) < 200 * 1024, rss_kib(pid)
    assert "maps of more than" in text(out, "stderr"), out
    reply, out = execute(kc, 'import "github.com/janpfeifer/gonb/gonbui"\ngonbui.DisplayHTML("<b>fine</b>")')
    shown = [m["content"]["data"].get("text/html") for m in out if m["msg_type"] == "display_data"]
    assert shown == ["<b>fine</b>"], out
    FIGURES["hostile display"] = f"display message announcing a 2^24-entry map: refused, kernel RSS {rss_kib(pid) // 1024} MB"
