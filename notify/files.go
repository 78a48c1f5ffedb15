package notify

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// FileKind is what a file that owabi wrote outside the database holds.
type FileKind string

const (
	FileBackup        FileKind = "backup"         // a copy of the database (owabi backup)
	FileExport        FileKind = "export"         // the contact list (owabi export, the web app's download)
	FileBeforeRestore FileKind = "before-restore" // the database as it was before owabi restore
	FileCaptures      FileKind = "captures"       // the folder where the demo's capture server saves the mails it receives
)

// WrittenFile is a file that owabi wrote outside the database while it
// held personal data. A purge erases the database only: these still hold
// it, and are for the operator to destroy. Reports are not among them:
// they hold counts and the organisation's own record, which the database
// keeps after a purge too, and they are filed, not destroyed.
type WrittenFile struct {
	Kind FileKind
	// Path is absolute; "" for a copy handed out whose place owabi cannot
	// know (a download from the web app, an export to standard output).
	// An older owabi recorded an export's path as typed: relative, maybe.
	Path  string
	Actor string
	At    time.Time
	Files int // how many mails a folder of captures holds now (LeftBehind counts them)
}

// capturesPattern names the files in a folder of captures: the .eml files
// the capture server writes (smtptest).
const capturesPattern = "*.eml"

// LeftBehind lists, of the files owabi wrote (newest first, as the store
// lists them), those that may still hold personal data: each path once,
// as written last; not those written after the database was first purged
// (purgedAt, zero if never), which hold none of what was erased; a file
// or a folder of captures only while it is there (and holds captures),
// as far as owabi can tell. A copy handed out, or a relative path, it
// cannot tell of: those stay listed.
func LeftBehind(written []WrittenFile, purgedAt time.Time) []WrittenFile {
	var left []WrittenFile
	seen := map[string]bool{}
	for _, f := range written {
		if f.Path != "" && seen[f.Path] {
			continue
		}
		seen[f.Path] = true
		if !purgedAt.IsZero() && f.At.After(purgedAt) {
			continue
		}
		if f.Path != "" && filepath.IsAbs(f.Path) {
			if f.Kind == FileCaptures {
				mails, _ := filepath.Glob(filepath.Join(f.Path, capturesPattern))
				if f.Files = len(mails); f.Files == 0 {
					continue
				}
			} else if _, err := os.Lstat(f.Path); errors.Is(err, fs.ErrNotExist) {
				continue
			}
		}
		left = append(left, f)
	}
	return left
}

// CanRemove says whether Remove can delete the file: owabi knows where it
// is.
func (f WrittenFile) CanRemove() bool { return f.Path != "" && filepath.IsAbs(f.Path) }

// Remove deletes the file; of a folder of captures, the captures, and the
// folder once nothing else is in it. Nothing else in a folder is touched.
func (f WrittenFile) Remove() error {
	if !f.CanRemove() {
		return Errorf(EINVALID, "owabi does not know where the file is")
	}
	if f.Kind != FileCaptures {
		return os.Remove(f.Path)
	}
	mails, err := filepath.Glob(filepath.Join(f.Path, capturesPattern))
	if err != nil {
		return err
	}
	for _, m := range mails {
		if err := os.Remove(m); err != nil {
			return err
		}
	}
	if rest, err := os.ReadDir(f.Path); err == nil && len(rest) == 0 {
		return os.Remove(f.Path)
	}
	return nil
}

// FileKinds lists every kind of file, in the order they are told.
var FileKinds = []FileKind{FileBackup, FileExport, FileBeforeRestore, FileCaptures}
