package notify

import "time"

// Event is a change a person made to a contact, kept in its history.
type Event struct {
	At     time.Time
	By     string // the member of staff
	What   string // "category" or "owner"
	From   string
	To     string
	Reason string // why, for a change of category
}
