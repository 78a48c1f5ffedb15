package notify

import "time"

// ResendPolicy says when a notice is sent again to an address whose person
// has not acknowledged it.
type ResendPolicy struct {
	Kinds []NoticeKind
	// After is how long after a send, unacknowledged, the next is due.
	After time.Duration
	// MaxSends is how many notices of a kind an address gets in all, the
	// first included. After the last goes unanswered, the contact's owner
	// is asked to call.
	MaxSends int
}

// Resend is what a resend run does for one address: send its notice again
// (Notice is the last one sent), or, when every send has gone unanswered,
// hand the contact to their owner to call.
type Resend struct {
	Notice
	HandOver bool
}

// AckChannel is how a person acknowledged a notice.
type AckChannel string

const (
	AckReply AckChannel = "reply" // they answered the mail
	AckLink  AckChannel = "link"  // they used their personal link
	AckStaff AckChannel = "staff" // a call reached them
)

// Ack is one acknowledgement: a person has seen a notice (NoticeID, 0 when
// it is not known which). An auto-reply is kept with Auto set and does not
// count.
type Ack struct {
	ContactID int64
	NoticeID  int64
	Channel   AckChannel
	At        time.Time
	Auto      bool
	Excerpt   string     // a reply's first lines, for staff to read
	Report    LinkReport // what they said on their confirmation page, "" when not by link
}

// Counts says whether the acknowledgement says the person saw a notice:
// any but an automatic reply. One that counts stops the resends.
func (a Ack) Counts() bool { return !a.Auto }

// LinkReport is what a person says on their confirmation page.
type LinkReport string

const (
	DeletedSpam  LinkReport = "deleted"  // they deleted the spam unopened
	OpenedSpam   LinkReport = "opened"   // they opened its link or attachment
	FearInfected LinkReport = "infected" // they fear their computer is infected
	AskedForCall LinkReport = "call"     // they want a call
)

// SpamArrived says whether the report is a sign that the spam reached them.
func (r LinkReport) SpamArrived() bool {
	return r == DeletedSpam || r == OpenedSpam || r == FearInfected
}

// LinkReports lists the reports the page offers.
var LinkReports = []LinkReport{DeletedSpam, OpenedSpam, FearInfected, AskedForCall}
