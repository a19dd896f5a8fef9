//go:build !js

package main

import (
	"fmt"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// plotRTT draws the median round-trip time by message size (compression off) of
// every client measured, on log-log axes, as a PNG.
func plotRTT(res *results, path string) error {
	if !slices.ContainsFunc(res.Workloads, func(w workload) bool { return w.Kind == "rtt" && !w.Compress && !w.InProc }) {
		return nil // nothing to plot (-run left no round trip out)
	}
	p := plot.New()
	p.Title.Text = "WebSocket echo round trip by message size (loopback, compression off; lower is better)"
	p.X.Label.Text = "message size"
	p.Y.Label.Text = "round-trip time (µs, median)"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	var ticks []plot.Tick
	for _, s := range rttSizes {
		ticks = append(ticks, plot.Tick{Value: float64(s), Label: sizeName(s)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Legend.Top, p.Legend.Left = true, true

	series := func(get func(w workload) []sample) plotter.XYs {
		var xys plotter.XYs
		for _, w := range childWorkloads(res.Workloads) {
			if w.Kind != "rtt" || w.Compress {
				continue
			}
			if ss := get(w); len(ss) > 0 {
				xys = append(xys, plotter.XY{X: float64(w.Size), Y: stat(ss, nsOf) / 1e3})
			}
		}
		return xys
	}
	var args []any
	for _, name := range res.Libraries {
		args = append(args, name, series(func(w workload) []sample { return res.Samples[w.String()][name] }))
	}
	if len(res.Node) > 0 {
		args = append(args, "Node WebSocket", series(func(w workload) []sample { return res.Node[w.String()] }))
	}
	if len(res.WASM) > 0 {
		for _, impl := range []string{"browserws (wasm)", "JavaScript"} {
			label := impl + " in Chromium"
			args = append(args, label, series(func(w workload) []sample { return res.WASM[w.String()][impl] }))
		}
	}
	if err := plotutil.AddLinePoints(p, args...); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return p.Save(9*vg.Inch, 6*vg.Inch, path)
}
