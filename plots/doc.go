// Package plots draws recordings of concurrent runs (package demos) as
// charts: a timeline with one lane per worker, recordings stacked on a shared
// time axis, speedup over a sweep of worker counts, and the distribution of a
// set of durations.
//
// Every chart function returns a *Chart, which shows itself in one call:
//
//	plots.Timeline(rec).Show()
//
// In a notebook (a gonbui display channel is present) Show displays a PNG
// under the cell, with the text summary beside it for plain-text frontends;
// elsewhere it prints the summary. Save writes a PNG or SVG chosen by the
// file's extension, and String returns the summary.
//
// The pieces are ordinary gonum/plot values: Lanes is a plot.Plotter (and a
// plot.Thumbnailer) that draws a recording onto any plot, Swatch is a legend
// thumbnail for one phase, and Chart.Plot exposes the underlying *plot.Plot.
package plots
