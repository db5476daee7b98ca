package plots

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui/protocol"

	"github.com/conclab/conclab/demos"
	"gonum.org/v1/plot/vg"
)

func TestPNGDimensions(t *testing.T) {
	tests := []struct {
		name  string
		chart *Chart
	}{
		{"one lane", Timeline(poolRecording(1, 3, ms, "cpu"))},
		{"eight lanes", Timeline(poolRecording(8, 3, ms, "cpu"))},
		{"64 lanes", Timeline(poolRecording(64, 3, ms, "cpu"))},
		{"speedup", Speedup(Sweep{Runs: []Run{{1, 40 * ms, 40 * ms}, {2, 21 * ms, 40 * ms}}})},
		{"distribution", Distribution("d", Sample{"a", []time.Duration{ms, 2 * ms}})},
		{"resized", Timeline(poolRecording(2, 3, ms, "cpu")).SetSize(300, 150)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := tt.chart.PNG()
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := png.DecodeConfig(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			w, h := tt.chart.Size()
			wantW, wantH := int(float64(w)/72*PNGDPI+0.5), int(float64(h)/72*PNGDPI+0.5)
			if cfg.Width != wantW || cfg.Height != wantH {
				t.Errorf("PNG is %d×%d, want %d×%d", cfg.Width, cfg.Height, wantW, wantH)
			}
			if tt.name != "resized" && cfg.Width != 1600 {
				t.Errorf("PNG width %d, want 1600 (800 pixels at 2×)", cfg.Width)
			}
		})
	}
}

func TestTimelineHeightGrowsWithLanes(t *testing.T) {
	var prev vg.Length
	for _, lanes := range []int{1, 2, 8, 16, 64} {
		_, h := Timeline(poolRecording(lanes, 1, ms, "cpu")).Size()
		if h < prev {
			t.Errorf("%d lanes: height %v, less than with fewer lanes (%v)", lanes, h, prev)
		}
		prev = h
		perLane := float64(h-chromeHeight) / float64(lanes)
		if lanes >= 8 && (perLane < minLane || perLane > maxLane+0.5) {
			t.Errorf("%d lanes get %.1fpt each, want %d..%d", lanes, perLane, minLane, maxLane)
		}
	}
}

func TestSave(t *testing.T) {
	dir := t.TempDir()
	c := Timeline(poolRecording(2, 2, ms, "cpu"))
	tests := []struct {
		file    string
		prefix  string
		wantErr string
	}{
		{"t.png", "\x89PNG", ""},
		{"T.SVG", "<?xml", ""},
		{"t.pdf", "", "unknown format"},
		{"t", "", "unknown format"},
		{filepath.Join("missing", "t.png"), "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			err := c.Save(path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Save(%s) = %v, want error with %q", tt.file, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(data, []byte(tt.prefix)) {
				t.Errorf("%s starts with %q, want %q", tt.file, data[:min(8, len(data))], tt.prefix)
			}
		})
	}
}

func TestTooSmall(t *testing.T) {
	c := Timeline(poolRecording(1, 1, ms)).SetSize(10, 10)
	if _, err := c.PNG(); err == nil || !strings.Contains(err.Error(), "too small") {
		t.Errorf("PNG of a 10pt chart: %v, want a too-small error", err)
	}
	if err := c.print(&bytes.Buffer{}); err != nil {
		t.Errorf("printing the summary needs no room, got %v", err)
	}
}

func TestShowOutsideNotebookPrintsSummary(t *testing.T) {
	c := Timeline(poolRecording(2, 2, ms, "cpu"))
	var buf bytes.Buffer
	if err := c.print(&buf); err != nil {
		t.Fatal(err)
	}
	if buf.String() != c.String() || !strings.HasPrefix(buf.String(), "Timeline: pool\n") {
		t.Errorf("printed %q", buf.String())
	}
}

