package stdinwatch

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// procRoot is where procfs is mounted; tests use fake trees instead.
const procRoot = "/proc"

// reader is a thread blocked in read(0, ...). rchar, the bytes the thread has
// read so far, tells one read from the next: it cannot change while the
// thread stays blocked in the same call.
type reader struct {
	tid   int
	rchar uint64
}

// blockedReaders lists the threads of pid that are blocked reading fd 0.
func blockedReaders(root string, pid int) ([]reader, error) {
	taskDir := filepath.Join(root, strconv.Itoa(pid), "task")
	dirfd, err := open(unix.AT_FDCWD, taskDir, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return nil, missingProcess(root, pid, err)
	}
	// The thread files are opened relative to dirfd, which spares the kernel
	// a lookup of the whole path for each of them.
	dir := os.NewFile(uintptr(dirfd), taskDir)
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return nil, missingProcess(root, pid, err)
	}
	var out []reader
	var buf [512]byte
	for _, name := range names {
		tid, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		n, err := readSmall(dirfd, name+"/syscall", buf[:])
		if err != nil {
			if gone(err) {
				if _, serr := os.Stat(filepath.Join(taskDir, name)); serr == nil {
					return nil, fmt.Errorf("%w: this kernel has no %s", ErrUnavailable, filepath.Join(taskDir, name, "syscall"))
				}
				continue // the thread ended
			}
			if errors.Is(err, fs.ErrPermission) {
				// An exiting thread's files belong to root once its memory
				// is released: to a user, the thread of a program being
				// killed looks unreadable for a moment. It reads nothing.
				if m, serr := readSmall(dirfd, name+"/stat", buf[:]); serr == nil && exiting(buf[:m]) {
					continue
				}
			}
			return nil, procError(filepath.Join(taskDir, name, "syscall"), err)
		}
		if !readingFD0(buf[:n]) {
			continue
		}
		r := reader{tid: tid}
		// Without I/O accounting every read looks the same (rchar 0): Watch
		// then fires once per blocked thread instead of once per read.
		if n, err := readSmall(dirfd, name+"/io", buf[:]); err == nil {
			r.rchar = rchar(buf[:n])
		}
		out = append(out, r)
	}
	return out, nil
}

// readingFD0 parses a syscall file line: "NR ARG0 ARG1 ... SP PC" while in a
// system call, "running", or "-1 SP PC" when blocked outside one.
func readingFD0(line []byte) bool {
	nr, rest, _ := bytes.Cut(line, []byte(" "))
	arg0, _, _ := bytes.Cut(rest, []byte(" "))
	return string(nr) == strconv.Itoa(syscall.SYS_READ) && string(arg0) == "0x0"
}

// exiting reports whether a task's stat line ("TID (comm) S ... vsize ...")
// shows a thread on its way out: a zombie or dead, or without memory
// (vsize 0) as a thread is between releasing its memory and becoming a
// zombie. A user thread always has memory until then.
func exiting(stat []byte) bool {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return false
	}
	f := bytes.Fields(stat[i+1:])
	if len(f) < 21 {
		return false
	}
	// f[0] is field 3 of proc(5), the state; f[20] is field 23, vsize.
	return string(f[0]) == "Z" || string(f[0]) == "X" || string(f[20]) == "0"
}

// rchar finds "rchar: N" in a task's io file.
func rchar(b []byte) uint64 {
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte("rchar: ")); ok {
			n, _ := strconv.ParseUint(string(bytes.TrimSpace(v)), 10, 64)
			return n
		}
	}
	return 0
}

// missingProcess tells a process that has ended from a missing procfs.
func missingProcess(root string, pid int, err error) error {
	if !gone(err) {
		return procError(filepath.Join(root, strconv.Itoa(pid), "task"), err)
	}
	if _, serr := os.Stat(filepath.Join(root, "self")); serr != nil {
		return fmt.Errorf("%w: no procfs at %s", ErrUnavailable, root)
	}
	return fmt.Errorf("process %d: %w", pid, os.ErrProcessDone)
}

func procError(path string, err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("%w: cannot read %s: %v", ErrUnavailable, path, err)
	}
	return fmt.Errorf("read %s: %w", path, err)
}

func gone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH)
}

// readSmall reads a small procfs file (relative to dirfd) into buf with raw
// system calls: os.Open would also try to register the descriptor with the
// runtime poller, which adds to the cost of every poll. procfs produces such
// a file whole on the first read, so a short read is the end of it.
func readSmall(dirfd int, name string, buf []byte) (int, error) {
	fd, err := open(dirfd, name, unix.O_RDONLY)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	n := 0
	for n < len(buf) {
		m, err := unix.Read(fd, buf[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		n += m
		if m == 0 || n < len(buf) {
			break
		}
	}
	return n, nil
}

func open(dirfd int, path string, flags int) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, path, flags|unix.O_CLOEXEC, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return -1, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return fd, nil
	}
}
