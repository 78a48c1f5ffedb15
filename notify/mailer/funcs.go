package mailer

import (
	"strings"
	"text/template"
	"time"

	"github.com/owabi/owabi/notify"
)

// funcs are the helpers templates of one language may call.
func funcs(lang string, zone *time.Location) template.FuncMap {
	return template.FuncMap{
		"date":   func(t time.Time) string { return notify.LetterTime(lang, t.In(zone)) },
		"defang": Defang,
		// stop ends a sentence with s: a full stop after it, unless it
		// ends with one already ("Co., Ltd.").
		"stop": func(s string) string {
			if strings.HasSuffix(s, ".") {
				return s
			}
			return s + "."
		},
		"indent": func(prefix, s string) string {
			return prefix + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n"+prefix)
		},
	}
}

// Defang makes a dangerous URL readable but not clickable: no mail program
// turns hxxps://evil[.]example into a link. Every dot is bracketed, the
// path's too: a file name such as mitsumori.zip is a host name to a filter
// or a mail reader (.zip is a top-level domain), and would be linked.
func Defang(url string) string {
	s := strings.TrimSpace(url)
	if i := strings.Index(strings.ToLower(s), "http"); i >= 0 {
		s = s[:i] + "hxxp" + s[i+4:]
	}
	return strings.ReplaceAll(s, ".", "[.]")
}
