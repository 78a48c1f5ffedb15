// Package schedule runs a job on a cron schedule (github.com/robfig/cron/v3)
// in the organisation's time zone, once at start when a run was missed
// while owabi was down (once, not once per missed slot), and says when
// business hours next allow mail to go out.
package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/robfig/cron/v3"
)

// Job is a scheduled job.
type Job struct {
	Name string
	// Spec is a standard five-field cron spec ("0 9 * * 1-5"), read in Zone
	// unless it starts with CRON_TZ=.
	Spec string
	Zone *time.Location
	// LastRun says when the job last ran (zero if never); Run records it.
	LastRun func(ctx context.Context) (time.Time, error)
	Run     func(ctx context.Context, now time.Time) error
	Now     func() time.Time
	Log     *slog.Logger
}

// Parse checks a cron spec, for config validation.
func Parse(spec string, zone *time.Location) (cron.Schedule, error) {
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("%q is not a cron schedule like \"0 9 * * 1-5\" (minute hour day month weekday): %w", spec, err)
	}
	if sched, ok := s.(*cron.SpecSchedule); ok && sched.Location == time.Local {
		sched.Location = zone // no CRON_TZ= of its own: the organisation's zone, not the machine's
	}
	return s, nil
}

// Missed reports whether a run that should have happened since the last
// one has not: the job then runs once at start.
func (j *Job) Missed(ctx context.Context) (bool, error) {
	s, err := Parse(j.Spec, j.Zone)
	if err != nil {
		return false, err
	}
	last, err := j.LastRun(ctx)
	if err != nil || last.IsZero() {
		return false, err // never run: no slot was missed, the first is ahead
	}
	return !s.Next(last).After(j.Now()), nil
}

// Serve runs the job once now if a run was missed, then on its schedule,
// until ctx ends. A run that fails is logged; the next slot tries again.
func (j *Job) Serve(ctx context.Context) error {
	s, err := Parse(j.Spec, j.Zone)
	if err != nil {
		return err
	}
	missed, err := j.Missed(ctx)
	if err != nil {
		return err
	}
	if missed {
		j.Log.Info("running a scheduled job missed while owabi was stopped", "job", j.Name)
		j.run(ctx)
	}
	c := cron.New(cron.WithLocation(j.Zone))
	c.Schedule(s, cron.FuncJob(func() { j.run(ctx) }))
	c.Start()
	j.Log.Info("scheduled", "job", j.Name, "next", s.Next(j.Now()).In(j.Zone).Format(time.RFC3339))
	<-ctx.Done()
	<-c.Stop().Done() // a run in hand finishes
	return nil
}

func (j *Job) run(ctx context.Context) {
	if err := j.Run(ctx, j.Now()); err != nil && ctx.Err() == nil {
		j.Log.Error("a scheduled job failed; it runs again at its next time", "job", j.Name, "err", err)
	}
}

// Hours are business hours: mail goes out from Start to End (times of day)
// on Days, in Zone.
type Hours struct {
	Start, End time.Duration // since midnight
	Days       []time.Weekday
	Zone       *time.Location
}

// Next is t when it falls within the hours, else when they next begin.
func (h Hours) Next(t time.Time) time.Time {
	local := t.In(h.Zone)
	for i := range 8 {
		at := func(d time.Duration) time.Time { // a time of day by the clock, whatever DST does
			return time.Date(local.Year(), local.Month(), local.Day()+i, int(d/time.Hour), int(d%time.Hour/time.Minute), 0, 0, h.Zone)
		}
		start, end := at(h.Start), at(h.End)
		if !slices.Contains(h.Days, start.Weekday()) {
			continue
		}
		switch {
		case local.Before(start):
			return start
		case local.Before(end):
			return t
		}
	}
	return t // no business day at all: do not hold mail back for ever
}
