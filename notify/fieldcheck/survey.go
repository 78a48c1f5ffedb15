package fieldcheck

import (
	"context"
	"strings"

	"github.com/owabi/owabi/notify"
)

// Affected says whose notices leave a field out: a manager checks those
// entries against the book the organisation trusts, or calls the people.
type Affected struct {
	// Contacts is how many contacts have a field their notices leave out.
	Contacts int `json:"contacts"`
	// Listed are the first MaxListed of them, in id order.
	Listed []AffectedContact `json:"listed"`
	// OwnerLeftOut is how many contacts' notices leave out the name or
	// phone of the member of staff who follows them up, because that
	// member of staff's own entry holds something unsafe there (that entry
	// is among Contacts when it is the name).
	OwnerLeftOut int `json:"owner_left_out"`
}

// AffectedContact is one contact whose notices leave fields out.
type AffectedContact struct {
	ID       int64     `json:"id"`
	Findings []Finding `json:"findings"`
}

// MaxListed bounds Affected.Listed, so that a book full of links makes a
// page a manager can read, not one as long as the book.
const MaxListed = 200

// Contacts reads every contact with its addresses: the store, or the web
// app's view of it.
type Contacts interface {
	EachContact(ctx context.Context, fn func(notify.Contact, notify.ContactProgress) error) error
}

// Survey reads every contact and says whose notices leave a field out.
func Survey(ctx context.Context, db Contacts) (Affected, error) {
	var a Affected
	owners := map[string]int{} // contacts by the owner's address
	unsafeOwner := map[string]bool{}
	err := db.EachContact(ctx, func(c notify.Contact, _ notify.ContactProgress) error {
		if f := Record(c.Record); len(f) > 0 {
			a.Contacts++
			if len(a.Listed) < MaxListed {
				a.Listed = append(a.Listed, AffectedContact{ID: c.ID, Findings: f})
			}
		}
		if c.OwnerEmail != "" {
			owners[strings.ToLower(c.OwnerEmail)]++
		}
		// As the store names an owner: their name, and first phone.
		if Check(Name, c.Name(), "") != "" || len(c.Phones) > 0 && Check(Phone, c.Phones[0], "") != "" {
			for _, e := range c.Emails {
				unsafeOwner[strings.ToLower(e)] = true
			}
		}
		return nil
	})
	for e, n := range owners {
		if unsafeOwner[e] {
			a.OwnerLeftOut += n
		}
	}
	return a, err
}
