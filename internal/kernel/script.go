package kernel

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/magic"
	"github.com/conclab/conclab/internal/procgroup"
)

// runCellMagic runs a cell whose first line is a cell magic (%%script).
func (k *Kernel) runCellMagic(ctx context.Context, cm *cell.CellMagic, out *output) error {
	m, ok := k.magics.Lookup(magic.Cell, cm.Name)
	if !ok {
		return errorf("UsageError", "unknown cell magic %%%%%s; %%help lists the magics", cm.Name)
	}
	return k.runMagic(ctx, m, magic.Use{Line: cm.Line, Name: cm.Name, Args: cm.Args}, call{body: cm.Body}, out)
}

// magicScript is %%script COMMAND [ARGS...].
func (k *Kernel) magicScript(ctx context.Context, c call, out *output) error {
	return k.runScript(ctx, c.name, c.args, c.body, out)
}

// magicInterpreter is %%bash, %%sh, %%python3 and %%python: %%script with
// the interpreter the magic names.
func (k *Kernel) magicInterpreter(ctx context.Context, c call, out *output) error {
	return k.runScript(ctx, c.name, append([]string{c.name}, c.args...), c.body, out)
}

// runScript runs the body of a cell magic (name) with argv, giving it the
// body on stdin, streaming its output and stoppable by an interrupt like
// any cell.
func (k *Kernel) runScript(ctx context.Context, name string, argv []string, body string, out *output) error {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin = strings.NewReader(body)
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
		return errorf("Interrupted", "%%%%%s was interrupted", name)
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
