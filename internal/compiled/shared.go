package compiled

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
)

// A shared package set is the compiled packages cells use (the standard
// library, demos, plots, gonum, ...), built once by an install into a
// directory every user can read, so that on a machine shared by a class no
// user's first cell waits for them to build into a personal cache, and no
// home holds a copy. The toolchain links cells against the set's files as it
// would against the build cache's: the set's index says, for the set's
// mode (plain and race), each package's file, what it imports and its
// module, as `go list -export -deps` did when the set was built.
//
// A set is used only when it was built for what this kernel builds: the
// same Go release and target, the same cgo flags, and the same cell module
// (requirements and sums, and the same project source), which its key
// hashes. Any difference and the set is ignored, with one log line: a
// package it lacks, or any package when it is ignored, comes from the
// personal build cache through the go command, as without a set.

// SharedEnv names the environment variable that gives the shared set's
// directory; without it, kernels look in SharedDir.
const SharedEnv = "CONCLAB_SHARED"

// sharedIndexName is the set's index file; sharedFormat its format.
const (
	sharedIndexName = "index.json"
	sharedFormat    = 1
)

// SharedDir is where kernels look for a shared set when SharedEnv is not
// set: lib/conclab/packages beside the bin directory of the conclab
// binary (/usr/local/lib/conclab/packages for /usr/local/bin/conclab).
func SharedDir() (string, error) {
	if d := os.Getenv(SharedEnv); d != "" {
		return d, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("shared packages: %w", err)
	}
	return filepath.Join(filepath.Dir(filepath.Dir(exe)), "lib", "conclab", "packages"), nil
}

// sharedIndex is the set's index.
type sharedIndex struct {
	Format int    `json:"format"`
	Key    string `json:"key"`
	// For is what the key stands for, in words, for the log line of a
	// kernel that ignores the set.
	For  string                  `json:"for"`
	Pkgs [2]map[string]sharedPkg `json:"pkgs"` // by mode (race): import path -> package
}

// sharedPkg is one compiled package of the set.
type sharedPkg struct {
	File string        `json:"file,omitempty"` // relative to the set's directory; "" for unsafe
	Deps []string      `json:"deps,omitempty"`
	Mod  *debug.Module `json:"mod,omitempty"`
}

// sharedKey identifies what the toolchain builds: the Go release and
// target, the cgo flags, and the cell module's go.mod and go.sum, with the
// directory of the project source left out (each user unpacks it in their
// own cache, under a name that holds the source's hash). It returns the key
// and a short description.
func (t *toolchain) sharedKey() (key, what string, err error) {
	h := sha256.New()
	for _, n := range []string{"GOVERSION", "GOOS", "GOARCH", "GOAMD64", "GOARM64",
		"CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS"} {
		fmt.Fprintf(h, "%s=%s\n", n, t.goenv[n])
	}
	for _, name := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(t.dir, name))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", "", fmt.Errorf("shared packages: %w", err)
		}
		fmt.Fprintf(h, "%s:\n%s\n", name, normalizeReplaces(string(b)))
	}
	what = fmt.Sprintf("%s %s/%s, cell module %s", t.goenv["GOVERSION"], t.goenv["GOOS"], t.goenv["GOARCH"], t.module)
	return hex.EncodeToString(h.Sum(nil)), what, nil
}

// normalizeReplaces keeps, of each directory a replace directive names,
// only its last element: "src-<hash>", the same for every user.
func normalizeReplaces(mod string) string {
	lines := strings.Split(mod, "\n")
	for i, l := range lines {
		before, target, ok := strings.Cut(l, "=>")
		if t := strings.TrimSpace(target); ok && filepath.IsAbs(t) {
			lines[i] = before + "=> " + filepath.Base(t)
		}
	}
	return strings.Join(lines, "\n")
}

