"""The cells the benchmark runs, and how to tell that a run really did the work.

Every "edited" cell embeds a number that is new on every iteration and on
every run of the harness (a per-run nonce), so neither a kernel's binary cache
nor the Go build cache can skip the build. Shared cells are the same text in
both kernels: gonb's `%%` marker, which conclab accepts too."""
from dataclasses import dataclass, field

CONCLAB, GONB = "conclab", "gonb"
# The smallest Go kernel (bench/launchfloor): startup only, as its floor.
LAUNCH = "launchfloor"

# The plot cell: gonum/plot drawn to PNG and shown with gonbui.DisplayPNG.
PLOT_CELL = """import (
	"bytes"

	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

%%
p := plot.New()
p.Title.Text = "run {n}"
pts := make(plotter.XYs, 50)
for i := range pts {
	pts[i].X = float64(i)
	pts[i].Y = float64((i * i) % 17)
}
line, err := plotter.NewLine(pts)
if err != nil {
	panic(err)
}
p.Add(line)
w, err := p.WriterTo(4*vg.Inch, 3*vg.Inch, "png")
if err != nil {
	panic(err)
}
var buf bytes.Buffer
if _, err := w.WriteTo(&buf); err != nil {
	panic(err)
}
gonbui.DisplayPNG(buf.Bytes())
fmt.Println("plotted {n}")
"""

GOROUTINES_CELL = """%%
var wg sync.WaitGroup
sums := make([]int, 8)
for g := range 8 {
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range {iters} {
			sums[g] += i % (g + 2)
		}
	}()
}
wg.Wait()
total := 0
for _, s := range sums {
	total += s
}
fmt.Println("goroutines {n}", total)
"""

DECLS_CELL = """type point struct{ x, y int }

func (p point) norm1() int { return abs(p.x) + abs(p.y) }

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

const scale = {n}

%%
p := point{3 * scale, -4}
fmt.Println("norm", p.norm1())
"""

TIMELINE_CELL = """import (
	"github.com/conclab/conclab/demos"
	"github.com/conclab/conclab/demos/workload"
	"github.com/conclab/conclab/plots"
)

%%
rec := demos.Goroutines(4, func(t *demos.T) {
	t.Phase("cpu")
	workload.Spin(5 * time.Millisecond)
})
rec.Title = "timeline {n}"
if err := plots.Timeline(rec).Show(); err != nil {
	panic(err)
}
fmt.Println("timeline {n}")
"""


def goroutines_total(iters):
    """What GOROUTINES_CELL prints as its total for a loop of iters."""
    return sum(sum(i % (g + 2) for i in range(iters)) for g in range(8))


@dataclass
class Case:
    """A cell benchmark: setup cells, then the measured cell, repeated."""
    key: str
    title: str
    kernels: tuple                   # which kernels run it
    cell: object                     # (n) -> code; n is unique per iteration and run
    expect: object                   # (n) -> (stdout substring, MIME type or None)
    reps: int
    quick_reps: int
    setup: dict = field(default_factory=dict)  # kernel -> [setup cells]
    warmups: int = 1                 # unmeasured first runs (fill the build cache)
    edited: bool = True              # False: the same cell again (n fixed)
    timeout: float = 300.0
    with_floor: bool = False         # time the toolchain floor in the same interleaved loop
    pair: dict = field(default_factory=dict)  # kernel -> (n) -> code run right after each measured
                                              # cell, timed as its yardstick ("pair" in the results)

    def code(self, n):
        return self.cell(n)

    def check(self, run, n):
        """'' when the run did what the cell promises, else what went wrong."""
        if not run.ok:
            return run.error or f"status {run.status}"
        text, mime = self.expect(n)
        if text and text not in run.stdout:
            return f"stdout {run.stdout[-200:]!r} lacks {text!r}"
        if mime and mime not in run.mimes:
            return f"no {mime} output (got {run.mimes})"
        return ""


def _fmt(template, **kw):
    # str.format would trip over Go's braces; replace only our own fields.
    for k, v in kw.items():
        template = template.replace("{" + k + "}", str(v))
    return template


TEST_CELL = """%test
func TestEdited(t *testing.T) {
	if got := {n} * 2; got != {n}+{n} {
		t.Fatalf("got %d", got)
	}
	fmt.Println("tested {n}")
}
"""

RACE_ITERS = 20_000
GOROUTINE_ITERS = 100_000
_gonb_plot_deps = "!*go get gonum.org/v1/plot@v0.17.0 github.com/janpfeifer/gonb@v0.11.4"

CASES = [
    Case("trivial_edited", "trivial cell, edited", (CONCLAB, GONB),
         cell=lambda n: f'%%\nfmt.Println("cell", {n})\n',
         expect=lambda n: (f"cell {n}", None), reps=30, quick_reps=5, with_floor=True),
    Case("trivial_unchanged", "trivial cell, re-run unchanged", (CONCLAB, GONB),
         cell=lambda n: '%%\nfmt.Println("same cell")\n',
         expect=lambda n: ("same cell", None), reps=20, quick_reps=5, edited=False),
    Case("decls", "declarations + use, edited", (CONCLAB, GONB),
         cell=lambda n: _fmt(DECLS_CELL, n=n),
         expect=lambda n: (f"norm {3 * n + 4}", None), reps=10, quick_reps=3),
    Case("goroutines", "8 goroutines, edited", (CONCLAB, GONB),
         cell=lambda n: _fmt(GOROUTINES_CELL, n=n, iters=GOROUTINE_ITERS),
         expect=lambda n: (f"goroutines {n} {goroutines_total(GOROUTINE_ITERS)}", None), reps=10, quick_reps=3),
    Case("plot", "gonum/plot + gonbui.DisplayPNG, edited", (CONCLAB, GONB),
         cell=lambda n: _fmt(PLOT_CELL, n=n),
         expect=lambda n: (f"plotted {n}", "image/png"), reps=10, quick_reps=3,
         setup={GONB: [_gonb_plot_deps]}),
    Case("timeline", "demos + plots timeline, edited", (CONCLAB,),
         cell=lambda n: _fmt(TIMELINE_CELL, n=n),
         expect=lambda n: (f"timeline {n}", "image/png"), reps=8, quick_reps=3),
    Case("live", "%live trivial cell", (CONCLAB,),
         cell=lambda n: f'%live\nfmt.Println("live", {n})\n',
         expect=lambda n: (f"live {n}", None), reps=20, quick_reps=5, warmups=2),
    Case("race", "%goflags -race, 8 goroutines, edited", (CONCLAB, GONB),
         cell=lambda n: _fmt(GOROUTINES_CELL, n=n, iters=RACE_ITERS),
         expect=lambda n: (f"goroutines {n} {goroutines_total(RACE_ITERS)}", None), reps=6, quick_reps=2,
         setup={CONCLAB: ["%goflags -race"], GONB: ["%goflags -race"]}, timeout=900.0),
    # %test builds with the race detector by default (gonb's with %goflags -race): the yardstick
    # is an edited %race cell of the same size, timed right after each %test in the same kernel.
    Case("test_edited", "%test of one test, edited", (CONCLAB, GONB),
         cell=lambda n: _fmt(TEST_CELL, n=n),
         expect=lambda n: (f"tested {n}", None), reps=10, quick_reps=3,
         setup={GONB: ["%goflags -race"]},
         pair={CONCLAB: lambda n: f'%race\nfmt.Println("raced", {n})\n'}, timeout=900.0),
]

# The cells the memory case and the profile repeat.
TRIVIAL = next(c for c in CASES if c.key == "trivial_edited")
PLOT = next(c for c in CASES if c.key == "plot")
