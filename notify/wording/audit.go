package wording

import (
	"time"

	"github.com/owabi/owabi/notify"
)

// Audit is what an audit entry says happened, in lang, its times in zone.
// An entry written before entries were said is shown as it was written,
// one erased by a purge as such.
func Audit(lang string, zone *time.Location, e notify.AuditEntry) string {
	if e.Said.IsZero() {
		return Said(lang, zone, notify.ReadSaid(e.Detail))
	}
	return Said(lang, zone, e.Said)
}