// loadShared reads the shared set in dir and, when it is built for what the
// toolchain builds, takes its packages as known. It returns why it did not
// take them ("" when it did, or when dir holds no set).
func (t *toolchain) loadShared(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, sharedIndexName))
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil {
		return err.Error()
	}
	var idx sharedIndex
	if err := json.Unmarshal(b, &idx); err != nil || idx.Format != sharedFormat {
		return fmt.Sprintf("%s is not an index of format %d", filepath.Join(dir, sharedIndexName), sharedFormat)
	}
	key, what, err := t.sharedKey()
	if err != nil {
		return err.Error()
	}
	if idx.Key != key {
		return fmt.Sprintf("built for %s, not for this kernel's %s", idx.For, what)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for mode, pkgs := range idx.Pkgs {
		t.fromShared[mode] = len(pkgs) > 0
		for path, p := range pkgs {
			file := ""
			if p.File != "" {
				file = filepath.Join(dir, filepath.FromSlash(p.File))
			}
			t.pkgs[mode][path] = pkgFile{file: file, deps: p.Deps, mod: p.Mod}
		}
	}
	return ""
}

// WriteShared builds the packages roots need (with race, also as the race
// detector builds them) with the go command in the cell module at moduleDir,
// and writes them into dir as a shared set: readable by everyone, written
// whole into a new directory that then replaces dir, so that a kernel
// never reads half a set.
func WriteShared(ctx context.Context, goCmd, moduleDir, dir string, roots []string, race bool) error {
	t := newToolchain(goCmd, moduleDir)
	if err := t.init(ctx); err != nil {
		return fmt.Errorf("shared packages: %w", err)
	}
	key, what, err := t.sharedKey()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("shared packages: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".packages-")
	if err != nil {
		return fmt.Errorf("shared packages: %w", err)
	}
	defer os.RemoveAll(tmp)
	idx := sharedIndex{Format: sharedFormat, Key: key, For: what}
	modes := 1
	if race {
		modes = 2
	}
	for mode := range modes {
		need := append([]string{"runtime"}, roots...)
		if mode == 1 {
			need = append(need, "runtime/race")
		}
		if err := t.list(ctx, need, mode); err != nil {
			return fmt.Errorf("shared packages: build %v: %w", need, err)
		}
		idx.Pkgs[mode] = map[string]sharedPkg{}
		sub := []string{"plain", "race"}[mode]
		if err := os.Mkdir(filepath.Join(tmp, sub), 0o755); err != nil {
			return fmt.Errorf("shared packages: %w", err)
		}
		n := 0
		for path, pf := range t.pkgs[mode] {
			sp := sharedPkg{Deps: pf.deps, Mod: pf.mod}
			if pf.file != "" {
				n++
				sp.File = sub + "/" + strconv.Itoa(n) + ".a"
				if err := copyFile(pf.file, filepath.Join(tmp, filepath.FromSlash(sp.File))); err != nil {
					return fmt.Errorf("shared packages: %s: %w", path, err)
				}
			}
			idx.Pkgs[mode][path] = sp
		}
	}
	b, err := json.MarshalIndent(idx, "", "\t")
	if err != nil {
		return fmt.Errorf("shared packages: %w", err)
	}
	if err := os.WriteFile(filepath.Join(tmp, sharedIndexName), b, 0o644); err != nil {
		return fmt.Errorf("shared packages: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("shared packages: %w", err)
	}
	old := dir + ".old"
	os.RemoveAll(old)
	if err := os.Rename(dir, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("shared packages: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("shared packages: %w", err)
	}
	return os.RemoveAll(old)
}

// copyFile copies src to a new file dst that everyone can read.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// SharedExport is the file of the shared set's compiled package path (as
// cells build it, without the race detector), or "" when the set does not
// have it or is not used: what completion can read instead of building it.
func (e *Engine) SharedExport(path string) string {
	t := e.tc
	if t.init(context.Background()) != nil {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.fromShared[0] {
		return ""
	}
	return t.pkgs[0][path].file
}
