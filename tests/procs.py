"""The machine's processes as /proc shows them, for tests that count what the kernel leaves behind."""
import os


def stat(pid):
    """The fields of /proc/PID/stat after the command name (state first), or None if pid is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            # The command name may hold spaces and parentheses: split after its closing one.
            return f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def pids():
    """Every process id, now."""
    return [int(e) for e in os.listdir("/proc") if e.isdigit()]


def alive(pid):
    """The process exists and is not a zombie."""
    fields = stat(pid)
    return fields is not None and fields[0] != "Z"


def start_time(pid):
    """When pid started (to tell it from a later process with the same id), or None."""
    fields = stat(pid)
    return None if fields is None else int(fields[19])


def command_line(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def children(pid):
    """{pid: command line} of pid's direct children."""
    return {p: command_line(p) for p in pids() if (s := stat(p)) is not None and int(s[1]) == pid}


def descendants(pid):
    """(pid, start time) of every living process below pid."""
    below = {}
    for p in pids():
        s = stat(p)
        if s is not None:
            below.setdefault(int(s[1]), []).append((p, int(s[19])))
    found, todo = [], [pid]
    while todo:
        for child in below.get(todo.pop(), []):
            found.append(child)
            todo.append(child[0])
    return found


def environ(pid):
    """{name: value} of pid's environment as it started, or {} if it cannot be read."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            entries = f.read().split(b"\0")
    except OSError:
        return {}
    return dict(e.decode(errors="replace").split("=", 1) for e in entries if b"=" in e)


def marked(name, value):
    """{pid: command line} of living processes whose environment sets name=value: every process
    started below one given a unique marker, even after its parent died and it was reparented."""
    return {p: command_line(p) for p in pids() if alive(p) and environ(p).get(name) == value}
