package store

import "github.com/owabi/owabi/notify"

// The database is the outbox the mail sender works through.
var _ notify.Outbox = (*DB)(nil)
