package plots

import (
	"image"
	"image/color"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// measureCanvas draws nothing; it lets a chart lay itself out (text sizes
// come from the fonts, not the canvas) to learn what a render would show.
type measureCanvas struct{ w, h vg.Length }

func (m measureCanvas) Size() (w, h vg.Length)               { return m.w, m.h }
func (measureCanvas) SetLineWidth(vg.Length)                 {}
func (measureCanvas) SetLineDash([]vg.Length, vg.Length)     {}
func (measureCanvas) SetColor(color.Color)                   {}
func (measureCanvas) Rotate(float64)                         {}
func (measureCanvas) Translate(vg.Point)                     {}
func (measureCanvas) Scale(float64, float64)                 {}
func (measureCanvas) Push()                                  {}
func (measureCanvas) Pop()                                   {}
func (measureCanvas) Stroke(vg.Path)                         {}
func (measureCanvas) Fill(vg.Path)                           {}
func (measureCanvas) FillString(font.Face, vg.Point, string) {}
func (measureCanvas) DrawImage(vg.Rectangle, image.Image)    {}
