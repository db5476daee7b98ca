package install

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
)

// The logo is a timeline: three lanes of bars, the way conclab draws who ran
// when, on Go's blue. It is drawn here rather than shipped as files, so the
// PNGs and the SVG always agree.

var (
	logoBlue  = color.RGBA{0x00, 0x7d, 0x9c, 0xff}
	logoWhite = color.RGBA{0xff, 0xff, 0xff, 0xff}
	logoGold  = color.RGBA{0xfd, 0xdd, 0x00, 0xff}
)

// bars are the lanes' bars in a 64-unit square: x0, x1, lane; lane 1's
// middle bar is gold, the one contended moment.
var logoBars = []struct {
	x0, x1 int
	lane   int
	gold   bool
}{
	{10, 30, 0, false}, {34, 54, 0, false},
	{10, 22, 1, false}, {25, 41, 1, true}, {44, 54, 1, false},
	{18, 46, 2, false},
}

func laneY(lane int) (int, int) { return 14 + lane*14, 14 + lane*14 + 9 }

// LogoPNG draws the logo as a size×size PNG.
func LogoPNG(size int) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	s := float64(size) / 64
	r := 10.0 // corner radius in logo units
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			ux, uy := (float64(x)+0.5)/s, (float64(y)+0.5)/s
			if !inRounded(ux, uy, 64, r) {
				continue
			}
			img.Set(x, y, logoBlue)
			for _, b := range logoBars {
				y0, y1 := laneY(b.lane)
				if ux >= float64(b.x0) && ux < float64(b.x1) && uy >= float64(y0) && uy < float64(y1) {
					c := logoWhite
					if b.gold {
						c = logoGold
					}
					img.Set(x, y, c)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("logo: %w", err)
	}
	return buf.Bytes(), nil
}

// inRounded reports whether (x, y) lies in a w×w square with corners of radius r.
func inRounded(x, y, w, r float64) bool {
	cx := min(max(x, r), w-r)
	cy := min(max(y, r), w-r)
	dx, dy := x-cx, y-cy
	return dx*dx+dy*dy <= r*r
}

// LogoSVG is the same logo as SVG, which JupyterLab's launcher prefers.
func LogoSVG() string {
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">`)
	fmt.Fprintf(&b, `<rect width="64" height="64" rx="10" fill="#%02x%02x%02x"/>`, logoBlue.R, logoBlue.G, logoBlue.B)
	for _, bar := range logoBars {
		y0, y1 := laneY(bar.lane)
		fill := "#ffffff"
		if bar.gold {
			fill = fmt.Sprintf("#%02x%02x%02x", logoGold.R, logoGold.G, logoGold.B)
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, bar.x0, y0, bar.x1-bar.x0, y1-y0, fill)
	}
	b.WriteString(`</svg>`)
	return b.String()
}
