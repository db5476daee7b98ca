package engine

import (
	"encoding/base64"

	"github.com/conclab/conclab/internal/display"
	"gonum.org/v1/plot/vg"
)

// A Chart is a picture the kernel itself draws under a cell (a %trace
// view, %test's benchmark bars): plots' charts are.
type Chart interface {
	PNG() ([]byte, error)
	Size() (w, h vg.Length)
}

// ShowChart displays c as a PNG at its 96-dpi size (sharp on high-density
// screens), with text as its plain-text form.
func ShowChart(out Output, c Chart, text string) error {
	png, err := c.PNG()
	if err != nil {
		return err
	}
	w, h := c.Size()
	out.Display(display.Data{
		Data:     map[string]any{"image/png": base64.StdEncoding.EncodeToString(png), "text/plain": text},
		Metadata: map[string]any{"image/png": map[string]any{"width": pixels(w), "height": pixels(h)}},
	})
	return nil
}

// pixels is a length on a 96-dpi screen.
func pixels(l vg.Length) int { return int(float64(l/vg.Inch)*96 + 0.5) }
