package respond

import (
	"context"
	"time"

	"github.com/owabi/owabi/notify"
)

// SentLog is when messages went out, which a daily cap counts.
type SentLog interface {
	SentSince(ctx context.Context, since time.Time) ([]time.Time, error)
}

// Outlook is when the queue of st will have gone out at pace, from now:
// nil without limits or with nothing waiting.
func Outlook(ctx context.Context, sent SentLog, pace notify.Pace, now time.Time, st notify.Status) (*notify.Outlook, error) {
	queued := st.Notices[notify.Queued] + st.Notices[notify.Sending]
	if !pace.Limited() || queued == 0 {
		return nil, nil
	}
	var times []time.Time
	if pace.PerDay > 0 {
		var err error
		if times, err = sent.SentSince(ctx, now.Add(-notify.Day)); err != nil {
			return nil, err
		}
	}
	o := pace.Outlook(now, times, queued)
	return &o, nil
}
