package demos

import (
	"fmt"
	"os/exec"
	"strings"
)

// PythonCommand returns a command that runs a Python program (the text of
// it, as `python3 -c` takes it) with args as its sys.argv[1:], for Commands
// to record. It runs the interpreter itself: python3 on the PATH may be a
// wrapper script (pyenv's shims are), whose own start would be part of every
// run and whose process would be recorded instead of Python's.
func PythonCommand(program string, args ...string) (*exec.Cmd, error) {
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		return nil, fmt.Errorf("find python3: %w", err)
	}
	python := strings.TrimSpace(string(out))
	if python == "" {
		return nil, fmt.Errorf("find python3: it names no interpreter (sys.executable is empty)")
	}
	return exec.Command(python, append([]string{"-c", program}, args...)...), nil
}
