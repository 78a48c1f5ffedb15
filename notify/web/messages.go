package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"
	"unicode"

	textlang "golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/fieldcheck"
	"github.com/owabi/owabi/notify/wording"
)

// language is "en" when the browser ranks English above Japanese, else "ja".
func language(r *http.Request) string {
	if lang, ok := r.Context().Value(langKey{}).(string); ok {
		return lang
	}
	return negotiate(r.Header.Get("Accept-Language"))
}

// pageMatcher matches a browser's languages to owabi's.
var pageMatcher = func() textlang.Matcher {
	var tags []textlang.Tag
	for _, lang := range wording.Languages {
		tags = append(tags, textlang.Make(lang))
	}
	return textlang.NewMatcher(tags)
}()

// negotiate picks the page language a browser's Accept-Language prefers,
// weights and regional variants included (en-GB;q=0.9 is English).
func negotiate(accept string) string {
	tags, _, err := textlang.ParseAcceptLanguage(accept)
	if err != nil || len(tags) == 0 {
		return wording.Languages[0]
	}
	if _, i, confidence := pageMatcher.Match(tags...); confidence != textlang.No {
		return wording.Languages[i]
	}
	return wording.Languages[0]
}

// langKey holds, in a request's context, the language its user chose.
type langKey struct{}

// telURL is a phone number as a tel: link, or "" when it does not hold a
// number to dial. Full-width digits count; an extension or a note after
// the number ("内線 12", "(代表)", "ext. 3") is left out, and so is the
// "(0)" written after a country code.
func telURL(phone string) template.URL {
	p := strings.ReplaceAll(norm.NFKC.String(phone), "(0)", "")
	var b strings.Builder
	digits := 0
	for _, r := range p {
		switch {
		case '0' <= r && r <= '9':
			b.WriteRune(r)
			digits++
		case r == '+' && b.Len() == 0:
			b.WriteRune(r)
		case strings.ContainsRune(" .()ー－−～〜", r) || unicode.Is(unicode.Pd, r) || unicode.IsSpace(r):
			// separators within the number: spaces, brackets, and every
			// kind of dash Japanese text uses
		case digits > 0:
			return telOf(b.String(), digits) // an extension or a note follows
		}
	}
	return telOf(b.String(), digits)
}

// telOf is the link for number, when it has enough digits to dial.
func telOf(number string, digits int) template.URL {
	if digits < 6 {
		return ""
	}
	return template.URL("tel:" + number)
}

// funcs are the helpers the pages use.
func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"tel":     telURL,
		"name":    func(r notify.Record) string { return r.Name() },
		"checked": checked,
		// said is what owabi says (of an entry, a decision), in the page's
		// language.
		"said": func(lang string, x notify.Said) string { return wording.Said(lang, s.Zone, x) },
		// local is a time in the organisation's zone, "" when not set.
		"local": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(s.Zone).Format("2006-01-02 15:04")
		},
		// inputTime is a time as a datetime-local field holds it, in the zone
		// (the form is read back with localInput).
		"inputTime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(s.Zone).Format(inputTimeLayout)
		},
		// later says whether recorded is more than a few minutes after
		// at: a thing recorded after it happened shows both times.
		"later": func(recorded, at time.Time) bool { return recorded.Sub(at) > 5*time.Minute },
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format("2006-01-02")
		},
		// msg looks up the text of a code (an outcome, an answer) in the page's language.
		// delivery says what a server's reply to a notice means, with its codes.
		"delivery": wording.Delivery,
		"number":   wording.Number,
		"short":    wording.Short,
		"msg": func(t map[string]string, prefix string, code any) string {
			return t[prefix+fmt.Sprint(code)]
		},
		"leftOut": leftOut,
		// who names whoever did a thing: a staff account by its name; the
		// command line, owabi itself and the config file in words.
		// who names whoever did something: the command line or the daemon
		// in words, a member of staff by their display name and login.
		"who": func(lang, actor string) string {
			if key := "actor_" + actor; wording.Has(lang, key) {
				return wording.Say(lang, key)
			}
			if names := s.displayNames.Load(); names != nil {
				if name := (*names)[strings.ToLower(actor)]; name != "" {
					return name + "（" + actor + "）"
				}
			}
			return actor
		},
		// items names the items of the incident record keys are of, in a
		// language (notify.ItemLabel).
		"items": func(lang string, keys []string) string {
			labels := make([]notify.Said, len(keys))
			for i, k := range keys {
				labels[i] = notify.ItemLabel(k)
			}
			return wording.List(lang, s.Zone, labels)
		},
		// audit is what an audit entry says happened, in a language and the zone.
		"audit": func(lang string, e notify.AuditEntry) string { return wording.Audit(lang, s.Zone, e) },
		// say is a text that takes values, in a language: {{say $.Lang "key" .N}}.
		"say": wording.Say,
	}
}

// leftOut says in lang which field the notices leave out, and why.
func leftOut(lang string, f fieldcheck.Finding) string {
	return wording.Say(lang, "left_out_"+string(f.Problem), wording.Texts(lang)["field_"+string(f.Field)], fieldcheck.Limit(f.Field))
}

// inputTimeLayout is how a datetime-local field writes a time.
const inputTimeLayout = "2006-01-02T15:04"

// localInput reads a datetime-local field's value, typed in the zone.
func (s *Server) localInput(v string) (time.Time, error) {
	return time.ParseInLocation(inputTimeLayout, v, s.Zone)
}
