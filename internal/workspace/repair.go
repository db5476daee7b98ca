package workspace

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// A stamp is what a stat says of a file: enough to notice that it changed.
type stamp struct {
	size int64
	mod  time.Time
	mode fs.FileMode
}

func stampOf(fi fs.FileInfo) stamp { return stamp{fi.Size(), fi.ModTime(), fi.Mode()} }

// Repair makes the workspace whole again and says what it restored, in
// words for the user ("" entries never). Cells run as the kernel's user, so
// a cell may remove or change what every later build relies on: the cell
// module (`!rm -rf /tmp/conclab-*`), its go.mod, the unpacked project
// source (a program editing demos/). The compiled engine calls Repair
// before each build. Its cost is a directory walk of the source and a stat
// per file; only files whose stat changed since the last look are read.
// An error means the workspace cannot be made whole: the session must
// restart.
func (w *Workspace) Repair() ([]string, error) {
	var did []string
	note, err := w.repairModule()
	if err != nil {
		return did, fmt.Errorf("workspace: repair the cell module %s: %w", w.Dir, err)
	}
	did = append(did, note...)
	note, err = w.repairSource()
	if err != nil {
		return did, fmt.Errorf("workspace: repair the project source %s: %w", w.SrcDir, err)
	}
	return append(did, note...), nil
}

// repairModule remakes the cell module's directory, go.mod, go.sum and
// owner file where they are missing or changed.
func (w *Workspace) repairModule() ([]string, error) {
	var did []string
	made, err := ensureDir(w.Dir)
	if err != nil {
		return nil, err
	}
	if made {
		did = append(did, "made the cell module "+w.Dir+" again")
	}
	for _, name := range []string{"go.mod", "go.sum"} {
		p := filepath.Join(w.Dir, name)
		if b, err := os.ReadFile(p); err == nil && bytes.Equal(b, w.module[name]) {
			continue
		}
		if err := writeFile(p, w.module[name]); err != nil {
			return did, err
		}
		if !made {
			did = append(did, "restored the cell module's "+name)
		}
	}
	if b, err := os.ReadFile(filepath.Join(w.Dir, ownerFile)); err != nil || !ownedBySelf(b) {
		if err := Claim(w.Dir); err != nil {
			return did, err
		}
	}
	return did, nil
}

// repairSource restores the unpacked project source to the embedded one:
// files missing or changed are written again, files that are not part of it
// are removed (a stray .go file would change a package).
func (w *Workspace) repairSource() ([]string, error) {
	if _, err := os.Stat(w.SrcDir); errors.Is(err, fs.ErrNotExist) {
		hash := strings.TrimPrefix(filepath.Base(w.SrcDir), "src-")
		if _, err := unpack(w.cacheDir, w.source, hash); err != nil {
			return nil, err
		}
		w.seen = nil
		if _, err := w.repairSource(); err != nil {
			return nil, err
		}
		return []string{"unpacked the project source " + w.SrcDir + " again"}, nil
	}
	if w.seen == nil {
		w.seen = map[string]stamp{}
	}
	if w.want == nil {
		w.want = make(map[string][]byte, len(w.source))
		w.dirs = map[string]bool{".": true}
		for _, f := range w.source {
			w.want[f.path] = f.data
			for d := path.Dir(f.path); d != "."; d = path.Dir(d) {
				w.dirs[d] = true
			}
		}
	}
	want, dirs := w.want, w.dirs
	found := map[string]bool{}
	var restore, stray []string
	err := filepath.WalkDir(w.SrcDir, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(w.SrcDir, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			// An unreadable directory: what it should hold is restored
			// below, which makes it readable again.
			if d != nil && d.IsDir() && p != w.SrcDir {
				return fs.SkipDir
			}
			return err
		}
		if d.IsDir() {
			if !dirs[rel] {
				stray = append(stray, p)
				return fs.SkipDir
			}
			return nil
		}
		data, ok := want[rel]
		if !ok {
			if !strings.HasPrefix(d.Name(), ".repair-") { // another kernel's, mid-write
				stray = append(stray, p)
			}
			return nil
		}
		found[rel] = true
		fi, err := d.Info()
		if err != nil || !fi.Mode().IsRegular() {
			restore = append(restore, rel)
			return nil
		}
		if st, ok := w.seen[rel]; ok && st == stampOf(fi) {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil && bytes.Equal(b, data) && fi.Mode().Perm() == 0o600 {
			w.seen[rel] = stampOf(fi)
			return nil
		}
		restore = append(restore, rel)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, f := range w.source {
		if !found[f.path] && !slices.Contains(restore, f.path) {
			restore = append(restore, f.path)
		}
	}
	for _, p := range stray {
		if err := os.RemoveAll(p); err != nil {
			return nil, err
		}
	}
	for _, rel := range restore {
		p := filepath.Join(w.SrcDir, filepath.FromSlash(rel))
		if _, err := ensureDir(filepath.Dir(p)); err != nil {
			return nil, err
		}
		if fi, err := os.Lstat(p); err == nil && !fi.Mode().IsRegular() {
			if err := os.RemoveAll(p); err != nil {
				return nil, err
			}
		}
		if err := writeFile(p, want[rel]); err != nil {
			return nil, err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return nil, err
		}
		w.seen[rel] = stampOf(fi)
	}
	var did []string
	if n := len(restore); n > 0 {
		did = append(did, fmt.Sprintf("restored %d %s of the project source", n, plural(n, "file")))
	}
	if n := len(stray); n > 0 {
		did = append(did, fmt.Sprintf("removed %d %s added to the project source", n, plural(n, "file")))
	}
	return did, nil
}

// ensureDir makes dir a private directory of the user's: made if missing
// (reported), put back where a file or a link took its place (reported),
// made 0700 again if its mode was changed.
func ensureDir(dir string) (made bool, err error) {
	fi, err := os.Lstat(dir)
	switch {
	case err == nil && fi.IsDir():
		if fi.Mode().Perm() != 0o700 {
			return false, os.Chmod(dir, 0o700)
		}
		return false, nil
	case err == nil:
		if err := os.Remove(dir); err != nil {
			return false, err
		}
	case !errors.Is(err, fs.ErrNotExist):
		return false, err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return false, err
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return false, err
	}
	return true, nil
}

// writeFile replaces p with data, mode 0600, in one rename: another kernel
// building against the same source never reads a half-written file.
func writeFile(p string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(p), ".repair-")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
