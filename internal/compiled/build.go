package compiled

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/procgroup"
	"github.com/conclab/conclab/internal/workspace"
)

// build compiles prog into the binary cache and returns the binary's path.
// The cache is keyed by everything that changes the binary, so re-running an
// unchanged cell costs no build at all.
func (e *Engine) build(ctx context.Context, prog *cell.Program, st engine.Settings) (string, error) {
	key := sha256.New()
	key.Write(prog.Source)
	for _, f := range st.GoFlags {
		fmt.Fprintf(key, "\x00flag %s", f)
	}
	bin := filepath.Join(e.opt.BinCache, hex.EncodeToString(key.Sum(nil))[:32])
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	tmp := bin + ".tmp"
	err := errIndirect
	if race, ok := directFlags(st.GoFlags); ok {
		err = e.tc.build(ctx, prog.Source, race, tmp, prog.Rewrite)
	}
	if errors.Is(err, errIndirect) {
		e.opt.Logger.Debug("building the cell with the go command", "flags", st.GoFlags)
		err = e.goBuild(ctx, prog, st, tmp)
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	// The linker makes the binary 0755; only its user runs it.
	if err := os.Chmod(tmp, 0o700); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("build cell: %w", err)
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", fmt.Errorf("build cell: %w", err)
	}
	return bin, nil
}

// goBuild builds prog with the go command, for what the toolchain's direct
// path does not cover.
func (e *Engine) goBuild(ctx context.Context, prog *cell.Program, st engine.Settings, out string) error {
	main := filepath.Join(e.opt.Workspace.Dir, "main.go")
	if err := os.WriteFile(main, prog.Source, 0o600); err != nil {
		return fmt.Errorf("build cell: %w", err)
	}
	return e.goCommand(ctx, prog, st, append(append([]string{"build", "-o", out}, st.GoFlags...), ".")...)
}

// goCommand runs the go command with args in the cell module, with the
// build environment prog needs; a failure is prog's error, in cell terms.
func (e *Engine) goCommand(ctx context.Context, prog *cell.Program, st engine.Settings, args ...string) error {
	cmd := exec.Command(e.opt.GoCommand, args...)
	cmd.Dir = e.opt.Workspace.Dir
	cmd.Env = os.Environ()
	if _, needs := scanImports(prog.Source); !needs.cgo {
		cmd.Env = append(cmd.Env, workspace.BuildEnv(slices.Contains(st.GoFlags, "-race"))...)
	}
	var report bytes.Buffer
	cmd.Stdout, cmd.Stderr = &report, &report
	cmd.SysProcAttr = procgroup.Attr()
	if err := procgroup.Run(ctx, cmd, e.opt.Grace); err != nil {
		return toolError(ctx, err, prog.Rewrite(report.String()))
	}
	return nil
}

// compileError turns the go command's report into a cell error: the lines
// that say what is wrong, without the "# conclab.cell" package header. Its
// value is the first of them that is not a C compiler's heading for the
// lines below it ("In function 'f':").
func compileError(report string) *engine.Error {
	var lines []string
	for _, l := range splitLines(report) {
		if strings.HasPrefix(l, "# ") || strings.TrimSpace(l) == "" {
			continue
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		lines = []string{"the build failed"}
	}
	value := lines[0]
	for _, l := range lines {
		if !strings.HasSuffix(l, ":") {
			value = l
			break
		}
	}
	return &engine.Error{Name: "CompileError", Value: value, Traceback: lines}
}

func splitLines(s string) []string {
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}
