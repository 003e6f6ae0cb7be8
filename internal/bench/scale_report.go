package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// WriteScale writes r into dir as figures.json and report.html, a page with
// no outside references: each measure is an inline SVG chart against size.
func WriteScale(dir string, r *ScaleReport) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "figures.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	html, err := r.HTML()
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "report.html"), html, 0o644)
}

// scaleChart is one measure against size: a series per line.
type scaleChart struct {
	Title, Y string
	Series   []scaleSeries
}

type scaleSeries struct {
	Name string
	Y    func(ScalePoint) float64
}

// charts are the report's charts, in order.
func (r *ScaleReport) charts() []scaleChart {
	var kinds []string
	for _, p := range r.Points {
		for k := range p.Search.KindP99 {
			if !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	slices.Sort(kinds)
	latency := []scaleSeries{{"all queries", func(p ScalePoint) float64 { return p.Search.P99 }}}
	for _, k := range kinds {
		latency = append(latency, scaleSeries{k, func(p ScalePoint) float64 { return p.Search.KindP99[k] }})
	}
	return []scaleChart{
		{"Search: p99 latency by query kind", "ms", latency},
		{"Search: throughput", "queries/s", []scaleSeries{{"queries/s", func(p ScalePoint) float64 { return p.Search.QueriesPerSec }}}},
		{"Search: CPU per query", "ms", []scaleSeries{{"CPU per query", func(p ScalePoint) float64 { return p.Search.CPUPerQuery }}}},
		{"Search: resident memory (process peak)", "MiB", []scaleSeries{{"resident", func(p ScalePoint) float64 { return p.Search.ResidentMiB }}}},
		{"Live: commit-to-delivery latency", "ms", []scaleSeries{
			{"p50", func(p ScalePoint) float64 { return p.Live.P50 }},
			{"p99", func(p ScalePoint) float64 { return p.Live.P99 }}}},
		{"Live: nodes' memory per open stream", "KiB", []scaleSeries{{"resident per stream", func(p ScalePoint) float64 { return p.Live.KiBPerConn }}}},
		{"Orders: throughput with the store at size", "orders/s", []scaleSeries{{"POST /v1/orders", func(p ScalePoint) float64 { return p.Orders.PerSecond }}}},
		{"Orders: latency with the store at size", "ms", []scaleSeries{
			{"p50", func(p ScalePoint) float64 { return p.Orders.P50 }},
			{"p99", func(p ScalePoint) float64 { return p.Orders.P99 }}}},
	}
}

var seriesColors = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{214, 39, 40, 255}, color.RGBA{44, 160, 44, 255},
	color.RGBA{255, 127, 14, 255}, color.RGBA{148, 103, 189, 255}, color.RGBA{140, 86, 75, 255},
	color.RGBA{227, 119, 194, 255},
}

// svg draws c against r's sizes on a logarithmic axis, as an SVG element.
func (r *ScaleReport) svg(c scaleChart) (template.HTML, error) {
	p := plot.New()
	p.Title.Text = c.Title
	p.X.Label.Text = "size (products searched; orders in the store)"
	p.Y.Label.Text = c.Y
	p.X.Scale = plot.LogScale{}
	var ticks []plot.Tick
	lo, hi := 0.0, 0.0
	for i, pt := range r.Points {
		x := float64(pt.Size)
		ticks = append(ticks, plot.Tick{Value: x, Label: sizeLabel(pt.Size)})
		if i == 0 || x < lo {
			lo = x
		}
		if x > hi {
			hi = x
		}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = lo/1.5, hi*1.5
	p.Y.Min = 0
	p.Add(plotter.NewGrid())
	ymax := 0.0
	for i, s := range c.Series {
		xys := make(plotter.XYs, len(r.Points))
		for j, pt := range r.Points {
			xys[j] = plotter.XY{X: float64(pt.Size), Y: s.Y(pt)}
			ymax = max(ymax, xys[j].Y)
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return "", err
		}
		col := seriesColors[i%len(seriesColors)]
		line.Color, points.Color = col, col
		line.Width = vg.Points(1.5)
		points.Shape = draw.CircleGlyph{}
		p.Add(line, points)
		if len(c.Series) > 1 {
			p.Legend.Add(s.Name, line, points)
		}
	}
	p.Legend.Top = true
	p.Legend.Left = true
	if len(c.Series) > 1 { // room above the lines for the legend
		p.Y.Max = ymax * (1 + 0.08*float64(len(c.Series)))
	}
	canvas := vgsvg.New(5.2*vg.Inch, 3.4*vg.Inch)
	p.Draw(draw.New(canvas))
	var b bytes.Buffer
	if _, err := canvas.WriteTo(&b); err != nil {
		return "", err
	}
	s := b.String()
	// The document's prelude (<?xml …?>, a comment) has no place in HTML.
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	return template.HTML(s), nil //nolint:gosec // our own drawing
}

func sizeLabel(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// HTML renders r as a self-contained page.
func (r *ScaleReport) HTML() ([]byte, error) {
	type chart struct {
		Title string
		SVG   template.HTML
	}
	var charts []chart
	for _, c := range r.charts() {
		s, err := r.svg(c)
		if err != nil {
			return nil, fmt.Errorf("chart %q: %w", c.Title, err)
		}
		charts = append(charts, chart{c.Title, s})
	}
	var b bytes.Buffer
	err := scalePage.Execute(&b, map[string]any{"R": r, "Charts": charts})
	return b.Bytes(), err
}

var scalePage = template.Must(template.New("scale").Funcs(template.FuncMap{"size": sizeLabel}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>mohalla bench scale</title>
<style>
body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:.85em}td,th{border:1px solid #ccc;padding:.2em .45em;text-align:right}
th{background:#f4f4f4}.charts{display:flex;flex-wrap:wrap;gap:1em}.charts figure{margin:0}
</style></head><body>
<h1>mohalla bench scale</h1>
<p>Started {{.R.Started.Format "2006-01-02 15:04 MST"}}, took {{.R.Took}}, on {{.R.Machine}}, PostgreSQL {{.R.Postgres}}.
Load average {{.R.LoadBefore}} before and {{.R.LoadAfter}} after (the machine may be shared: the figures carry its load).</p>
<p>At each size: <b>search</b> over that many products (SQLite store, the node's search index, concurrent searchers,
no writes); <b>live</b>: SSE clients over two nodes on PostgreSQL in client processes of their own while
orders are written at a steady rate, latency from the writer's commit to the client reading the change;
<b>orders</b>: POST /v1/orders through the HTTP API with that many orders already in the store
(pre-filled by plain SQL, not measured).</p>
<table>
<tr><th rowspan="2">size</th><th colspan="5">search</th><th colspan="6">live</th><th colspan="3">orders</th></tr>
<tr><th>q/s</th><th>p50 ms</th><th>p99 ms</th><th>CPU/query ms</th><th>RSS MiB</th>
<th>clients</th><th>p50 ms</th><th>p99 ms</th><th>lost</th><th>fd/stream</th><th>KiB/stream</th>
<th>orders/s</th><th>p50 ms</th><th>p99 ms</th></tr>
{{range .R.Points}}<tr><td>{{size .Size}}</td>
<td>{{printf "%.0f" .Search.QueriesPerSec}}</td><td>{{printf "%.1f" .Search.P50}}</td><td>{{printf "%.1f" .Search.P99}}</td>
<td>{{printf "%.2f" .Search.CPUPerQuery}}</td><td>{{printf "%.0f" .Search.ResidentMiB}}</td>
<td>{{.Live.Clients}}</td><td>{{printf "%.1f" .Live.P50}}</td><td>{{printf "%.1f" .Live.P99}}</td><td>{{.Live.Lost}}</td>
<td>{{printf "%.2f" .Live.FDsPerConn}}</td><td>{{printf "%.1f" .Live.KiBPerConn}}</td>
<td>{{printf "%.1f" .Orders.PerSecond}}</td><td>{{printf "%.1f" .Orders.P50}}</td><td>{{printf "%.1f" .Orders.P99}}</td></tr>
{{end}}</table>
<div class="charts">
{{range .Charts}}<figure>{{.SVG}}</figure>
{{end}}</div>
<p>The figures are in figures.json beside this page.</p>
</body></html>
`))
