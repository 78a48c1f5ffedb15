package notify

import "time"

// What a page asks the store for: a page of the contact list, a slice of
// the audit trail. The store answers them; the web app and the command
// line ask in these terms, not the store's.

// ContactList is a page of contacts: those that match Query (in a name,
// reading, company, phone or address, or a notice's reference code),
// Category, Owner and State when they are set, in Order.
type ContactList struct {
	Query    string
	Category Category
	Owner    string   // an owner's address, or Unassigned
	State    *Urgency // nil for every state
	// LookAlike narrows the list to the contacts held back as look-alikes
	// (rule lookalike) until a person decides.
	LookAlike bool
	// Unverified narrows it to the contacts with mail kept unverified
	// that nobody has decided on.
	Unverified bool
	Order      Order // ByNumber when empty
	Offset     int
	Limit      int
}

// Unassigned is ContactList.Owner for the contacts nobody owns.
const Unassigned = "-"

// Order is the order of a contact list.
type Order string

const (
	ByNumber  Order = "number"  // as imported; the zero Order too
	ByName    Order = "name"    // by reading, then name
	ByCompany Order = "company" // by company, then reading
	// ByUrgency puts who to call first at the top. It reads every listed
	// contact's case to choose the page, so it is for one person's
	// contacts rather than a whole million.
	ByUrgency Order = "urgency"
)

// AuditFilter narrows the audit trail: to one contact, one actor, one
// kind, the entries from From up to To, and those before entry Before (for
// the next page). Zero values leave a field out.
type AuditFilter struct {
	ContactID int64
	Actor     string
	Kind      string
	From, To  time.Time
	Before    int64
	Limit     int
}
