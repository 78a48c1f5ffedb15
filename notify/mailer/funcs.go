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
		"indent": func(prefix, s string) string {
			return prefix + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n"+prefix)
		},
	}
}

// Defang makes a dangerous URL readable but not clickable: no mail program
// turns hxxps://evil[.]example into a link.
func Defang(url string) string {
	s := strings.Replace(strings.TrimSpace(url), "http", "hxxp", 1)
	scheme, rest, found := strings.Cut(s, "://")
	if !found {
		return strings.ReplaceAll(s, ".", "[.]")
	}
	host, path, hasPath := strings.Cut(rest, "/")
	out := scheme + "://" + strings.ReplaceAll(host, ".", "[.]")
	if hasPath {
		out += "/" + path
	}
	return out
}
