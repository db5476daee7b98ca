package plots

import (
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// svgPicture is what a test can see in an SVG rendering: filled and stroked
// paths by color, and the texts.
type svgPicture struct {
	fills   []svgPath
	strokes []svgPath
	texts   []string
	textY   []float64 // baseline of each text, in points from the bottom
}

// An svgPath is one path with its color and the bounding box of its points
// (arcs count by their end points), in points with y up from the bottom, as
// drawn before the SVG's flip transform.
type svgPath struct {
	color                  string // "#RRGGBB"
	opacity                float64
	minX, maxX, minY, maxY float64
}

var (
	svgPathRE = regexp.MustCompile(`<path d="([^"]*)" style="([^"]*)"`)
	svgTextRE = regexp.MustCompile(`(?s)<text x="[^"]*" y="([^"]*)"[^>]*>([^<]*)</text>`)
	svgNumRE  = regexp.MustCompile(`-?[0-9.]+(?:e-?[0-9]+)?`)
	svgCmdRE  = regexp.MustCompile(`([MLAQCZ])([^MLAQCZ]*)`)
)

// readSVG parses the output of vgsvg well enough to count what was drawn.
func readSVG(t testing.TB, doc []byte) svgPicture {
	t.Helper()
	var pic svgPicture
	for _, m := range svgPathRE.FindAllStringSubmatch(string(doc), -1) {
		style := map[string]string{}
		for _, kv := range strings.Split(m[2], ";") {
			k, v, _ := strings.Cut(kv, ":")
			style[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
		p := svgPath{opacity: 1}
		first := true
		for _, cmd := range svgCmdRE.FindAllStringSubmatch(m[1], -1) {
			nums := svgNumRE.FindAllString(cmd[2], -1)
			if cmd[1] == "A" && len(nums) == 7 {
				nums = nums[5:] // radii, rotation and flags, then the end point
			}
			for i := 0; i+1 < len(nums); i += 2 {
				x, _ := strconv.ParseFloat(nums[i], 64)
				y, _ := strconv.ParseFloat(nums[i+1], 64)
				if first {
					p.minX, p.maxX, p.minY, p.maxY = x, x, y, y
					first = false
				}
				p.minX, p.maxX = min(p.minX, x), max(p.maxX, x)
				p.minY, p.maxY = min(p.minY, y), max(p.maxY, y)
			}
		}
		if o, ok := style["fill-opacity"]; ok {
			p.opacity, _ = strconv.ParseFloat(o, 64)
		}
		if c := style["fill"]; c != "" && c != "none" {
			p.color = c
			pic.fills = append(pic.fills, p)
		} else if c := style["stroke"]; c != "" && c != "none" {
			p.color = c
			pic.strokes = append(pic.strokes, p)
		} else if _, ok := style["fill"]; !ok {
			p.color = "#000000" // vgsvg leaves out the default black fill
			pic.fills = append(pic.fills, p)
		}
	}
	for _, m := range svgTextRE.FindAllStringSubmatch(string(doc), -1) {
		y, _ := strconv.ParseFloat(m[1], 64)
		pic.texts = append(pic.texts, html.UnescapeString(m[2]))
		pic.textY = append(pic.textY, -y) // texts are flipped back with scale(1, -1)
	}
	return pic
}

// fillsOf are the filled paths of one color.
func (p svgPicture) fillsOf(hex string) []svgPath {
	var out []svgPath
	for _, f := range p.fills {
		if strings.EqualFold(f.color, hex) {
			out = append(out, f)
		}
	}
	return out
}

// faintFillsNear are the translucent filled paths whose color is within 2
// of hex on each channel (vgsvg rounds colors with alpha).
func (p svgPicture) faintFillsNear(hex string) []svgPath {
	want, _ := strconv.ParseUint(hex[1:], 16, 32)
	var out []svgPath
	for _, f := range p.fills {
		got, err := strconv.ParseUint(f.color[1:], 16, 32)
		if err != nil || f.opacity >= 1 {
			continue
		}
		near := true
		for shift := 0; shift < 24; shift += 8 {
			d := int(got>>shift&0xff) - int(want>>shift&0xff)
			near = near && d >= -2 && d <= 2
		}
		if near {
			out = append(out, f)
		}
	}
	return out
}

// strokesOf are the stroked paths of one color.
func (p svgPicture) strokesOf(hex string) []svgPath {
	var out []svgPath
	for _, f := range p.strokes {
		if strings.EqualFold(f.color, hex) {
			out = append(out, f)
		}
	}
	return out
}

// countText counts the texts equal to s.
func (p svgPicture) countText(s string) int {
	n := 0
	for _, t := range p.texts {
		if t == s {
			n++
		}
	}
	return n
}

// hasTextContaining reports whether some text contains s.
func (p svgPicture) hasTextContaining(s string) bool {
	for _, t := range p.texts {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// svgOf renders c to SVG and reads it back.
func svgOf(t testing.TB, c *Chart) svgPicture {
	t.Helper()
	doc, err := c.SVG()
	if err != nil {
		t.Fatalf("SVG: %v", err)
	}
	return readSVG(t, doc)
}

// hexOf is how vgsvg writes a color of the palette.
func hexOf(name string) string {
	r, g, b, _ := NewPalette().Color(name).RGBA()
	return "#" + strings.ToUpper(strconv.FormatUint(uint64(1<<24|(r>>8)<<16|(g>>8)<<8|b>>8), 16)[1:])
}
