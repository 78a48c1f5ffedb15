package notify

import "time"

// EntryNote is what an import report says about one address-book entry: why
// it was rejected, or what a person should check.
type EntryNote struct {
	Number int  `json:"record"`
	Line   int  `json:"line"`
	Reason Said `json:"-"` // owabi's JSON says it in English (cmd/owabi)
}

// EntryFlags is what a person should check about an entry as imported,
// nothing when nothing: why classifying it as read (d) held it back, which
// names the domain a look-alike imitates, then what the reader warned of
// (rec.Warnings), one after the other.
func EntryFlags(rec Record, d Decision) Said {
	flags := rec.Warnings
	if d.Rule == RuleLookAlike {
		flags = append([]Said{d.Detail}, flags...)
	}
	if len(flags) == 0 {
		return Said{}
	}
	return flags[0].And(flags[1:]...)
}

// NextRecord yields the entries of an address book: a record, or a rejection
// for an entry that cannot be imported, or io.EOF at the end. Any other error
// aborts the import.
type NextRecord func() (Record, *EntryNote, error)

// Decide classifies one contact from its record (with all its addresses).
type Decide func(Record) Decision

// ImportReport says what one import did with every entry of a file: its
// counts, and the first KeptNotes notes of each kind, in file order. A
// book of a million bad entries has a million notes: the import stores
// every one as it goes, and they are read back a page at a time
// (store.DB.ImportNotes), never all held. owabi's JSON lists every one,
// read from the database as it is written out after the rest of the
// report; the lists come last for that, and are left out when empty.
type ImportReport struct {
	ID int64     `json:"id,omitempty"` // the stored import, 0 for a dry run
	At time.Time `json:"at"`
	// ListedAt is when the persons concerned were listed from the book,
	// as a manager dates it for the timeline; zero, it is At.
	ListedAt       time.Time   `json:"listed_at,omitzero"`
	File           string      `json:"file"`
	Format         string      `json:"format"`
	Encoding       string      `json:"encoding"`
	DryRun         bool        `json:"dry_run,omitempty"` // nothing was written
	Records        int         `json:"records"`           // entries read, rejected ones included
	Added          int         `json:"added"`
	Updated        int         `json:"updated"`
	Unchanged      int         `json:"unchanged"`
	Merged         int         `json:"merged"` // entries folded into a contact seen earlier in the same run
	AddressesAdded int         `json:"addresses_added"`
	RejectedCount  int         `json:"rejected_count"`
	FlaggedCount   int         `json:"flagged_count"`
	Rejected       []EntryNote `json:"rejected,omitempty"`
	Flagged        []EntryNote `json:"flagged,omitempty"` // imported, but a person should look (e.g. a look-alike domain)
}

// Listed is when the persons concerned were listed from the book: as a
// manager dated it, or when it was read.
func (r ImportReport) Listed() time.Time {
	if r.ListedAt.IsZero() {
		return r.At
	}
	return r.ListedAt
}

// KeptNotes is how many notes of each kind a report holds, and how many a
// page shows: the answer to an upload is the report's first page, with no
// reading back, and an import holds at most twice this many notes however
// many entries it rejects or flags. A hundred lines is as much as a
// person reads before they fix the file and import it again; the page of
// them stays near 20 KB.
const KeptNotes = 100

// Reject counts an entry rejected, and keeps its note if it is among the
// first KeptNotes.
func (r *ImportReport) Reject(n EntryNote) { keepNote(&r.Rejected, &r.RejectedCount, n) }

// Flag counts an entry imported with something to check, and keeps its
// note if it is among the first KeptNotes.
func (r *ImportReport) Flag(n EntryNote) { keepNote(&r.Flagged, &r.FlaggedCount, n) }

// Notes is what the report holds of a kind of notes: the first KeptNotes,
// and how many there are in all.
func (r ImportReport) Notes(kind NoteKind) (kept []EntryNote, count int) {
	if kind == FlaggedNotes {
		return r.Flagged, r.FlaggedCount
	}
	return r.Rejected, r.RejectedCount
}

func keepNote(kept *[]EntryNote, count *int, n EntryNote) {
	*count++
	if len(*kept) < KeptNotes {
		*kept = append(*kept, n)
	}
}

// NoteKind is which of an import's notes: those of the entries it
// rejected, or of those it imported with something to check.
type NoteKind string

// The kinds of notes, as the JSON of a report names their lists.
const (
	RejectedNotes NoteKind = "rejected"
	FlaggedNotes  NoteKind = "flagged"
)

// ImportSummary is one stored import, for a list of them.
type ImportSummary struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	File      string    `json:"file"`
	Format    string    `json:"format"`
	Encoding  string    `json:"encoding"`
	Records   int       `json:"records"`
	Added     int       `json:"added"`
	Updated   int       `json:"updated"`
	Unchanged int       `json:"unchanged"`
	Merged    int       `json:"merged"`
	Rejected  int       `json:"rejected"`
	Flagged   int       `json:"flagged"`
	// State is ImportDone, ImportRunning (its counts so far), or
	// ImportStopped.
	State string `json:"state"`
}

// An import's state.
const (
	ImportDone    = "done"
	ImportRunning = "running"
	ImportStopped = "stopped" // left part-way by a process that stopped: the next import or writing command undoes it
)

// UnfinishedImport is an import that has not finished: running, or left
// part-way by a process that stopped, when the next import or command
// that writes undoes it.
type UnfinishedImport struct {
	ID      int64     `json:"id"`
	File    string    `json:"file"`
	At      time.Time `json:"at"`
	Records int       `json:"records"` // entries stored so far
	Stopped bool      `json:"stopped"`
}

// ClassifyReport counts what a classification run decided.
type ClassifyReport struct {
	Categories map[Category]int `json:"categories"`
	Rules      map[Rule]int     `json:"rules"`
	Changed    int              `json:"changed"`
}

// Status is where the response stands.
type Status struct {
	Contacts            int                                `json:"contacts"`
	Addresses           int                                `json:"addresses"`
	Categories          map[Category]int                   `json:"categories"`
	AddressesByCategory map[Category]int                   `json:"addresses_by_category"`
	Notices             map[NoticeState]int                `json:"notices"`
	ByCategory          map[Category]map[NoticeState]int   `json:"notices_by_category"`
	ByKind              map[NoticeKind]map[NoticeState]int `json:"notices_by_kind"`
	// ByCategoryKind splits each category's notices by kind: a person
	// sent both a deletion request and an apology is sent two.
	ByCategoryKind map[Category]map[NoticeKind]map[NoticeState]int `json:"notices_by_category_and_kind"`
	// FailedWhy counts the failed notices by what the server's reply
	// means; only owabi status fills it in.
	FailedWhy map[Problem]int `json:"failed_why,omitempty"`
	// Import is an import that has not finished, if any: while it runs,
	// the counts climb as its contacts come in.
	Import *UnfinishedImport `json:"unfinished_import,omitempty"`
	// Stopped says why sending has stopped, if it has.
	Stopped *SendingStop `json:"sending_stopped,omitempty"`
	// Outlook is when the queue will have gone out at the sending limits,
	// while there are limits and notices waiting; only owabi status fills
	// it in.
	Outlook *Outlook `json:"sending_outlook,omitempty"`
}

// WithoutNotice is how many addresses have no notice of kind yet, in any
// state: those the next owabi send --kind would queue for (less any whose
// contact is not to be contacted).
func (s Status) WithoutNotice(kind NoticeKind) int {
	n := s.Addresses
	for _, count := range s.ByKind[kind] {
		n -= count
	}
	return max(n, 0)
}
