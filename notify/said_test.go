package notify

import (
	"reflect"
	"testing"
	"time"
	"unicode/utf8"
)

// What the audit trail says is stored and read back as it was said: each
// value of the type it had, words and lists of words within.
func TestASaidIsReadBackAsItWasSaid(t *testing.T) {
	at := time.Date(2012, 12, 22, 5, 30, 0, 0, time.FixedZone("JST", 9*3600))
	s := Say("audit.call", ID(12), 12, Say("outcome_reached"), "山田 <a@x.example>", at, []Said{Say("inc_cause"), Say("in_english_field", Say("inc_summary"))}).
		And(Say("audit.answer", Say("q_arrived"), Say("answer_yes")), Said{}, Say("audit.reason", `"quoted"; {not json}`))
	text, err := s.Text()
	if err != nil {
		t.Fatal(err)
	}
	got, ok := ParseSaid(text)
	want := s
	want.Args[4] = at.UTC()
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

// What a store keeps of a Said reads back as the same: text as it was
// written stays that text, so a manager's reason is stored as typed,
// unless that text would read as something else; a purged one reads as
// purged; nothing is "".
func TestAStoredSaidReadsBackTheSame(t *testing.T) {
	for _, s := range []Said{
		{},
		Written("電話で取引先と確認"),
		Written(`{"say":"looks like one"}`),
		Written(Purged),
		Written(""),
		Say("purged"),
		Say("audit.took_place", time.Time{}),
		Say("entry.labels_disagree", []string{"顧客", "社員"}),
		Say("entry.left_out", Say("entry.bad_address", `"a@x"`, Say("entry.domain_no_dot"))).And(Say("entry.no_address")),
	} {
		text := s.Stored()
		if got := ReadSaid(text); !reflect.DeepEqual(got, s) {
			t.Errorf("%#v stored as %q reads back as %#v", s, text, got)
		}
		if again := ReadSaid(text).Stored(); again != text {
			t.Errorf("%#v stored as %q, then again as %q", s, text, again)
		}
	}
	if text := Written("電話で確認").Stored(); text != "電話で確認" {
		t.Errorf("a reason as typed is stored as %q", text)
	}
	if _, ok := ParseSaid(Say("x", []string(nil)).Stored()); !ok {
		t.Error("no values from a file are not read back")
	}
	for text, want := range map[string]Said{"": {}, Purged: Say("purged"), "label 顧客": Written("label 顧客")} {
		if got := ReadSaid(text); !reflect.DeepEqual(got, want) {
			t.Errorf("%q reads as %#v, want %#v", text, got, want)
		}
	}
}

// FuzzReadSaid checks that any stored text reads as something, without a
// panic, and that it is stored again as it was.
func FuzzReadSaid(f *testing.F) {
	for _, s := range []string{"", Purged, "signed in (manager)", `{"say":"entry.no_address"}`,
		`{"say":"entry.labels_disagree","args":[["顧客","社員"]]}`, `{"say":"x","args":[{"at":"2012-12-22T05:30:00Z"},{"say":"y"},[{"say":"z"}],3]}`,
		`{"say":"x","more":[{"say":"y","args":["a"]}]}`, `{"say":"x","args":[[]]}`, `{"say":"x","args":[{"id":12},{"id":1,"at":2}]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		// What a person types (a form sends UTF-8) reads back as typed.
		if got := ReadSaid(Written(text).Stored()); utf8.ValidString(text) && !reflect.DeepEqual(got, Written(text)) {
			t.Errorf("%q as written reads back as %#v", text, got)
		}
		s := ReadSaid(text)
		if _, err := s.Text(); err != nil {
			t.Fatalf("%q reads as %#v, which cannot be stored: %v", text, s, err)
		}
		if again := ReadSaid(s.Stored()); !reflect.DeepEqual(again, s) {
			t.Errorf("%q reads as %#v; stored and read again, %#v", text, s, again)
		}
	})
}
