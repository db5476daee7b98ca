package compiled

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/workspace"
)

// TestSharedPackages: a kernel whose personal build cache is empty builds
// and runs a cell from a shared set alone, writing nothing to that cache;
// a set built for another toolchain is ignored with a log line, and cells
// still build.
func TestSharedPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go packages")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	installer, err := workspace.Create(t.TempDir(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "packages")
	roots := []string{"fmt", "time", "github.com/conclab/conclab/demos"}
	if err := WriteShared(ctx, "go", installer.Dir, dir, roots, false); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, sharedIndexName)); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("index: %v, %v; want a file everyone can read", fi, err)
	}

	newUser := func(t *testing.T, shared string, log *bytes.Buffer) *Engine {
		// Another user: their own cache of unpacked source, workspace and
		// logs.
		ws, err := workspace.Create(t.TempDir(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		e, err := New(Options{Workspace: ws, Shared: shared, Grace: 500 * time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(log, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	const cellSrc = "fmt.Println(demos.FormatDuration(1500 * time.Millisecond))"

	t.Run("empty personal cache", func(t *testing.T) {
		cache := t.TempDir()
		t.Setenv("GOCACHE", cache)
		var log bytes.Buffer
		e := newUser(t, dir, &log)
		out := &recorder{}
		if err := run(t, e, 1, cellSrc, engine.Settings{}, out); err != nil {
			t.Fatalf("cell: %v\nstderr: %s\nlog: %s", err, out.stderr.String(), log.String())
		}
		if got := out.stdout.String(); got != "1.5s\n" {
			t.Errorf("stdout %q", got)
		}
		// go env keeps a few facts about the C compiler there; a build
		// of fmt alone would write megabytes.
		var size int64
		filepath.WalkDir(cache, func(_ string, d fs.DirEntry, _ error) error {
			if d == nil || d.IsDir() {
				return nil
			}
			if fi, err := d.Info(); err == nil {
				size += fi.Size()
			}
			return nil
		})
		if size > 64<<10 {
			t.Errorf("the personal cache grew to %d bytes: the cell was built without the shared set\nlog: %s", size, log.String())
		}
		if strings.Contains(log.String(), "shared packages not used") {
			t.Errorf("log: %s", log.String())
		}
	})

	t.Run("a package the set lacks", func(t *testing.T) {
		var log bytes.Buffer
		e := newUser(t, dir, &log)
		out := &recorder{}
		src := "import \"encoding/csv\"\nw := csv.NewWriter(os.Stdout)\nw.Write([]string{demos.FormatDuration(time.Second), \"b\"})\nw.Flush()"
		if err := run(t, e, 1, src, engine.Settings{}, out); err != nil || out.stdout.String() != "1s,b\n" {
			t.Fatalf("cell: %v, stdout %q, stderr %s", err, out.stdout.String(), out.stderr.String())
		}
		if !strings.Contains(log.String(), "packages the shared set lacks") {
			t.Errorf("log does not say the set was left: %s", log.String())
		}
	})

	t.Run("a set for another toolchain", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(dir, sharedIndexName))
		if err != nil {
			t.Fatal(err)
		}
		var idx sharedIndex
		if err := json.Unmarshal(b, &idx); err != nil {
			t.Fatal(err)
		}
		other := t.TempDir()
		idx.Key, idx.For = "0123", "go1.0 plan9/mips, cell module conclab.cell"
		b, _ = json.Marshal(idx)
		if err := os.WriteFile(filepath.Join(other, sharedIndexName), b, 0o644); err != nil {
			t.Fatal(err)
		}
		var log bytes.Buffer
		e := newUser(t, other, &log)
		out := &recorder{}
		if err := run(t, e, 1, cellSrc, engine.Settings{}, out); err != nil || out.stdout.String() != "1.5s\n" {
			t.Fatalf("cell: %v, stdout %q", err, out.stdout.String())
		}
		if !strings.Contains(log.String(), "shared packages not used") || !strings.Contains(log.String(), "plan9/mips") {
			t.Errorf("log does not say why the set was ignored: %s", log.String())
		}
	})
}

func TestNormalizeReplaces(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"replace github.com/conclab/conclab => /home/a/.cache/conclab/src-12ab", "replace github.com/conclab/conclab => src-12ab"},
		{"replace (\n\tx => /b/src-34cd\n\ty => ../rel\n)", "replace (\n\tx => src-34cd\n\ty => ../rel\n)"},
		{"require x v1.0.0", "require x v1.0.0"},
	} {
		if got := normalizeReplaces(tt.in); got != tt.want {
			t.Errorf("normalizeReplaces(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
