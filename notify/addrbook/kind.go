package addrbook

import (
	"bytes"

	"github.com/owabi/owabi/notify"
)

// NotABook says what a file is when it is plainly no address book, and
// what to export instead: a PDF, a workbook, an archive, an image, an
// Outlook data file. People under stress pick the file they have, and
// "name the columns in the config" helps nobody who uploaded a PDF. It
// looks at the file's first bytes; ok is false for anything else.
func NotABook(head []byte) (said notify.Said, ok bool) {
	has := func(magic string) bool { return bytes.HasPrefix(head, []byte(magic)) }
	switch {
	case has("%PDF-"):
		return notify.Say("entry.is_pdf"), true
	case has("PK\x03\x04") && bytes.Contains(head, []byte("xl/")):
		return notify.Say("entry.is_xlsx"), true
	case has("PK\x03\x04"):
		return notify.Say("entry.is_zip"), true
	case has("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"): // an OLE file: .xls, .msg, .doc
		return notify.Say("entry.is_ole"), true
	case has("!BDN"):
		return notify.Say("entry.is_pst"), true
	case has("\x89PNG"), has("\xff\xd8\xff"), has("GIF8"), len(head) >= 8 && bytes.Equal(head[4:8], []byte("ftyp")),
		has("RIFF") && len(head) >= 12 && bytes.Equal(head[8:12], []byte("WEBP")):
		return notify.Say("entry.is_image"), true
	}
	return notify.Said{}, false
}
