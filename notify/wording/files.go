package wording

import (
	"time"

	"github.com/owabi/owabi/notify"
)

// FilesLeft is what to tell, in lang, before the list of files still left
// (notify.LeftBehind): that they hold personal data and are to be deleted;
// or, when none is left, that none is.
func FilesLeft(lang string, left []notify.WrittenFile) string {
	if len(left) == 0 {
		return Say(lang, "file.none")
	}
	return Say(lang, "file.left")
}

// FilesOthers asks, in lang, to destroy the copies owabi cannot know of.
func FilesOthers(lang string) string { return Say(lang, "file.others") }

// File says in lang what a file left is, where, and when and by whom it
// was written (in zone).
func File(lang string, f notify.WrittenFile, zone *time.Location) string {
	what := Say(lang, "file.handed_out")
	if f.Path != "" {
		what = Say(lang, "file."+string(f.Kind), f.Path, f.Files)
	}
	return what + Say(lang, "file.when", f.At.In(zone).Format("2006-01-02 15:04"), f.Actor)
}
