package plots

import (
	"image/color"
	"strings"
)

// Unphased is the name under which a task's time outside any of its phases
// is drawn and summed.
const Unphased = "task"

// rgb makes an opaque color from a 0xRRGGBB value.
func rgb(v uint32) color.RGBA {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// conventional lists the phase names demos uses, in legend order, with
// fixed colors from the Okabe–Ito palette, which stays distinct under the
// common forms of color blindness. Waiting is vermillion so that it stands
// out, holding a lock is green, plain computing blue.
var conventional = []struct {
	name  string
	color color.RGBA
}{
	{"cpu", rgb(0x0072B2)},
	{"io", rgb(0xE69F00)},
	{"wait lock", rgb(0xD55E00)},
	{"hold lock", rgb(0x009E73)},
	{"sleep", rgb(0x56B4E9)},
	{"start", rgb(0xCC79A7)},
}

// unphasedColor is a neutral gray: time the recording did not explain.
var unphasedColor = rgb(0xBBBBBB)

// extra colors go to unknown phase names in first-seen order (Paul Tol's
// "muted" scheme, also colorblind-safe, none equal to a conventional color).
var extra = []color.RGBA{
	rgb(0x332288), rgb(0xDDCC77), rgb(0x882255), rgb(0x44AA99),
	rgb(0x999933), rgb(0xCC6677), rgb(0x88CCEE), rgb(0xAA4499),
	rgb(0x117733), rgb(0xF0E442),
}

// A Palette assigns each phase name a color: conventional names ("cpu",
// "io", "wait lock", "hold lock", "sleep", "start") always get the same
// color, other names get the next free palette color in the order they are
// first asked for. Charts that share a Palette color a phase the same way.
// The zero Palette is ready to use; a Palette is not safe for concurrent use.
type Palette struct {
	assigned map[string]color.Color
	order    []string // unknown names in first-seen order
}

// NewPalette returns an empty Palette.
func NewPalette() *Palette { return &Palette{} }

// Color returns the color of the phase name, assigning one if the name is
// new. Names are matched without regard to case or surrounding space.
func (p *Palette) Color(name string) color.Color {
	key := normalize(name)
	if key == Unphased || key == "" {
		return unphasedColor
	}
	if i := conventionalIndex(key); i >= 0 {
		return conventional[i].color
	}
	if c, ok := p.assigned[key]; ok {
		return c
	}
	if p.assigned == nil {
		p.assigned = map[string]color.Color{}
	}
	c := color.Color(extra[len(p.order)%len(extra)])
	p.assigned[key] = c
	p.order = append(p.order, key)
	return c
}

// Order sorts phase names the way a legend lists them: conventional names
// in their fixed order, then the others in the order this palette first
// saw them, then Unphased. Duplicates (after normalizing) are dropped.
func (p *Palette) Order(names []string) []string {
	have := map[string]string{}
	for _, n := range names {
		k := normalize(n)
		if k == "" {
			k = Unphased
		}
		if _, ok := have[k]; !ok {
			have[k] = n
			if k != Unphased {
				p.Color(n) // give first-seen names their slot now
			}
		}
	}
	var out []string
	for _, c := range conventional {
		if n, ok := have[c.name]; ok {
			out = append(out, n)
		}
	}
	for _, k := range p.order {
		if n, ok := have[k]; ok {
			out = append(out, n)
		}
	}
	if _, ok := have[Unphased]; ok {
		out = append(out, Unphased)
	}
	return out
}

func normalize(name string) string {
	return strings.ToLower(strings.TrimSpace(name))
}

func conventionalIndex(key string) int {
	for i, c := range conventional {
		if c.name == key {
			return i
		}
	}
	return -1
}
