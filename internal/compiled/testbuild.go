package compiled

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/procgroup"
	"github.com/conclab/conclab/internal/workspace"
)

// testDir is the package of the cell module that %test cells are built in,
// apart from main.go, so that `go build` of other cells never sees them.
const testDir = "gotest"

// buildTest builds prog as a test binary (`go test -c`) into the binary
// cache and returns its path. Its one file is main_test.go: go test runs
// only the functions of _test.go files, and ignores a main package's main.
func (e *Engine) buildTest(ctx context.Context, prog *cell.Program, st engine.Settings) (string, error) {
	key := sha256.New()
	key.Write([]byte("go test -c\x00"))
	key.Write(prog.Source)
	for _, f := range st.GoFlags {
		fmt.Fprintf(key, "\x00flag %s", f)
	}
	bin := filepath.Join(e.opt.BinCache, hex.EncodeToString(key.Sum(nil))[:32])
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	dir := filepath.Join(e.opt.Workspace.Dir, testDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("build tests: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main_test.go"), prog.Source, 0o600); err != nil {
		return "", fmt.Errorf("build tests: %w", err)
	}
	tmp := bin + ".tmp"
	args := append([]string{"test", "-c", "-vet=off", "-o", tmp}, st.GoFlags...)
	args = append(args, "./"+testDir)
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
		os.Remove(tmp)
		return "", toolError(ctx, err, prog.Rewrite(report.String()))
	}
	if err := os.Chmod(tmp, 0o700); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("build tests: %w", err)
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", fmt.Errorf("build tests: %w", err)
	}
	return bin, nil
}
