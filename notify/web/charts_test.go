package web

import (
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
)

func TestChartsAreDrawnToScale(t *testing.T) {
	c := funnelChart(categoryRow{Category: notify.Customer, Contacts: 200,
		Progress: notify.Progress{Reached: 100, HearingDone: 50, Arrived: 50, Clicked: 10, Infected: 0}})
	want := map[string]float64{"contacts": barLength, "reached": barLength / 2, "clicked": barLength / 20, "infected": 0}
	for _, b := range c.Bars {
		if w, ok := want[b.Key]; ok && b.W != w {
			t.Errorf("%s bar: %v long, want %v", b.Key, b.W, w)
		}
	}
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	cols := daysChart([]notify.DayCount{{Day: day, N: 4}, {Day: day.AddDate(0, 0, 1), N: 1}})
	if cols[0].H != columnHeight || cols[1].H != columnHeight/4 || cols[1].Y != columnTop+columnHeight*3/4 ||
		cols[0].Label != "11/25" || cols[1].Label != "26" {
		t.Errorf("columns: %+v", cols)
	}
	if empty := daysChart([]notify.DayCount{{Day: day}, {Day: day.AddDate(0, 0, 1)}}); empty != nil {
		t.Errorf("days with nobody reached draw %+v; want nothing, for the page to say so", empty)
	}
	if some := daysChart([]notify.DayCount{{Day: day}, {Day: day.AddDate(0, 0, 1), N: 2}}); some[0].H != 0 {
		t.Errorf("a day with nobody reached: %+v", some)
	}
}
