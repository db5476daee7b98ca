package compiled

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/engine"
)

// testDir is the package of the cell module that %test cells are built in,
// apart from main.go, so that `go build` of other cells never sees them.
const testDir = "gotest"

// buildTest builds prog as a test binary into the binary cache and returns
// its path: with the compiler and linker directly, as cells are built (see
// toolchain.buildTest), or else with go test -c. Its one file is
// main_test.go: go test runs only the functions of _test.go files, and
// ignores a main package's main.
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
	tmp := bin + ".tmp"
	err := errIndirect
	if race, ok := directFlags(st.GoFlags); ok {
		err = e.tc.buildTest(ctx, prog.Source, race, tmp, prog.Rewrite)
	}
	if errors.Is(err, errIndirect) {
		e.opt.Logger.Debug("building the tests with the go command", "flags", st.GoFlags)
		err = e.goTestBuild(ctx, prog, st, tmp)
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
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

// goTestBuild builds prog's tests with go test -c, for what the toolchain's
// direct path does not cover.
func (e *Engine) goTestBuild(ctx context.Context, prog *cell.Program, st engine.Settings, out string) error {
	dir := filepath.Join(e.opt.Workspace.Dir, testDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("build tests: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main_test.go"), prog.Source, 0o600); err != nil {
		return fmt.Errorf("build tests: %w", err)
	}
	args := append([]string{"test", "-c", "-vet=off", "-o", out}, st.GoFlags...)
	return e.goCommand(ctx, prog, st, append(args, "./"+testDir)...)
}
