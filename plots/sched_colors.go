package plots

import "image/color"

// schedStates are the state names a SchedView usually holds, in legend
// order, with their colors and legend labels. Waiting for a lock keeps the
// vermillion of "wait lock" and sleeping the sky blue of "sleep" in the
// other charts, so the two kinds of picture read alike.
var schedStates = []struct {
	name  string
	color color.RGBA
	label string
}{
	{"running", rgb(0x009E73), "running"},
	{"runnable", rgb(0xE69F00), "runnable (no P free)"},
	{"chan", rgb(0x0072B2), "blocked: channel"},
	{"select", rgb(0x332288), "blocked: select"},
	{"sync", rgb(0xD55E00), "blocked: sync (lock, wg)"},
	{"syscall", rgb(0xCC79A7), "syscall / I/O"},
	{"sleep", rgb(0x56B4E9), "sleep"},
	{"GC", rgb(0x999933), "GC"},
	{"GC assist", rgb(0x44AA99), "GC assist (running)"},
	{"other", rgb(0x777777), "blocked: other"},
	{"blocked", rgb(0x9AB3C8), "blocked"},
	{"runtime", rgb(0xBBBBBB), "runtime"},
	{"stop-the-world", rgb(0x882255), "stop-the-world"},
}

// schedIndex is the position of a state name in schedStates, or -1.
func schedIndex(state string) int {
	key := normalize(state)
	for i, s := range schedStates {
		if normalize(s.name) == key {
			return i
		}
	}
	return -1
}

// stateColor is the color of a state: a fixed one for the usual names, the
// palette's next free color for others.
func stateColor(pal *Palette, state string) color.Color {
	if i := schedIndex(state); i >= 0 {
		return schedStates[i].color
	}
	return pal.Color(state)
}

// stateLabel is how the legend names a state.
func stateLabel(state string) string {
	if i := schedIndex(state); i >= 0 {
		return schedStates[i].label
	}
	return state
}

// stateOrder sorts state names as the legend lists them: the usual ones in
// their fixed order, then the others as the palette first saw them.
func stateOrder(pal *Palette, names []string) []string {
	known := map[int]string{}
	var others []string
	for _, n := range names {
		if i := schedIndex(n); i >= 0 {
			known[i] = n
		} else {
			others = append(others, n)
		}
	}
	var out []string
	for i := range schedStates {
		if n, ok := known[i]; ok {
			out = append(out, n)
		}
	}
	return append(out, pal.Order(others)...)
}

// luminance is the relative brightness of c, 0 (black) to 1 (white), to
// choose a label color that reads on it.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}
