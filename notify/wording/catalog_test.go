package wording

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
)

// Every text is in every language, and takes the same values there: a
// missing text would show as its key, a value a text lacks as
// %!d(MISSING), and one it leaves out not at all.
func TestEveryTextIsInEveryLanguageWithTheSameValues(t *testing.T) {
	keys := map[string]bool{}
	for _, lang := range Languages {
		for key := range texts[lang] {
			keys[key] = true
		}
		for key := range counted[lang] {
			keys[key] = true
		}
	}
	if len(keys) < 500 {
		t.Fatalf("only %d keys: the catalogues are not all here", len(keys))
	}
	for key := range keys {
		ja, ok := texts["ja"][key]
		if !ok {
			t.Errorf("ja has no text for %q", key)
			continue
		}
		args := valuesFor(ja)
		for _, lang := range Languages {
			if !Has(lang, key) {
				t.Errorf("%s has no text for %q", lang, key)
				continue
			}
			got := Say(lang, key, args...)
			for _, a := range args {
				if want := Say("en", "%v", a); !strings.Contains(got, want) || strings.Contains(got, "%!") {
					t.Errorf("%s %q does not take the values ja's text takes (%v): %s", lang, key, args, got)
					break
				}
			}
		}
	}
}

// verbs are the values a text takes: %d, %[2]s.
var verbs = regexp.MustCompile(`%(?:\[(\d+)\])?([dsqv])`)

// valuesFor makes the values a text takes, of the kinds its verbs ask.
func valuesFor(text string) []any {
	var args []any
	next := 0
	for _, m := range verbs.FindAllStringSubmatch(text, -1) {
		i := next
		if m[1] != "" {
			i, _ = strconv.Atoi(m[1])
			i--
		}
		next = i + 1
		for len(args) <= i {
			args = append(args, nil)
		}
		if m[2] == "d" {
			args[i] = 7001 + i // written 7,001: not a number the texts hold
		} else {
			args[i] = "«" + strconv.Itoa(i) + "»"
		}
	}
	return args
}

// English words follow the count; Japanese ones need not.
func TestEnglishWordsFollowTheCount(t *testing.T) {
	for _, c := range []struct {
		key  string
		args []any
		want string
	}{
		{"hours", []any{1}, "1 hour"},
		{"hours", []any{0}, "0 hours"},
		{"hours", []any{5}, "5 hours"},
		{"days_hours", []any{1, 1}, "1 day 1 hour"},
		{"days_hours", []any{2, 1}, "2 days 1 hour"},
		{"days_hours", []any{1, 23}, "1 day 23 hours"},
		{"reassigned", []any{1}, "1 contact has a new owner."},
		{"reassigned", []any{1200}, "1,200 contacts have a new owner."},
		{"my_progress", []any{1, 0}, "You have spoken to 0 of your 1 contact."},
		{"my_progress", []any{70, 12}, "You have spoken to 12 of your 70 contacts."},
		{"report.persons", []any{1, 1, 0, 0}, "1 person (1 customer, 0 suppliers, 0 employees"},
		{"report.persons", []any{243, 177, 26, 40}, "243 persons (177 customers, 26 suppliers, 40 employees"},
		{"todo." + string(notify.TaskCall), []any{1}, "1 person has not been spoken to yet: their owner calls them from My contacts."},
		{"todo." + string(notify.TaskFailed), []any{3}, "3 notices could not be delivered: phone those people."},
		{"file." + string(notify.FileCaptures), []any{"/tmp/x", 1}, "1 mail the demo captured (.eml files) in /tmp/x"},
		{"audit.not_delivered", []any{12, 1, "refused"}, "notice 12 not delivered after 1 attempt: refused"},
		{"audit.not_delivered", []any{12, 3, "refused"}, "notice 12 not delivered after 3 attempts: refused"},
		{"audit.imported", []any{1, "a.csv", "vCard", "UTF-8", 1, 1, 0, 0, 0, 1}, "import 1 of a.csv (vCard, UTF-8): 1 entry, 1 added, 0 updated, 0 merged, 0 rejected, 1 address added"},
		{"audit.imported", []any{2, "b.csv", "vCard", "UTF-8", 3, 2, 0, 0, 1, 4}, "import 2 of b.csv (vCard, UTF-8): 3 entries, 2 added, 0 updated, 0 merged, 1 rejected, 4 addresses added"},
		{"audit.export_file", []any{1, "/tmp/x.csv"}, "contact list, 1 contact, written to /tmp/x.csv"},
		{"audit.export_file", []any{2, "/tmp/x.csv"}, "contact list, 2 contacts, written to /tmp/x.csv"},
	} {
		if got := Say("en", c.key, c.args...); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.key, c.args, got, c.want)
		}
	}
	if got := Say("ja", "hours", 1); got != "1 時間" {
		t.Errorf("ja hours 1: %q", got)
	}
}

// A language owabi does not speak gets English; an unknown key shows as
// itself, not as nothing.
func TestAnUnknownLanguageGetsEnglish(t *testing.T) {
	if got := Say("fr", "sign_in"); got != "Sign in" {
		t.Errorf("fr sign_in: %q", got)
	}
	if Speaks("fr") || !Speaks("ja") || !Speaks("en") {
		t.Error("Speaks is wrong")
	}
}
