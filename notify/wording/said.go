package wording

import (
	"strings"
	"time"

	"golang.org/x/text/number"

	"github.com/owabi/owabi/notify"
)

// Said is what s says, in lang, its times in zone.
func Said(lang string, zone *time.Location, s notify.Said) string {
	if s.Key == notify.AsWritten && len(s.Args) == 1 && len(s.More) == 0 {
		text, _ := s.Args[0].(string)
		return text
	}
	if !Has(lang, s.Key) && len(s.Args) == 0 {
		// A word the catalogue does not have, such as a script it does not
		// name: its name rather than its key.
		return s.Key[strings.LastIndexByte(s.Key, '.')+1:]
	}
	args := make([]any, len(s.Args))
	for i, a := range s.Args {
		switch a := a.(type) {
		case notify.Said:
			args[i] = Said(lang, zone, a)
		case []notify.Said:
			args[i] = List(lang, zone, a)
		case []string:
			args[i] = join(lang, a)
		case notify.ID:
			args[i] = number.Decimal(int64(a), number.NoSeparator())
		case time.Time:
			args[i] = Say(lang, "audit.no_time")
			if !a.IsZero() {
				args[i] = a.In(zone).Format("2006-01-02 15:04")
			}
		default:
			args[i] = a
		}
	}
	parts := []string{Say(lang, s.Key, args...)}
	for _, m := range s.More {
		parts = append(parts, Said(lang, zone, m))
	}
	return strings.Join(parts, Say(lang, "audit.and"))
}

// List says each of words in lang, and joins them as lang lists words.
func List(lang string, zone *time.Location, words []notify.Said) string {
	said := make([]string, len(words))
	for i, w := range words {
		said[i] = Said(lang, zone, w)
	}
	return join(lang, said)
}

// join lists words as lang does: 「A、B、C」, "A, B and C".
func join(lang string, words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	last := len(words) - 1
	return strings.Join(words[:last], Say(lang, "audit.list")) + Say(lang, "audit.list_last") + words[last]
}

// English is s in English, its times in UTC: as the command line, its
// JSON and the logs give it.
func English(s notify.Said) string { return Said("en", time.UTC, s) }

// Fail is an error of code that says s: its message in English, for
// scripts and logs; Error says it in a reader's language.
func Fail(code string, s notify.Said) *notify.Error {
	return &notify.Error{Code: code, Message: English(s), Said: s}
}

// Wrap is an error that says s of err, which caused it, with err's code.
func Wrap(err error, s notify.Said) *notify.Error {
	return &notify.Error{Code: notify.ErrorCode(err), Message: English(s), Said: s, Err: err}
}

// Error is what err says, in lang, its times in zone.
func Error(lang string, zone *time.Location, err error) string {
	return Said(lang, zone, notify.ErrorSaid(err))
}
