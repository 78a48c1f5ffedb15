package report

import (
	"slices"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// half is a half-day of the timeline, in the organisation's zone: its
// morning, its afternoon, or the whole day for what is known only by the
// day (a follow-up's done date), listed after the afternoon.
type half struct {
	day  time.Time // midnight in the zone
	part int       // 0 morning, 1 afternoon, 2 the day
}

// timeline is the response's course (経過), oldest first: one row per
// half-day, saying what was done in it, in the order it was done, with
// the counts. A phase of the response (notices sent, a step recorded, an
// import) is a line at its place; what goes on all along (calls,
// hearings, acknowledgements, bounces) is counted in one line per stretch
// between phases: calls, the apology sent, then more calls.
func (w writer) timeline() [][2]string {
	inc := w.Incident
	steps := []notify.Step{
		{At: inc.OccurredAt, What: "occurred"}, {At: inc.SpamSentAt, What: "spam_sent"}, {At: inc.DiscoveredAt, What: "discovered"},
	}
	steps = slices.DeleteFunc(steps, func(s notify.Step) bool { return s.At.IsZero() })
	steps = append(steps, w.Steps...)
	slices.SortStableFunc(steps, func(a, b notify.Step) int { return a.At.Compare(b.At) })
	slots := map[half][]line{}
	for _, s := range steps {
		h := w.half(s)
		if i := sameStretch(slots[h], s); i >= 0 {
			slots[h][i].n += s.N
			continue
		}
		slots[h] = append(slots[h], line{what: s.What, text: strings.Join(strings.Fields(s.Text), " "), by: s.By, n: s.N, first: s.At})
	}
	keys := slices.SortedFunc(func(yield func(half) bool) {
		for k := range slots {
			if !yield(k) {
				return
			}
		}
	}, func(a, b half) int {
		if c := a.day.Compare(b.day); c != 0 {
			return c
		}
		return a.part - b.part
	})
	var rows [][2]string
	for _, k := range keys {
		var said []string
		for _, l := range slots[k] {
			line := w.step(l.what, l.n)
			switch {
			case line == "": // only the note says what was done
				line = l.text
			case l.text != "":
				line = w.f("step_note", line, l.text)
			}
			if l.by != "" {
				line += w.f("step_by", l.by)
			}
			if timed[l.what] || strings.HasPrefix(l.what, "action_") {
				line += w.f("at_time", l.first.In(w.Zone).Format(w.t["clock"]))
			}
			said = append(said, line)
		}
		rows = append(rows, [2]string{w.halfName(k), strings.Join(said, "\n")})
	}
	if rows == nil {
		rows = [][2]string{{"", w.t["not_recorded"]}}
	}
	return rows
}

// line is one line of a half-day of the timeline: a step, how many, and
// when it was first done.
type line struct {
	what, text, by string
	n              int
	first          time.Time
}

// sameStretch is the line of lines that step s adds to, -1 for none: a
// phase (a step not ongoing) adds to the last line alone when it is the
// same phase; an ongoing step adds to its line in the stretch since the
// last phase. A step with a note of its own is a line of its own.
func sameStretch(lines []line, s notify.Step) int {
	for i := len(lines) - 1; i >= 0; i-- {
		switch l := lines[i]; {
		case l.what == s.What && l.text == "" && s.Text == "" && l.by == "" && s.By == "":
			return i
		case !ongoing[s.What] || !ongoing[l.what]:
			return -1
		}
	}
	return -1
}

// ongoing are the steps that go on all along the response, counted
// between its phases.
var ongoing = map[string]bool{"call": true, "heard": true, "ack": true, "bounce": true, "undeliverable": true, "failed": true}

// timed are the steps said with their time: the incident's own moments.
var timed = map[string]bool{"occurred": true, "spam_sent": true, "discovered": true}

func (w writer) half(s notify.Step) half {
	if s.DateOnly {
		return half{day: time.Date(s.At.Year(), s.At.Month(), s.At.Day(), 0, 0, 0, 0, w.Zone), part: 2}
	}
	t := s.At.In(w.Zone)
	h := half{day: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, w.Zone)}
	if t.Hour() >= 12 {
		h.part = 1
	}
	return h
}

func (w writer) halfName(h half) string {
	day := w.day(h.day)
	if w.Lang == "en" {
		day = h.day.Format("Mon 2 Jan 2006")
	}
	return day + w.t[[...]string{"morning", "afternoon", "whole_day"}[h.part]]
}

// step says one line of the timeline: what was done, and how many.
func (w writer) step(what string, n int) string {
	key := "step_" + what
	if !wording.Has(w.Lang, "report."+key) {
		return w.f("step_other", what, n)
	}
	if format, plain := w.t[key]; plain && !strings.Contains(format, "%d") {
		return format
	}
	return w.f(key, n)
}
