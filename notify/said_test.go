package notify

import (
	"reflect"
	"testing"
	"time"
)

// What the audit trail says is stored and read back as it was said: each
// value of the type it had, words and lists of words within.
func TestASaidIsReadBackAsItWasSaid(t *testing.T) {
	at := time.Date(2012, 12, 22, 5, 30, 0, 0, time.FixedZone("JST", 9*3600))
	s := Say("audit.call", 12, Say("outcome_reached"), "山田 <a@x.example>", at, []Said{Say("inc_cause"), Say("in_english_field", Say("inc_summary"))}).
		And(Say("audit.answer", Say("q_arrived"), Say("answer_yes")), Said{}, Say("audit.reason", `"quoted"; {not json}`))
	text, err := s.Text()
	if err != nil {
		t.Fatal(err)
	}
	got, ok := ParseSaid(text)
	want := s
	want.Args[3] = at.UTC()
	if !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("read back\n%#v\nwant\n%#v\nfrom %s", got, want, text)
	}
	if _, err := Say("x", 1.5).Text(); err == nil {
		t.Error("a float was said")
	}
}

// An entry written in English before entries were said, a purged one or
// anything else is not taken for a Said.
func TestOnlyASaidIsReadAsOne(t *testing.T) {
	for _, text := range []string{"", Purged, "signed in (manager)", "{", `{"args":[1]}`, `{"say":"x","args":[1.5]}`,
		`{"say":"x","args":[{"at":"yesterday"}]}`, `{"say":"x","args":[[1]]}`, `{"say":"x","args":[null]}`, `["say"]`} {
		if s, ok := ParseSaid(text); ok {
			t.Errorf("%q read as %#v", text, s)
		}
	}
}
