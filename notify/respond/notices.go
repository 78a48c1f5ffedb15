package respond

import (
	"context"
	"fmt"

	"github.com/owabi/owabi/notify"
)

// Notices queues notices of a kind to every address that has none yet,
// once the book is ready for them.
type Notices struct {
	Store     NoticeStore
	MessageID func() string // a new notice's Message-ID, fixed before its first attempt
}

// NoticeStore keeps the notices (store.DB).
type NoticeStore interface {
	Status(ctx context.Context) (notify.Status, error)
	LookAlikes(ctx context.Context) (int, error)
	RequeueFailed(ctx context.Context, kind notify.NoticeKind) (requeued, dead int, err error)
	Queue(ctx context.Context, kind notify.NoticeKind, lang string, messageID func() string) (int, error)
}

// QueueOptions say how notices are queued.
type QueueOptions struct {
	Lang string // the notices' language
	// RetryFailed gives failed notices of the kind another round first
	// (same Message-ID), except to addresses refused for good.
	RetryFailed bool
	// AllowUnclassified queues even to contacts without a category: they
	// get the customer wording.
	AllowUnclassified bool
}

// Queued says what queueing did.
type Queued struct {
	HeldBack int // contacts held back as look-alikes: no notice until a person decides
	Requeued int // failed notices given another round
	Dead     int // failed notices left, their address refused for good: phone those people
	Queued   int // new notices
}

// UnclassifiedError refuses to queue while contacts have no category:
// they would get the customer wording, which may be wrong for them.
type UnclassifiedError struct{ N int }

func (e *UnclassifiedError) Error() string {
	return fmt.Sprintf("unclassified contacts: %d; they would get the customer wording. "+
		"Decide them (a master list, a label or classify.overrides, then \"owabi classify\"), or add --allow-unclassified", e.N)
}

// Queue queues notices of kind, as opt says. Look-alikes are unclassified
// but never in the way: they are held back whatever is decided here.
func (n Notices) Queue(ctx context.Context, kind notify.NoticeKind, opt QueueOptions) (Queued, error) {
	var q Queued
	st, err := n.Store.Status(ctx)
	if err != nil {
		return q, err
	}
	if q.HeldBack, err = n.Store.LookAlikes(ctx); err != nil {
		return q, err
	}
	if waiting := st.Categories[notify.Unclassified] - q.HeldBack; waiting > 0 && !opt.AllowUnclassified {
		return q, &UnclassifiedError{N: waiting}
	}
	if opt.RetryFailed {
		if q.Requeued, q.Dead, err = n.Store.RequeueFailed(ctx, kind); err != nil {
			return q, err
		}
	}
	q.Queued, err = n.Store.Queue(ctx, kind, opt.Lang, n.MessageID)
	return q, err
}
