package install

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInstallWritesSpecAndLogos(t *testing.T) {
	tests := []struct {
		name  string
		where func(dir string) Where
		sub   string
	}{
		{"prefix", func(dir string) Where { return Where{Prefix: dir} }, "share/jupyter/kernels/conclab"},
		{"sys-prefix", func(dir string) Where { t.Setenv("VIRTUAL_ENV", dir); return Where{SysPrefix: true} }, "share/jupyter/kernels/conclab"},
		{"user", func(dir string) Where { t.Setenv("JUPYTER_DATA_DIR", dir); return Where{User: true} }, "kernels/conclab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			got, err := Install(tt.where(dir), "/opt/conclab/bin/conclab", nil)
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(dir, tt.sub); got != want {
				t.Fatalf("installed in %s, want %s", got, want)
			}
			var spec Spec
			b, err := os.ReadFile(filepath.Join(got, "kernel.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &spec); err != nil {
				t.Fatal(err)
			}
			if spec.DisplayName != "Go (conclab)" || spec.Language != "go" || spec.Argv[0] != "/opt/conclab/bin/conclab" {
				t.Errorf("spec = %+v", spec)
			}
			if !strings.Contains(strings.Join(spec.Argv, " "), "{connection_file}") {
				t.Errorf("argv %q lacks {connection_file}", spec.Argv)
			}
			for _, size := range []int{32, 64} {
				f, err := os.ReadFile(filepath.Join(got, fmt.Sprintf("logo-%dx%d.png", size, size)))
				if err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(bytes.NewReader(f))
				if err != nil {
					t.Fatal(err)
				}
				if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
					t.Errorf("logo %d is %v", size, b)
				}
			}
		})
	}
}

func TestSysPrefixNeedsVirtualEnv(t *testing.T) {
	t.Setenv("VIRTUAL_ENV", "")
	if _, err := (Where{SysPrefix: true}).KernelsDir(); err == nil {
		t.Fatal("want an error without VIRTUAL_ENV")
	}
}

func TestLogoHasLanesOnBlue(t *testing.T) {
	b, err := LogoPNG(64)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// Corner transparent, background blue, a bar white, the contended bar gold.
	checks := []struct {
		x, y       int
		r, g, b, a uint32
	}{
		{0, 0, 0, 0, 0, 0},
		{32, 5, 0x00, 0x7d, 0x9c, 0xff},
		{15, 16, 0xff, 0xff, 0xff, 0xff},
		{30, 30, 0xfd, 0xdd, 0x00, 0xff},
	}
	for _, c := range checks {
		r, g, bl, a := img.At(c.x, c.y).RGBA()
		if r>>8 != c.r || g>>8 != c.g || bl>>8 != c.b || a>>8 != c.a {
			t.Errorf("pixel (%d,%d) = %02x%02x%02x/%02x, want %02x%02x%02x/%02x", c.x, c.y, r>>8, g>>8, bl>>8, a>>8, c.r, c.g, c.b, c.a)
		}
	}
	if !strings.Contains(LogoSVG(), `fill="#fddd00"`) {
		t.Error("SVG logo lacks the gold bar")
	}
}
