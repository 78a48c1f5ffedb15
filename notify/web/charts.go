package web

import (
	"github.com/owabi/owabi/notify"
)

// The dashboard's charts are SVG drawn here, on the server: no script, no
// library, nothing from another host.

// bar is one bar of a chart, placed: Y is its top and W its length, in
// the chart's units.
type bar struct {
	Key  string // the label's message key
	N    int
	Y, W float64
}

// chart is a horizontal bar chart for one category's funnel.
type chart struct {
	Category notify.Category
	Bars     []bar
	Height   float64
}

const (
	barLength = 240 // the longest bar
	barStep   = 24  // from one bar to the next
)

// funnelChart draws a category's way from contacts to people at risk, each
// bar as long as its share of the contacts.
func funnelChart(row categoryRow) chart {
	stages := []struct {
		key string
		n   int
	}{
		{"contacts", row.Contacts}, {"acknowledged", row.Acknowledged}, {"reached", row.Reached}, {"hearing_done", row.HearingDone},
		{"arrived", row.Arrived}, {"clicked", row.Clicked}, {"infected", row.Infected}, {"remediated", row.Remediated},
	}
	c := chart{Category: row.Category, Height: float64(len(stages) * barStep)}
	for i, st := range stages {
		w := 0.0
		if row.Contacts > 0 {
			w = barLength * float64(st.n) / float64(row.Contacts)
		}
		c.Bars = append(c.Bars, bar{Key: st.key, N: st.n, Y: float64(i * barStep), W: w})
	}
	return c
}

// column is one day's column in the chart of people reached per day.
type column struct {
	Label   string // the day of the month; the first column also has its month
	N       int
	X, Y, H float64
}

const (
	columnHeight = 100 // the tallest column
	columnTop    = 16  // room above it for its number
	columnStep   = 28
)

// daysChart draws the people first reached each day.
func daysChart(days []notify.DayCount) []column {
	most := 0
	for _, d := range days {
		most = max(most, d.N)
	}
	if most == 0 {
		return nil // nothing yet: the page says so rather than draw empty days
	}
	out := make([]column, len(days))
	for i, d := range days {
		h := columnHeight * float64(d.N) / float64(most)
		label := d.Day.Format("2")
		if i == 0 || d.Day.Day() == 1 {
			label = d.Day.Format("1/2")
		}
		out[i] = column{Label: label, N: d.N, X: float64(i * columnStep), Y: columnTop + columnHeight - h, H: h}
	}
	return out
}
