package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The picture's geometry, in SVG user units (pixels).
// The height grows with the notes under the chart.
const (
	width       = 820
	left, right = 80, 600 // the plot area's x range; the legend is right of it
	top, bottom = 60, 420 // its y range
)

// implColors gives the first impls fixed colours, so that pictures of
// different runs compare; others take the rest in turn.
var implColors = map[string]string{"sessionless": "#1f6fd1", "scs": "#d9600b", "gorilla": "#7a4fb8"}

var spareColors = []string{"#2a9d4b", "#c2185b", "#6d6d6d"}

func (c *chart) color(impl string, i int) string {
	if col, ok := implColors[impl]; ok {
		return col
	}
	return spareColors[i%len(spareColors)]
}

// dash is the stroke pattern of a kind of visitors: "one" solid, others
// dashed.
func dash(visitors string) string {
	if visitors == "one" {
		return ""
	}
	return ` stroke-dasharray="7 4"`
}

// scale maps values of an axis to user units, linearly or by logarithm.
type scale struct {
	lo, hi   float64 // domain (already log10 when log)
	from, to float64 // range in user units
	log      bool
}

func (s scale) at(v float64) float64 {
	if s.log {
		v = math.Log10(v)
	}
	return s.from + (v-s.lo)/(s.hi-s.lo)*(s.to-s.from)
}

// plottable reports whether the y value can be drawn: on a log axis only
// positive values can.
func (c *chart) plottable(v float64) bool { return !c.logY || v > 0 }

// yAxis returns the y scale and its ticks.
func (c *chart) yAxis() (scale, []float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range c.series {
		for i, v := range s.y {
			if s.ok[i] && c.plottable(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 1) { // nothing to draw
		lo, hi = 1, 10
	}
	if c.logY {
		ticks := niceTicks(lo, hi, true)
		return scale{lo: math.Log10(ticks[0]), hi: math.Log10(ticks[len(ticks)-1]), from: bottom, to: top, log: true}, ticks
	}
	ticks := niceTicks(math.Min(lo, 0), hi, false)
	return scale{lo: ticks[0], hi: ticks[len(ticks)-1], from: bottom, to: top}, ticks
}

// niceTicks returns round values from at most lo to at least hi: on a log
// axis 1, 2 and 5 times powers of ten; on a linear one about six steps of
// 1, 2 or 5 times a power of ten.
func niceTicks(lo, hi float64, log bool) []float64 {
	var t []float64
	if log {
		for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
			for _, m := range []float64{1, 2, 5} {
				v := m * math.Pow(10, e)
				switch {
				case v <= lo:
					t = append(t[:0], v) // the last one at or below lo starts
				case len(t) == 0 || t[len(t)-1] < hi:
					t = append(t, v)
				}
			}
		}
		return t
	}
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / 6
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step := p * 10
	for _, m := range []float64{1, 2, 5} {
		if m*p >= raw {
			step = m * p
			break
		}
	}
	for i := math.Floor(lo / step); ; i++ {
		v := i * step
		t = append(t, v)
		if v >= hi {
			return t
		}
	}
}

// label formats a tick value without float noise.
func label(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 32)
}