func TestShowInNotebookSendsPNG(t *testing.T) {
	c := Timeline(poolRecording(2, 2, ms, "cpu"))
	var sent []*protocol.DisplayData
	err := c.display(func(d *protocol.DisplayData) error {
		sent = append(sent, d)
		return nil
	})
	if err != nil || len(sent) != 1 {
		t.Fatalf("display: %v, %d messages", err, len(sent))
	}
	d := sent[0]
	img, ok := d.Data[protocol.MIMEImagePNG].([]byte)
	if !ok {
		t.Fatalf("image/png is %T", d.Data[protocol.MIMEImagePNG])
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	if d.Data[protocol.MIMETextPlain] != c.String() {
		t.Error("text/plain should be the summary")
	}
	meta, ok := d.Metadata["image/png"].(map[string]int)
	if !ok {
		t.Fatalf("metadata = %#v", d.Metadata)
	}
	if meta["width"] != 800 || meta["width"]*2 != cfg.Width || meta["height"]*2 != cfg.Height {
		t.Errorf("metadata %v for a %d×%d PNG, want half its size and 800 wide", meta, cfg.Width, cfg.Height)
	}
}

func TestSetTitle(t *testing.T) {
	c := Timeline(poolRecording(1, 1, ms)).SetTitle("Mine\nsub line")
	pic := svgOf(t, c)
	if pic.countText("Mine") != 1 || pic.countText("sub line") != 1 {
		t.Errorf("texts %q", pic.texts[:3])
	}
}

func TestLegendColumn(t *testing.T) {
	// Removing every legend entry gives the plot the whole width back.
	c := Timeline(poolRecording(2, 2, ms, "cpu"))
	with := svgOf(t, c)
	*c.Legend() = *newLegend()
	without := svgOf(t, c)
	if with.countText("cpu") != 1 || without.countText("cpu") != 0 {
		t.Fatalf("legend entries: %d before, %d after emptying", with.countText("cpu"), without.countText("cpu"))
	}
	// The four bars come first; a legend swatch would follow them.
	widest := func(p svgPicture) float64 {
		w := 0.0
		for _, f := range p.fillsOf(hexOf("cpu"))[:4] {
			w = max(w, f.maxX)
		}
		return w
	}
	if widest(without) <= widest(with) {
		t.Errorf("bars reach %.1f without a legend, %.1f with one: the plot did not widen", widest(without), widest(with))
	}
	if Distribution("d").Legend() == nil {
		t.Error("every chart should have a legend to add to")
	}
}

func TestLegendNamesGapsOnlyWhenTheyShow(t *testing.T) {
	const noPhase = "task (no phase)"
	// Each task starts its phase a hair after it starts, as t.Phase does.
	hairline := poolRecording(2, 2, 10*ms, "io")
	for i := range hairline.Tasks {
		hairline.Tasks[i].Phases[0].Start += 20 * time.Microsecond
	}
	// Half of each task is in no phase.
	half := poolRecording(2, 2, 10*ms, "io")
	for i := range half.Tasks {
		half.Tasks[i].Phases[0].Start += 5 * ms
	}
	tests := []struct {
		name string
		rec  *demos.Recording
		want int
	}{
		{"hairline gaps", hairline, 0},
		{"wide gaps", half, 1},
		{"no phases at all", poolRecording(2, 2, 10*ms), 1},
	}
	for _, tt := range tests {
		if got := svgOf(t, Timeline(tt.rec)).countText(noPhase); got != tt.want {
			t.Errorf("%s: %q in the legend %d times, want %d", tt.name, noPhase, got, tt.want)
		}
	}
}

// The summary a notebook shows folded under a chart holds the whole text
// summary, escaped, under a line naming the chart.
func TestFiguresData(t *testing.T) {
	rec := poolRecording(2, 1, 30*ms, "<cpu>")
	rec.Title = "a & b"
	c := Timeline(rec)
	d := c.FiguresData()
	h, _ := d.Data["text/html"].(string)
	for _, want := range []string{`<details class="conclab-figures"><summary>figures: a &amp; b (pool)</summary><pre>`,
		"&lt;cpu&gt;", "concurrency", "</pre></details>"} {
		if !strings.Contains(h, want) {
			t.Errorf("figures HTML lacks %q:\n%s", want, h)
		}
	}
	if strings.Contains(h, "<cpu>") {
		t.Error("a phase name reached the HTML unescaped")
	}
	if p, ok := d.Data["text/plain"].(string); !ok || p != "" {
		t.Errorf("plain text %q: the chart's own display carries the summary for plain frontends", p)
	}
}
