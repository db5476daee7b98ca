// Package workspace prepares the Go module in which the compiled engine
// builds cell programs: the embedded project source unpacked once per
// release, and a module that requires it by a replace directive, so cells
// import demos, plots, gonbui and gonum/plot with no network.
package workspace

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/conclab/conclab"
)

// A Workspace is a module directory for cell programs.
type Workspace struct {
	Dir    string // the cell module: go.mod, go.sum, main.go
	SrcDir string // the unpacked project source that the cell module replaces

	cacheDir string
	source   []sourceFile      // what SrcDir must hold
	module   map[string][]byte // what Dir's go.mod and go.sum must hold
	seen     map[string]stamp  // the source files as last checked
	want     map[string][]byte // source by path, and its directories:
	dirs     map[string]bool   // made at the first Repair
}

// Create unpacks the project source under cacheDir (once per source hash,
// shared by all kernels) and makes a private cell module in a new 0700
// directory under tmpDir ("" means the system's temporary directory).
func Create(cacheDir, tmpDir string) (*Workspace, error) {
	source, hash, err := embedded()
	if err != nil {
		return nil, err
	}
	src, err := unpack(cacheDir, source, hash)
	if err != nil {
		return nil, err
	}
	module, err := moduleFiles(src)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(tmpDir, "conclab-")
	if err != nil {
		return nil, fmt.Errorf("workspace: %w", err)
	}
	w := &Workspace{Dir: dir, SrcDir: src, cacheDir: cacheDir, source: source, module: module}
	if _, err := w.Repair(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return w, nil
}

// Remove deletes the cell module (not the shared source).
func (w *Workspace) Remove() error { return os.RemoveAll(w.Dir) }

// A sourceFile is one file of the embedded project source.
type sourceFile struct {
	path string // slash-separated, relative to the source root
	data []byte
}

// embedded returns the files of the embedded project source and a hash of
// them all, which names the directory they are unpacked to.
func embedded() ([]sourceFile, string, error) {
	h := sha256.New()
	var files []sourceFile
	err := fs.WalkDir(conclab.Source, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(conclab.Source, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		files = append(files, sourceFile{p, b})
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("unpack source: %w", err)
	}
	return files, hex.EncodeToString(h.Sum(nil))[:16], nil
}

// Unpack writes the embedded project source to cacheDir/src-<hash> unless it
// is there already, and returns that directory. The hash covers every file,
// so a new release never builds against an old copy.
func Unpack(cacheDir string) (string, error) {
	files, hash, err := embedded()
	if err != nil {
		return "", err
	}
	return unpack(cacheDir, files, hash)
}

func unpack(cacheDir string, files []sourceFile, hash string) (string, error) {
	dst := filepath.Join(cacheDir, "src-"+hash)
	if _, err := os.Stat(filepath.Join(dst, "go.mod")); err == nil {
		// In use: SweepSources keeps what kernels started lately.
		now := time.Now()
		_ = os.Chtimes(dst, now, now)
		return dst, nil
	}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return "", fmt.Errorf("unpack source: %w", err)
	}
	// Write into a temporary sibling and rename, so that two kernels starting
	// at once never see a half-written tree.
	tmp, err := os.MkdirTemp(cacheDir, ".src-")
	if err != nil {
		return "", fmt.Errorf("unpack source: %w", err)
	}
	defer os.RemoveAll(tmp)
	for _, f := range files {
		out := filepath.Join(tmp, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
			return "", fmt.Errorf("unpack source: %w", err)
		}
		if err := os.WriteFile(out, f.data, 0o600); err != nil {
			return "", fmt.Errorf("unpack source: %w", err)
		}
	}
	if err := os.Chmod(tmp, 0o700); err != nil {
		return "", fmt.Errorf("unpack source: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		if _, statErr := os.Stat(filepath.Join(dst, "go.mod")); statErr == nil {
			return dst, nil // another kernel won the race
		}
		return "", fmt.Errorf("unpack source: %w", err)
	}
	return dst, nil
}

// writeModule writes go.mod and go.sum of a module that builds against the
// project source unpacked in src.
func writeModule(dir, src string) error {
	files, err := moduleFiles(src)
	if err != nil {
		return err
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return fmt.Errorf("workspace %s: %w", name, err)
		}
	}
	return nil
}

// moduleFiles returns go.mod and go.sum of a module that builds against the
// project source unpacked in src: every requirement of the project (so that
// imports of its dependencies resolve offline from the module cache) but
// those it replaces by a directory, and a replace directive to the source.
func moduleFiles(src string) (map[string][]byte, error) {
	projMod, err := fs.ReadFile(conclab.Source, "go.mod")
	if err != nil {
		return nil, fmt.Errorf("workspace go.mod: %w", err)
	}
	pf, err := modfile.Parse("go.mod", projMod, nil)
	if err != nil {
		return nil, fmt.Errorf("workspace go.mod: %w", err)
	}
	var b strings.Builder
	b.WriteString("module conclab.cell\n\n")
	if pf.Go != nil {
		fmt.Fprintf(&b, "go %s\n\n", pf.Go.Version)
	}
	b.WriteString("require (\n")
	fmt.Fprintf(&b, "\t%s v0.0.0-00010101000000-000000000000\n", conclab.ModulePath)
	patched := make(map[string]bool)
	for _, r := range pf.Replace {
		if r.New.Version == "" {
			patched[r.Old.Path] = true
		}
	}
	for _, r := range pf.Require {
		// A dependency the project patches (third_party) is the kernel's
		// own business: its copy is not in the module cache, and cells do
		// not import it.
		if !patched[r.Mod.Path] {
			fmt.Fprintf(&b, "\t%s %s\n", r.Mod.Path, r.Mod.Version)
		}
	}
	b.WriteString(")\n\n")
	fmt.Fprintf(&b, "replace %s => %s\n", conclab.ModulePath, src)
	sum, err := fs.ReadFile(conclab.Source, "go.sum")
	if err != nil {
		return nil, fmt.Errorf("workspace go.sum: %w", err)
	}
	return map[string][]byte{"go.mod": []byte(b.String()), "go.sum": sum}, nil
}