// svg draws the chart.
func (c *chart) svg() string {
	var b strings.Builder
	notes := c.notes()
	height := bottom + 66 + 15*len(notes)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="13">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="%d" y="28" font-size="16" font-weight="bold">%s</text>`+"\n", left, esc(c.title))

	x := c.xScale()
	y, yt := c.yAxis()
	c.axes(&b, x, y, yt)
	for i, s := range c.series {
		c.line(&b, s, c.color(s.impl, i), x, y)
	}
	c.legend(&b)
	for i, l := range notes {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#444444">%s</text>`+"\n", left, bottom+66+15*i, esc(l))
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// xScale places the sizes by the logarithm of their bytes, so that 200B
// and 1KB do not crowd each other.
func (c *chart) xScale() scale {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, sz := range c.sizes {
		v, _ := sizeBytes(sz)
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	pad := (math.Log10(hi) - math.Log10(lo)) * 0.06
	if pad == 0 {
		pad = 0.5
	}
	return scale{lo: math.Log10(lo) - pad, hi: math.Log10(hi) + pad, from: left, to: right, log: true}
}

func (c *chart) axes(b *strings.Builder, x, y scale, yt []float64) {
	for _, v := range yt {
		py := y.at(v)
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e3e3e3"/>`+"\n", left, py, right, py)
		fmt.Fprintf(b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", left-8, py+4, label(v))
	}
	for _, sz := range c.sizes {
		v, _ := sizeBytes(sz)
		px := x.at(v)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e3e3e3"/>`+"\n", px, top, px, bottom)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", px, bottom+20, esc(sz))
	}
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#555555"/>`+"\n", left, top, right-left, bottom-top)
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">session size (JSON bytes of user data)</text>`+"\n", (left+right)/2, bottom+42)
	axis := c.yLabel
	if c.logY {
		axis += " (log scale)"
	}
	fmt.Fprintf(b, `<text transform="translate(22 %d) rotate(-90)" text-anchor="middle">%s</text>`+"\n", (top+bottom)/2, esc(axis))
}

// line draws one series: a polyline through the points measured, broken
// where a point is missing, and a dot at each point.
func (c *chart) line(b *strings.Builder, s series, color string, x, y scale) {
	fmt.Fprintf(b, `<g stroke="%s" fill="%s"><title>%s</title>`+"\n", color, color, esc(s.impl+", "+s.visitors))
	var pts []string
	flush := func() {
		if len(pts) > 1 {
			fmt.Fprintf(b, `<polyline fill="none" stroke-width="2"%s points="%s"/>`+"\n", dash(s.visitors), strings.Join(pts, " "))
		}
		pts = pts[:0]
	}
	for i, sz := range c.sizes {
		if !s.ok[i] || !c.plottable(s.y[i]) {
			flush()
			continue
		}
		v, _ := sizeBytes(sz)
		px, py := x.at(v), y.at(s.y[i])
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", px, py))
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3.5"/>`+"\n", px, py)
	}
	flush()
	b.WriteString("</g>\n")
}

func (c *chart) legend(b *strings.Builder) {
	ly := top + 8
	for i, s := range c.series {
		col := c.color(s.impl, i)
		fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>`+"\n", right+20, ly, right+52, ly, col, dash(s.visitors))
		fmt.Fprintf(b, `<circle cx="%d" cy="%d" r="3.5" fill="%s"/>`+"\n", right+36, ly, col)
		fmt.Fprintf(b, `<text x="%d" y="%d">%s</text>`+"\n", right+60, ly+4, esc(s.impl+", "+visitorsText(s.visitors)))
		ly += 22
	}
}

func visitorsText(v string) string {
	switch v {
	case "one":
		return "one visitor"
	case "many":
		return "4 096 visitors"
	}
	return v
}

// notes are the lines under the chart: how the points were made, and
// which are missing.
func (c *chart) notes() []string {
	lines := []string{fmt.Sprintf("Each point: the impl's median minus bare's at the same size and visitors (medians of %d runs).", c.runs)}
	if c.note != "" {
		lines = append(lines, c.note)
	}
	for _, s := range c.series {
		var absent, below []string
		for i, sz := range c.sizes {
			switch {
			case !s.ok[i]:
				absent = append(absent, sz)
			case !c.plottable(s.y[i]):
				below = append(below, sz)
			}
		}
		name := s.impl + ", " + visitorsText(s.visitors)
		if len(absent) > 0 {
			lines = append(lines, fmt.Sprintf("%s: no point at %s (not in the run).", name, strings.Join(absent, ", ")))
		}
		if len(below) > 0 {
			lines = append(lines, fmt.Sprintf("%s: no point at %s (not above bare).", name, strings.Join(below, ", ")))
		}
	}
	return lines
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func esc(s string) string { return escaper.Replace(s) }
