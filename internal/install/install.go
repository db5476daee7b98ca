// Package install writes conclab's Jupyter kernelspec: kernel.json, which
// tells Jupyter how to start `conclab kernel`, and the logos.
package install

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Name is the kernelspec's name (the directory under kernels/).
const Name = "conclab"

// DisplayName is how frontends list the kernel.
const DisplayName = "Go (conclab)"

// Spec is the content of kernel.json.
type Spec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata,omitempty"`
}

// NewSpec is the kernelspec that starts binary (an absolute path) as a kernel.
// Interrupts come as interrupt_request messages: the kernel then stops the
// cell's process group, which works the same on every frontend; SIGINT to the
// kernel is handled too.
func NewSpec(binary string, env map[string]string) Spec {
	return Spec{
		Argv:          []string{binary, "kernel", "--connection-file", "{connection_file}"},
		DisplayName:   DisplayName,
		Language:      "go",
		InterruptMode: "message",
		Env:           env,
		// JupyterLab offers its debugger for a kernel whose spec says so:
		// when Delve was built beside the binary (the kernel looks there).
		Metadata: map[string]any{"debugger": hasDlv(binary)},
	}
}

// hasDlv reports whether an executable dlv sits beside binary.
func hasDlv(binary string) bool {
	fi, err := os.Stat(filepath.Join(filepath.Dir(binary), "dlv"))
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// Where says which kernels directory to install into, as jupyter
// kernelspec install does.
type Where struct {
	User      bool   // ~/.local/share/jupyter/kernels
	SysPrefix bool   // sys.prefix of the Python that runs Jupyter: $VIRTUAL_ENV or Prefix
	Prefix    string // PREFIX/share/jupyter/kernels
}

// KernelsDir resolves w to a directory. With SysPrefix it uses the
// VIRTUAL_ENV of the environment, so `make install` inside the project's venv
// lands where that venv's Jupyter looks.
func (w Where) KernelsDir() (string, error) {
	switch {
	case w.Prefix != "":
		return filepath.Join(w.Prefix, "share", "jupyter", "kernels"), nil
	case w.SysPrefix:
		if v := os.Getenv("VIRTUAL_ENV"); v != "" {
			return filepath.Join(v, "share", "jupyter", "kernels"), nil
		}
		return "", fmt.Errorf("install --sys-prefix: no VIRTUAL_ENV set; use --prefix DIR or activate the environment")
	default:
		if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
			return filepath.Join(d, "kernels"), nil
		}
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("install --user: %w", err)
		}
		return filepath.Join(home, ".local", "share", "jupyter", "kernels"), nil
	}
}

// Install writes the kernelspec for binary into w and returns its directory.
func Install(w Where, binary string, env map[string]string) (string, error) {
	kernels, err := w.KernelsDir()
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(binary)
	if err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	dir := filepath.Join(kernels, Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	spec, err := json.MarshalIndent(NewSpec(abs, env), "", "  ")
	if err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	files := map[string][]byte{"kernel.json": append(spec, '\n'), "logo-svg.svg": []byte(LogoSVG())}
	for _, size := range []int{32, 64} {
		png, err := LogoPNG(size)
		if err != nil {
			return "", err
		}
		files[fmt.Sprintf("logo-%dx%d.png", size, size)] = png
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return "", fmt.Errorf("install: %w", err)
		}
	}
	return dir, nil
}
