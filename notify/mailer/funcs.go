package mailer

import (
	"fmt"
	"strings"
	"text/template"
	"time"
)

var weekdaysJA = [...]string{"日", "月", "火", "水", "木", "金", "土"}

// funcs are the helpers templates of one language may call.
func funcs(lang string, zone *time.Location) template.FuncMap {
	return template.FuncMap{
		"date":   func(t time.Time) string { return formatDate(lang, t.In(zone)) },
		"defang": Defang,
		"indent": func(prefix, s string) string {
			return prefix + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n"+prefix)
		},
	}
}

// formatDate writes a date and time the way a letter in lang does.
func formatDate(lang string, t time.Time) string {
	if t.IsZero() {
		if lang == "en" {
			return "(date unknown)"
		}
		return "（日時不明）"
	}
	if lang == "en" {
		return t.Format("Mon 2 January 2006, 15:04 MST")
	}
	return fmt.Sprintf("%d年%d月%d日（%s）%d時%02d分", t.Year(), t.Month(), t.Day(), weekdaysJA[t.Weekday()], t.Hour(), t.Minute())
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
