package plots

import (
	"fmt"
	"html"
	"io"
	"os"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
	"gonum.org/v1/plot/vg"
)

// Show displays the chart under the notebook cell when the program runs
// with a display channel (gonbui.IsNotebook), as a PNG with the text summary
// for frontends that cannot show images, followed by the summary folded
// under a "figures" line that a reader opens with a click (JupyterLab
// shows a PNG alone where both are offered); otherwise it prints the
// summary to standard output. It returns once the kernel has shown the
// chart, so that what the program prints next comes under it.
func (c *Chart) Show() error {
	if !gonbui.IsNotebook {
		return c.print(os.Stdout)
	}
	send := func(d *protocol.DisplayData) error {
		gonbui.SendData(d)
		if err := gonbui.Error(); err != nil {
			return fmt.Errorf("show chart: %w", err)
		}
		return nil
	}
	if err := c.display(send); err != nil {
		return err
	}
	if err := send(c.FiguresData()); err != nil {
		return err
	}
	// Text the program prints next comes on another pipe, and could
	// overtake the chart: wait until the kernel has shown it.
	gonbui.Sync()
	return nil
}

// FiguresData is the chart's text summary as a Jupyter display message:
// HTML that folds it under a one-line "figures" heading, and nothing for
// plain-text frontends, which have it with the chart already.
func (c *Chart) FiguresData() *protocol.DisplayData {
	head, _, _ := strings.Cut(c.title, "\n")
	return &protocol.DisplayData{Data: map[protocol.MIMEType]any{
		protocol.MIMETextHTML: `<details class="conclab-figures"><summary>figures: ` + html.EscapeString(head) +
			`</summary><pre>` + html.EscapeString(c.String()) + `</pre></details>`,
		protocol.MIMETextPlain: "",
	}}
}

// print writes the summary, for programs outside a notebook.
func (c *Chart) print(w io.Writer) error {
	if _, err := io.WriteString(w, c.String()); err != nil {
		return fmt.Errorf("show chart: %w", err)
	}
	return c.err
}

// display sends the chart through send as one display message.
func (c *Chart) display(send func(*protocol.DisplayData) error) error {
	d, err := c.DisplayData()
	if err != nil {
		return fmt.Errorf("show chart: %w", err)
	}
	return send(d)
}

// DisplayData is the chart as a Jupyter display message: a PNG at PNGDPI
// with metadata that asks the frontend to show it at its 96-dpi size (so
// that it is sharp on high-density screens), and the summary as text/plain.
func (c *Chart) DisplayData() (*protocol.DisplayData, error) {
	png, err := c.PNG()
	if err != nil {
		return nil, err
	}
	w, h := c.pixels()
	return &protocol.DisplayData{
		Data: map[protocol.MIMEType]any{
			protocol.MIMEImagePNG:  png,
			protocol.MIMETextPlain: c.String(),
		},
		// map[string]int is one of the types gonbui registers with gob.
		Metadata: map[string]any{
			string(protocol.MIMEImagePNG): map[string]int{"width": w, "height": h},
		},
	}, nil
}

// pixels is the chart's size on a 96-dpi screen.
func (c *Chart) pixels() (w, h int) {
	const screenDPI = 96
	return int(float64(c.width/vg.Inch)*screenDPI + 0.5), int(float64(c.height/vg.Inch)*screenDPI + 0.5)
}
