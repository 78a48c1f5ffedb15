package notify

import (
	"context"
	"time"
)

// Context is context.Context, named here to keep signatures short.
type Context = context.Context

// Organisation is the organisation that lost the address book and now
// writes to everyone in it.
type Organisation struct {
	Name        string
	NameEn      string
	Domains     []string // the organisation's own e-mail domains
	FromAddress string   // the official address notices come from
	FromName    string
	Desk        Staff // the contact desk people can call or write to
	DeskHours   string
}

// Incident is what happened, as the notices tell it.
type Incident struct {
	OccurredAt   time.Time
	DiscoveredAt time.Time
	Summary      string // what happened, in a sentence or two
	LeakedItems  string // which personal data leaked (names, addresses, …)
	SpamFrom     string // the address the spam came from
	SpamSubject  string
	SpamSentAt   time.Time
	SpamURL      string // the link not to open; notices only ever show it defanged
	Measures     string // what the organisation has done
	Prevention   string // what it will do so that it does not happen again
}

// Outbox is the durable queue of notices that a sender works through.
type Outbox interface {
	// Claim marks up to limit due notices as sending and returns them.
	Claim(ctx Context, limit int) ([]Delivery, error)
	MarkSent(ctx Context, id int64) error
	Retry(ctx Context, id int64, next time.Time, reason string) error
	Fail(ctx Context, id int64, reason string) error
	// Undeliverable fails a notice the server refused for good, and marks
	// its address so that nothing more is queued to it.
	Undeliverable(ctx Context, id int64, reason string) error
	// Release returns claimed but unattempted notices to the queue.
	Release(ctx Context, ids []int64) error
	// NextDue is when the earliest queued notice is due.
	NextDue(ctx Context) (time.Time, bool, error)
}
