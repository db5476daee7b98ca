# JupyterHub for a class on one machine: every student is a system user with a
# server of their own, started as that user, in cgroups of its own that give
# each student the same share of the CPU, a memory limit and a cap on
# processes, so that one student's runaway cell slows nobody else down and
# nothing of theirs outlives their server.
#
# Run it as root (it starts servers as other users), from the directory that
# keeps the hub's database and cookie secret:
#
#   cd /srv/jupyterhub && jupyterhub -f /etc/jupyterhub/jupyterhub_config.py
#
# tests/test_class.py runs this file as it is, with a class of system users.
import os
import pwd
import signal
import sys
import time

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Integer, Unicode

c = get_config()  # noqa: F821 (traitlets defines it for config files)

# Students log in with their system password (PAM); the teacher, with admin
# rights, and everyone in the group `students` may.
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_groups = {"students"}
c.Authenticator.admin_users = {"teacher"}

c.Spawner.default_url = "/lab/tree/notebooks/00-index.ipynb"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# The servers run from the hub's own Python environment, where install.sh
# wrote the conclab kernelspec; conclab and Go as the README installs them.
c.Spawner.cmd = [os.path.join(sys.prefix, "bin", "jupyterhub-singleuser")]
c.Spawner.environment = {
    "PATH": "/usr/local/bin:/usr/local/go/bin:/usr/bin:/bin",
}


class ClassSpawner(LocalProcessSpawner):
    """A student's server, started as the student, in cgroups of its own.

    The cgroups (v1 or v2, whichever the machine mounts) give every server the
    same CPU weight, so a student running twenty busy goroutines or a fork
    loop gets no more of the cores than one typing a trivial cell; a memory
    limit, of which conclab lets one cell use half; and a cap on tasks
    (processes and threads). The memory cgroup is handed to the student, so
    conclab can make a cgroup for each cell inside it. Stopping the server
    kills everything left in its cgroups, daemons included.

    Before the server starts, as the student, their home becomes private
    (mode 0700, umask 077) and the notebooks are copied into it once.
    """

    cgroup_parent = Unicode("conclab-class", config=True, help="cgroup under which each student gets one")
    memory_limit_bytes = Integer(3 << 30, config=True, help="memory of a student's server and everything it starts")
    tasks_max = Integer(2048, config=True, help="processes and threads of a student's server and everything it starts")
    notebooks = Unicode("/usr/local/share/conclab/notebooks", config=True,
                        help="copied to ~/notebooks on a student's first start")

    def _cgroups(self):
        """The student's cgroup directories, made and limited: {controller: dir}."""
        return make_cgroups(self.cgroup_parent, self.user.name, self.memory_limit_bytes, self.tasks_max,
                            pwd.getpwnam(self.user.name).pw_uid, self.log)

    def make_preexec_fn(self, name):
        setuid = super().make_preexec_fn(name)
        procs = [os.path.join(d, "cgroup.procs") for d in self.cgroup_dirs.values()]

        def preexec():
            # Still root, in the child before exec: join the cgroups first,
            # so the server and all it starts are counted there.
            for p in procs:
                with open(p, "w") as f:
                    f.write("0")
            setuid()
        return preexec

    async def start(self):
        self.cgroup_dirs = self._cgroups()
        prepare = ('umask 077; chmod 700 "$HOME"; '
                   'if [ ! -e "$HOME/notebooks" ] && [ -d "$0" ]; then cp -r "$0" "$HOME/notebooks"; fi; exec "$@"')
        self.cmd = ["sh", "-c", prepare, self.notebooks, *self.cmd]
        return await super().start()

    async def stop(self, now=False):
        try:
            await super().stop(now=now)
        finally:
            kill_cgroups(getattr(self, "cgroup_dirs", None) or self._cgroup_dirs_if_any(), self.log)

    def _cgroup_dirs_if_any(self):
        return {k: d for k, d in cgroup_dirs(self.cgroup_parent, self.user.name).items() if os.path.isdir(d)}


# cgroups, v1 (one hierarchy per controller) or v2 (one for all).
CG = "/sys/fs/cgroup"


def cgroup_dirs(parent, user):
    """Where a student's cgroups are: {controller: dir}."""
    if os.path.exists(os.path.join(CG, "cgroup.controllers")):  # v2 only
        return {"unified": os.path.join(CG, parent, user)}
    return {k: os.path.join(CG, k, parent, user) for k in ("cpu", "cpuacct", "memory", "pids")
            if os.path.isdir(os.path.join(CG, k))}


def write(path, value):
    with open(path, "w") as f:
        f.write(str(value))


def make_cgroups(parent, user, memory, tasks, uid, log):
    dirs = cgroup_dirs(parent, user)
    made = {}
    for ctrl, d in dirs.items():
        try:
            if ctrl == "unified":
                # v2: the parent must pass the controllers down to the student's.
                for p in (CG, os.path.join(CG, parent)):
                    os.makedirs(p, exist_ok=True)
                    write(os.path.join(p, "cgroup.subtree_control"), "+cpu +memory +pids")
            os.makedirs(d, exist_ok=True)
            if ctrl == "unified":
                write(os.path.join(d, "cpu.weight"), 100)
                write(os.path.join(d, "memory.max"), memory)
                write(os.path.join(d, "memory.swap.max"), 0)
                write(os.path.join(d, "pids.max"), tasks)
            elif ctrl == "cpu":
                write(os.path.join(d, "cpu.shares"), 1024)
            elif ctrl == "memory":
                write(os.path.join(d, "memory.limit_in_bytes"), memory)
            elif ctrl == "pids":
                write(os.path.join(d, "pids.max"), tasks)
            if ctrl in ("memory", "unified"):
                # Delegate: the student's kernel makes a cgroup for each cell in it.
                for f in ("", "cgroup.procs", "tasks", "cgroup.subtree_control"):
                    if os.path.exists(os.path.join(d, f)):
                        os.chown(os.path.join(d, f), uid, -1)
            made[ctrl] = d
        except OSError as e:
            log.warning("class: no %s cgroup for %s (%s): that limit does not hold for them", ctrl, user, e)
    return made


def kill_cgroups(dirs, log):
    """Kill what is left in a student's cgroups, then remove them (children first)."""
    for _ in range(50):
        pids = set()
        for d in dirs.values():
            for root, _, _ in os.walk(d):
                try:
                    with open(os.path.join(root, "cgroup.procs")) as f:
                        pids.update(int(p) for p in f.read().split())
                except OSError:
                    pass
        if not pids:
            break
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.1)
    else:
        log.warning("class: processes still in %s", sorted(dirs.values()))
    for d in dirs.values():
        for root, subdirs, _ in sorted(os.walk(d), key=lambda w: -w[0].count("/")):
            try:
                os.rmdir(root)
            except OSError:
                pass


c.JupyterHub.spawner_class = ClassSpawner
# Limits per student (the README's sizing table says what a lab uses).
c.ClassSpawner.memory_limit_bytes = 3 << 30  # a cell may use half
c.ClassSpawner.tasks_max = 2048  # processes and threads
