package wording

import (
	"time"

	"github.com/owabi/owabi/notify"
)

// Outlook says when the queue will have gone out at the sending limits,
// for the dashboard and owabi status.
func Outlook(lang string, zone *time.Location, o notify.Outlook) string {
	var limits []string
	if o.PerMinute > 0 {
		limits = append(limits, Say(lang, "outlook.per_minute", o.PerMinute))
	}
	if o.PerDay > 0 {
		limits = append(limits, Say(lang, "outlook.per_day", o.PerDay, o.SentInDay))
	}
	return Say(lang, "outlook", o.Queued, join(lang, limits), o.LastOut.In(zone).Format("2006-01-02 15:04"))
}
