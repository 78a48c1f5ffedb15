package notify

import (
	"context"
	"time"
)

// AuditEntry is one action in the audit trail.
type AuditEntry struct {
	ID        int64
	At        time.Time
	Actor     string // a staff account's name, "cli", or "owabi" for the daemon
	Kind      string // import, call, ack, reclassify, reassign, contact, login, export, resend, backup, ...
	ContactID int64  // the contact it is about; 0 when none
	// Said is what happened, for each reader in their language and zone
	// (wording.Audit). Detail is the text stored, hashed and sealed: Said
	// encoded, or, in entries written before entries were said, English;
	// "purged" once a purge erased it.
	Said   Said
	Detail string
}

// AuditCheck is what verifying the audit trail found: how many entries it
// checked, and the first whose chain breaks (0 when it is whole).
type AuditCheck struct {
	Entries int
	Broken  int64
	Head    []byte // the last entry's hash: kept outside owabi, it shows the end was not cut
}

type actorKey struct{}

// ActorPerson is the actor of what a person in the book did on the page
// their notice links to.
const ActorPerson = "person"

// WithActor says, in ctx, who is acting: the audit trail records it.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorOf is who ctx says is acting; "cli" when nobody said (the command
// line, run by whoever runs it).
func ActorOf(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return "cli"
}
