package notify

import "time"

// Purged is what stands, after a purge, where personal data was: a name,
// a note, an audit entry's detail.
const Purged = "purged"

// PurgeWord is what the operator types to confirm a purge, on the command
// line and in the web app alike: one plain word, easy to type on any
// keyboard and not typed by accident.
const PurgeWord = "purge"

// ErrPurged refuses what would send, or take in personal data, after a
// purge: its message for the command line, what it says for a page.
var ErrPurged = &Error{Code: ECONFLICT, Said: Say("purged_refused"), Message: "the personal data was purged from this database: " +
	"it keeps the counts, reports and audit trail, and takes in or sends nothing more"}

// PurgeReport is what a purge erased (or, looked at first, would erase):
// counts only.
type PurgeReport struct {
	Contacts      int // names, readings, companies, phones, labels and notes
	Addresses     int
	Calls         int // notes of calls
	Replies       int // acknowledgements with a reply's first lines or its Message-ID
	Reasons       int // reasons typed for a change of category or contact mark
	Imports       int // file names
	ImportEntries int // notes on imported entries (why rejected, what to check)
	Notices       int // server replies kept with notices
	AuditDetails  int
	Withdrawn     int    // notices waiting to be sent, withdrawn
	Links         int    // personal confirmation links, which stop working
	Head          []byte // the audit trail's last hash before the purge
	Broken        int64  // the first broken entry of the audit trail, 0 when whole
	// At and By say when and by whom the database was first purged; set
	// when a purge ran before (a purge then counts what came in since).
	At time.Time
	By string
}
