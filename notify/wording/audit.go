package wording

import (
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
)

// Audit is what an audit entry says happened, in lang, its times in zone.
// An entry written before entries were said is in English, and shown
// through Japanese to a Japanese reader.
func Audit(lang string, zone *time.Location, e notify.AuditEntry) string {
	if e.Said.Key == "" {
		if lang == "ja" {
			return Japanese(e.Detail)
		}
		return e.Detail
	}
	return Said(lang, zone, e.Said)
}

// Said is what s says, in lang, its times in zone.
func Said(lang string, zone *time.Location, s notify.Said) string {
	if s.Key == notify.InEnglish && len(s.Args) == 1 {
		text, _ := s.Args[0].(string)
		if lang == "ja" {
			return Japanese(text)
		}
		return text
	}
	args := make([]any, len(s.Args))
	for i, a := range s.Args {
		switch a := a.(type) {
		case notify.Said:
			args[i] = Said(lang, zone, a)
		case []notify.Said:
			args[i] = List(lang, zone, a)
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
	return strings.Join(said, Say(lang, "audit.list"))
}
