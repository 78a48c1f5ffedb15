package addrbook

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"github.com/owabi/owabi/notify"
)

// Book is an address-book file being read one entry at a time.
type Book interface {
	// Next returns the next entry, or io.EOF at the end. An entry that
	// cannot be used gives a *RowError: the caller records it and calls
	// Next again. Any other error is fatal (the input could not be read)
	// and is returned again by every later call.
	//
	// Record.Number counts rejected entries too, so numbers match the
	// entries in the file; Record.Line is the physical line where the entry
	// starts.
	Next() (notify.Record, error)
	// Format names the layout read, e.g. "google-csv" or "vcard".
	Format() string
}

// Formats owabi reads, by the names --format and the reports use.
const (
	FormatGoogle    = "google-csv"
	FormatGoogleOld = "google-csv-old"
	FormatOutlook   = "outlook-csv"
	FormatOutlookJa = "outlook-csv-ja"
	FormatTBird     = "thunderbird-csv"
	FormatVCard     = "vcard"
	FormatCSV       = "csv" // any CSV, with columns named by a Mapping
)

// FormatNames describes each format for people.
var FormatNames = map[string]string{
	FormatGoogle:    "Google Contacts CSV",
	FormatGoogleOld: `Google Contacts CSV, older "Google CSV" layout`,
	FormatOutlook:   "Outlook CSV",
	FormatOutlookJa: "Outlook CSV, Japanese headers",
	FormatTBird:     "Thunderbird CSV",
	FormatVCard:     "vCard",
	FormatCSV:       "CSV with mapped columns",
}

// Open returns a reader for the address book in text (UTF-8: Decode turns
// other encodings into it). format is one of the Format constants, or ""
// to tell from the content: a vCard file starts with BEGIN:VCARD, and a CSV
// file's header shows its layout. m names the columns of a CSV layout owabi
// does not know; it may be nil otherwise.
func Open(text io.Reader, format string, m Mapping) (Book, error) {
	br := bufio.NewReader(text)
	if format == FormatVCard || format == "" && looksLikeVCard(br) {
		return NewVCard(br)
	}
	return NewCSV(br, format, m)
}

// looksLikeVCard reports whether text starts, after blank lines, with
// BEGIN:VCARD; br keeps what was looked at.
func looksLikeVCard(br *bufio.Reader) bool {
	head, _ := br.Peek(4096)
	head = bytes.TrimLeft(head, "\ufeff \t\r\n")
	return len(head) >= 11 && strings.EqualFold(string(head[:11]), "BEGIN:VCARD")
}
