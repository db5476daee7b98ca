package kernel

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/procgroup"
)

// runCellMagic runs a %%script cell: its body is given on stdin to another
// interpreter (%%script python3, %%bash, %%python3, %%sh), streaming output
// and stoppable by an interrupt like any cell.
func (k *Kernel) runCellMagic(ctx context.Context, m *cell.CellMagic, out *output) error {
	var argv []string
	switch m.Name {
	case "script":
		args, err := splitArgs(m.Args)
		if err != nil || len(args) == 0 {
			return errorf("UsageError", "usage: %%%%script COMMAND [ARGS...] on the first line, the script below")
		}
		argv = args
	case "bash", "sh", "python3", "python":
		args, err := splitArgs(m.Args)
		if err != nil {
			return errorf("UsageError", "%%%%%s: %v", m.Name, err)
		}
		argv = append([]string{m.Name}, args...)
	default:
		return errorf("UsageError", "unknown cell magic %%%%%s; %%help lists the magics", m.Name)
	}
	if err := noNUL("%%"+m.Name, argv...); err != nil {
		return err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin = strings.NewReader(m.Body)
	cmd.Env = append(os.Environ(), k.settings.Env...)
	if argv[0] == "python3" || argv[0] == "python" {
		cmd.Env = append(cmd.Env, "PYTHONUNBUFFERED=1") // stream as it prints
	}
	cmd.Stdout = streamTo{out, "stdout"}
	cmd.Stderr = streamTo{out, "stderr"}
	cmd.SysProcAttr = procgroup.Attr()
	breach, err := k.runLimited(ctx, cmd)
	if breach != nil {
		return engine.MemoryError(breach)
	}
	if ctx.Err() != nil {
		return errorf("Interrupted", "%%%%%s was interrupted", m.Name)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return errorf("ScriptError", "%s %s", argv[0], procgroup.Status(exit))
	}
	if err != nil {
		return errorf("ScriptError", "%s: %v", argv[0], err)
	}
	return nil
}
