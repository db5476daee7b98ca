package stdinwatch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"syscall"
	"testing"
)

// fakeThread is one /proc/PID/task/TID entry of a fake procfs.
type fakeThread struct {
	tid     int
	syscall string // contents of the syscall file; "-" for no file
	io      string // contents of the io file; "" for no file
}

// readLine is a syscall file line for a thread blocked in read(fd, ...).
func readLine(fd int) string {
	return fmt.Sprintf("%d %#x 0xc000012000 0x1 0x0 0x0 0x0 0x7ffc2b1ec8f0 0x47a1ee\n", syscall.SYS_READ, fd)
}

func ioFile(rchar int) string {
	return fmt.Sprintf("rchar: %d\nwchar: 12\nsyscr: 3\nsyscw: 1\nread_bytes: 0\nwrite_bytes: 0\ncancelled_write_bytes: 0\n", rchar)
}

// fakeProc builds a procfs with one process pid and its threads.
func fakeProc(t *testing.T, pid int, threads []fakeThread) string {
	t.Helper()
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "self"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeThreads(t, root, pid, threads)
	return root
}

func writeThreads(t *testing.T, root string, pid int, threads []fakeThread) {
	t.Helper()
	for _, th := range threads {
		dir := filepath.Join(root, strconv.Itoa(pid), "task", strconv.Itoa(th.tid))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		files := map[string]string{"syscall": th.syscall, "io": th.io}
		for name, content := range files {
			path := filepath.Join(dir, name)
			os.Remove(path)
			if content == "" || content == "-" {
				continue
			}
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestBlockedReaders(t *testing.T) {
	const pid = 4242
	tests := []struct {
		name    string
		threads []fakeThread
		want    []reader
		wantErr error
	}{
		{"blocked on fd 0", []fakeThread{{tid: pid, syscall: readLine(0), io: ioFile(17)}}, []reader{{pid, 17}}, nil},
		{"reading another fd", []fakeThread{{tid: pid, syscall: readLine(3), io: ioFile(17)}}, nil, nil},
		{"running", []fakeThread{{tid: pid, syscall: "running\n"}}, nil, nil},
		{"blocked outside a system call", []fakeThread{{tid: pid, syscall: "-1 0x7ffc2b1ec8f0 0x47a1ee\n"}}, nil, nil},
		{"another system call on fd 0", []fakeThread{{tid: pid, syscall: fmt.Sprintf("%d 0x0 0x1 0x2\n", syscall.SYS_WRITE)}}, nil, nil},
		{"empty syscall file", []fakeThread{{tid: pid, syscall: "\n"}}, nil, nil},
		{
			"one of several threads",
			[]fakeThread{
				{tid: pid, syscall: "running\n"},
				{tid: pid + 1, syscall: readLine(0), io: ioFile(5)},
				{tid: pid + 2, syscall: "-1 0x1 0x2\n"},
			},
			[]reader{{pid + 1, 5}}, nil,
		},
		{"no io accounting", []fakeThread{{tid: pid, syscall: readLine(0)}}, []reader{{pid, 0}}, nil},
		{"kernel without syscall files", []fakeThread{{tid: pid, syscall: "-"}}, nil, ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := fakeProc(t, pid, tt.threads)
			got, err := blockedReaders(root, pid)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("blockedReaders error = %v, want %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("blockedReaders = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBlockedReadersMissing(t *testing.T) {
	t.Run("process gone", func(t *testing.T) {
		root := fakeProc(t, 1, nil)
		if _, err := blockedReaders(root, 99); !errors.Is(err, os.ErrProcessDone) {
			t.Fatalf("error = %v, want os.ErrProcessDone", err)
		}
	})
	t.Run("no procfs", func(t *testing.T) {
		if _, err := blockedReaders(t.TempDir(), 99); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("error = %v, want ErrUnavailable", err)
		}
	})
	t.Run("unreadable syscall file", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads files whatever their mode")
		}
		root := fakeProc(t, 7, []fakeThread{{tid: 7, syscall: readLine(0)}})
		if err := os.Chmod(filepath.Join(root, "7", "task", "7", "syscall"), 0); err != nil {
			t.Fatal(err)
		}
		if _, err := blockedReaders(root, 7); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("error = %v, want ErrUnavailable", err)
		}
	})
}

func TestWaitingOnThisProcess(t *testing.T) {
	// The test binary is not reading its stdin.
	got, err := Waiting(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if got {
		t.Fatal("Waiting(self) = true")
	}
}

// TestWatcherPoll steps a watcher through the states of a process reading
// its stdin, on a fake procfs and a real pipe.
func TestWatcherPoll(t *testing.T) {
	const pid = 31
	root := fakeProc(t, pid, nil)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	wt := &watcher{root: root, pid: pid, w: w}
	steps := []struct {
		name     string
		threads  []fakeThread
		pipe     string // written to the pipe before the poll; "<" drains it
		wantFire bool
	}{
		{"computing", []fakeThread{{tid: pid, syscall: "running\n"}}, "", false},
		{"first read blocks", []fakeThread{{tid: pid, syscall: readLine(0), io: ioFile(100)}}, "", true},
		{"still the same read", []fakeThread{{tid: pid, syscall: readLine(0), io: ioFile(100)}}, "", false},
		{"answer written, not yet read", []fakeThread{{tid: pid, syscall: readLine(0), io: ioFile(100)}}, "Ada\n", false},
		{"consuming the answer", []fakeThread{{tid: pid, syscall: readLine(0), io: ioFile(101)}}, "", false},
		{"answer consumed, next read blocks", []fakeThread{{tid: pid, syscall: readLine(0), io: ioFile(104)}}, "<", true},
		{"back to computing", []fakeThread{{tid: pid, syscall: "running\n"}}, "", false},
		{"another thread reads", []fakeThread{{tid: pid, syscall: "running\n"}, {tid: pid + 1, syscall: readLine(0), io: ioFile(0)}}, "", true},
		{"both threads read", []fakeThread{{tid: pid, syscall: readLine(0), io: ioFile(104)}, {tid: pid + 1, syscall: readLine(0), io: ioFile(0)}}, "", true},
		{"reads on another fd", []fakeThread{{tid: pid, syscall: readLine(5), io: ioFile(200)}, {tid: pid + 1, syscall: "running\n"}}, "", false},
	}
	for _, s := range steps {
		writeThreads(t, root, pid, s.threads)
		switch s.pipe {
		case "":
		case "<":
			if _, err := r.Read(make([]byte, 64)); err != nil {
				t.Fatal(err)
			}
		default:
			if _, err := w.WriteString(s.pipe); err != nil {
				t.Fatal(err)
			}
		}
		// Threads from an earlier step that are not in this one end.
		keep := map[int]bool{}
		for _, th := range s.threads {
			keep[th.tid] = true
		}
		ents, _ := os.ReadDir(filepath.Join(root, strconv.Itoa(pid), "task"))
		for _, e := range ents {
			if tid, _ := strconv.Atoi(e.Name()); !keep[tid] {
				os.RemoveAll(filepath.Join(root, strconv.Itoa(pid), "task", e.Name()))
			}
		}
		fire, err := wt.poll()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if fire != s.wantFire {
			t.Fatalf("%s: fire = %v, want %v", s.name, fire, s.wantFire)
		}
	}
	w.Close()
	writeThreads(t, root, pid, []fakeThread{{tid: pid + 2, syscall: readLine(0), io: ioFile(9)}})
	if _, err := wt.poll(); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("poll with a closed pipe: %v, want os.ErrClosed", err)
	}
}

func TestExiting(t *testing.T) {
	tests := []struct {
		name string
		stat string
		want bool
	}{
		{"running thread", "4242 (cell) R 1 4242 4242 0 -1 4194304 2836 0 2 0 2 1 0 0 20 0 3 0 4652159 16977920 3323", false},
		{"blocked in read", "4243 (cell) S 1 4242 4242 0 -1 4194304 2836 0 2 0 2 1 0 0 20 0 3 0 4652159 16977920 3323", false},
		{"memory released, not yet a zombie", "4243 (cell) R 1 4242 4242 0 -1 4194308 2836 0 2 0 2 1 0 0 20 0 3 0 4652159 0 0", true},
		{"zombie", "4243 (cell) Z 1 4242 4242 0 -1 4194308 2836 0 2 0 2 1 0 0 20 0 3 0 4652159 0 0", true},
		{"dead", "4243 (cell) X 1 4242 4242 0 -1 4194308 2836 0 2 0 2 1 0 0 20 0 3 0 4652159 16977920 0", true},
		{"a name with spaces and parentheses", "4244 (a) b (c) S 1 4242 4242 0 -1 4194304 2836 0 2 0 2 1 0 0 20 0 3 0 4652159 16977920 3323", false},
		{"truncated", "4244 (cell) S 1 4242", false},
		{"garbage", "no parenthesis here", false},
	}
	for _, tt := range tests {
		if got := exiting([]byte(tt.stat)); got != tt.want {
			t.Errorf("%s: exiting = %v, want %v", tt.name, got, tt.want)
		}
	}
}
