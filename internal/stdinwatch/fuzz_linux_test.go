package stdinwatch

import (
	"bytes"
	"strconv"
	"syscall"
	"testing"
)

// FuzzProcLines feeds arbitrary bytes, as a changed or hostile procfs could
// show them, to the parsers of a task's syscall and io files. They must not
// panic, and must find only what is there: a read of fd 0 only on a line that
// starts with read's number and 0x0, a byte count only after "rchar: ".
func FuzzProcLines(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if readingFD0(b) {
			prefix := []byte(strconv.Itoa(syscall.SYS_READ) + " 0x0")
			if !bytes.HasPrefix(b, prefix) || (len(b) > len(prefix) && b[len(prefix)] != ' ') {
				t.Fatalf("readingFD0(%q) = true", b)
			}
		}
		if n := rchar(b); n != 0 && !bytes.Contains(b, []byte("rchar: ")) {
			t.Fatalf("rchar(%q) = %d with no rchar line", b, n)
		}
	})
}
