// Package notify holds owabi's domain: the people in a leaked address book,
// how they were classified, the notices sent to them, the staff who call
// them and what they heard. It depends on the standard library only;
// storage, mail, the web app and the command line adapt it.
package notify

import (
	"strings"
	"time"
)

// Category is what a person is to the organisation.
type Category string

const (
	Customer     Category = "customer"
	Supplier     Category = "supplier"
	Employee     Category = "employee"
	Unclassified Category = "unclassified" // a person must decide
)

// Categories lists every category in report order.
var Categories = []Category{Customer, Supplier, Employee, Unclassified}

// Rule names the classification rule that decided a contact's category, so a
// manager can see why.
type Rule string

const (
	RuleManual        Rule = "manual"              // an override in the config
	RuleOwnDomain     Rule = "own_domain"          // an address on the organisation's own domain
	RuleMasterDomain  Rule = "master_domain"       // an address on a master-list company's domain
	RuleMasterCompany Rule = "master_company_name" // the company name matches a master list
	RuleLabel         Rule = "label"               // the address book's own label
	RuleLookAlike     Rule = "lookalike"           // held back: an address imitates a known domain, a person must decide
	RuleNone          Rule = "none"                // nothing decided
)

// Record is one entry of an address book as read from the file, before it is
// stored. Emails are normalised; everything else keeps its original text.
type Record struct {
	Number     int // 1-based entry number in the file
	Line       int // physical line where the entry starts
	Family     string
	Given      string
	FamilyKana string
	GivenKana  string
	Company    string
	Department string
	Title      string
	Emails     []string
	Phones     []string
	Labels     []string
	Notes      string
	Warnings   []Said // what a person should check, e.g. a look-alike domain; not stored with the contact
}

// Name is the person's name in Japanese order (family name first).
func (r Record) Name() string {
	return strings.TrimSpace(r.Family + " " + r.Given)
}

// Contact is one person in the book, with the outcome of classification.
type Contact struct {
	ID int64
	Record
	Category     Category
	Rule         Rule
	RuleDetail   Said   // what matched, e.g. "domain kikyo-foods.example (C0012)"; a manager's reason as typed
	OwnerEmail   string // the member of staff who follows this person up
	Manual       bool   // a person decided the category: the rules leave it alone
	OwnerManual  bool   // a person chose the owner: the rules leave it alone
	DoNotContact bool   // a manager decided nobody contacts them: no notices, last in lists
}

// Address is one e-mail address of a contact; every address gets the notices.
type Address struct {
	ID        int64
	ContactID int64
	Email     string
}

// NoticeKind is which notice a person receives.
type NoticeKind string

const (
	Deletion NoticeKind = "deletion" // please delete the spam without opening it
	Apology  NoticeKind = "apology"  // what happened, what we did, who to call
)

// NoticeKinds lists every notice kind.
var NoticeKinds = []NoticeKind{Deletion, Apology}

// NoticeState is where a notice is in the outbox.
type NoticeState string

const (
	Queued  NoticeState = "queued"
	Sending NoticeState = "sending" // claimed by a sender; back to queued if it dies
	Sent    NoticeState = "sent"
	Failed  NoticeState = "failed"
)

// NoticeStates lists every outbox state in order.
var NoticeStates = []NoticeState{Queued, Sending, Sent, Failed}

// Notice is one row of the durable outbox: one notice to one address.
type Notice struct {
	ID        int64
	ContactID int64
	AddressID int64
	Kind      NoticeKind
	Lang      string
	State     NoticeState
	MessageID string // fixed before the first attempt, reused on every retry
	RefCode   string // its reference code (NewRef), which the person holds
	Attempts  int    // attempts the server answered (or that failed on the way); a claim cut short is none
	NextTry   time.Time
	// Reply is what the server answered to the last attempt that failed,
	// or what a bounce reported; empty once the notice is sent.
	Reply    ServerReply
	QueuedAt time.Time
	SentAt   time.Time
	Email    string // the address, joined in for sending
	// Round is 0 for the first notice of its kind to the address, 1 for
	// the first resend, and so on; a resend follows notice ResendOf.
	Round    int
	ResendOf int64
}

// Staff is the member of staff a person should call; notices name them.
type Staff struct {
	Name  string
	Email string
	Phone string
}

// Decision is the outcome of classifying one contact.
type Decision struct {
	Category   Category
	Rule       Rule
	Detail     Said // what matched, or why it could not be decided
	OwnerEmail string
}

// Same says whether d and o decide the same.
func (d Decision) Same(o Decision) bool {
	return d.Category == o.Category && d.Rule == o.Rule && d.OwnerEmail == o.OwnerEmail && d.Detail.Stored() == o.Detail.Stored()
}

// Delivery is a claimed notice with everything needed to write it.
type Delivery struct {
	Notice
	Contact Contact
	Owner   Staff // empty when the owner is not in the book
	// Thread is the Message-IDs of the earlier rounds, oldest first, for a
	// resend's In-Reply-To and References: it threads with them.
	Thread []string
	// AckLink is the person's confirmation page for this notice, when
	// confirmation links are on.
	AckLink string
}

// Ref is the notice's reference code (お問い合わせ番号), RefCode, which the
// person quotes on the phone or in a reply. A notice not queued yet (a
// preview) has none.
func (n Notice) Ref() string {
	if n.RefCode == "" {
		return strings.ToUpper(string(n.Kind))[:1] + "-????-????"
	}
	return n.RefCode
}
