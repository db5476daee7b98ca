package compiled

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// A kernel learns from `go list -export -deps` where the packages cells
// import are compiled in the user's build cache, which cost the first cell
// of every new kernel a go command run (as long as a build). The package
// index keeps that answer on disk, in the user's conclab cache, so that the
// next kernel starts knowing it.
//
// An index is used only by a kernel that builds exactly what it was made
// for: its name is a hash of the Go release, target and flags, the build
// cache, and the cell module's go.mod and go.sum as they are (the project
// source's directory included), so a package is never linked with others
// built from other source or in another place. A file the build cache has
// dropped since is found missing when a cell needs it (importcfg), and that
// cell is built by the go command, as after `go clean -cache`.

// indexFile is the file of the index of what the toolchain builds now, or
// "" when it keeps none.
func (t *toolchain) indexFile() string {
	if t.indexDir == "" {
		return ""
	}
	shared, _, err := t.sharedKey()
	if err != nil {
		t.logf("no package index", "err", err)
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "shared %s\n", shared)
	for _, n := range []string{"GOROOT", "GOFLAGS", "GOCACHE"} {
		fmt.Fprintf(h, "%s=%s\n", n, t.goenv[n])
	}
	for _, name := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(t.dir, name))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.logf("no package index", "err", err)
			return ""
		}
		fmt.Fprintf(h, "%s:\n%s\n", name, b)
	}
	return filepath.Join(t.indexDir, hex.EncodeToString(h.Sum(nil))[:32]+".json")
}

// loadIndex takes the packages of the index at t.indexPath as known, for
// each mode the shared set does not provide. t.mu is held.
func (t *toolchain) loadIndex() {
	if t.indexPath == "" {
		return
	}
	b, err := os.ReadFile(t.indexPath)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			t.logf("package index not read", "file", t.indexPath, "err", err)
		}
		return
	}
	var idx sharedIndex
	if err := json.Unmarshal(b, &idx); err != nil || idx.Format != sharedFormat {
		t.logf("package index ignored: not an index", "file", t.indexPath)
		return
	}
	for mode, pkgs := range idx.Pkgs {
		if t.fromShared[mode] {
			continue
		}
		for path, p := range pkgs {
			if _, known := t.pkgs[mode][path]; !known {
				t.pkgs[mode][path] = pkgFile{file: p.File, deps: p.Deps, mod: p.Mod}
			}
		}
	}
}

// saveIndex writes what the toolchain knows of the packages built in the
// personal cache (not the shared set's) to t.indexPath, whole: a kernel
// reading it at the same moment reads the old index or the new one. t.mu is
// held.
func (t *toolchain) saveIndex() {
	if t.indexPath == "" {
		return
	}
	idx := sharedIndex{Format: sharedFormat, For: "the personal build cache"}
	for mode, pkgs := range t.pkgs {
		if t.fromShared[mode] || len(pkgs) == 0 {
			continue
		}
		idx.Pkgs[mode] = make(map[string]sharedPkg, len(pkgs))
		for path, pf := range pkgs {
			idx.Pkgs[mode][path] = sharedPkg{File: pf.file, Deps: pf.deps, Mod: pf.mod}
		}
	}
	if err := writeWhole(t.indexPath, idx); err != nil {
		t.logf("package index not written", "file", t.indexPath, "err", err)
	}
}

// writeWhole writes v as JSON into a new file beside file, then renames it
// to file.
func writeWhole(file string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(file), ".index-")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), file)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// moduleStamp tells whether the cell module's requirements changed (a
// `go get` in a shell line): the size and time of go.mod and go.sum.
func (t *toolchain) moduleStamp() string {
	s := ""
	for _, name := range []string{"go.mod", "go.sum"} {
		if fi, err := os.Stat(filepath.Join(t.dir, name)); err == nil {
			s += fmt.Sprintf("%s %d %d;", name, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return s
}
