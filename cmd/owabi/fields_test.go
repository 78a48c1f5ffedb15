package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify/mailer/smtptest"
)

// The attacker had the account and edited its contacts. The import keeps
// every entry and flags those whose fields the notices will leave out;
// owabi templates check lists those contacts by number; and the notices
// that go carry none of the attacker's text.
func TestAnAttackersFieldsAreFlaggedListedAndLeftOut(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	book := filepath.Join(t.TempDir(), "book.csv")
	long := strings.Repeat("山", 1300)
	if err := os.WriteFile(book, []byte("First Name,Last Name,Organization Name,E-mail 1 - Value\n"+
		"太郎,山田,株式会社やまだ,taro@yamada.example\n"+
		"次郎,"+long+",【重要】パスワード再設定のお願い https://evil.example/reset,jiro@yamada.example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rep := importJSON(t, cfg, book)
	want := []noteJSON{{Number: 2, Line: 3, Reason: "the name is left out of notices: it is longer than 60 characters; " +
		"the company name is left out of notices: it holds a link", Code: "entry.left_out_of_notices"}}
	if rep.Added != 2 || len(rep.Rejected) != 0 || len(rep.Flagged) != 1 || rep.Flagged[0] != want[0] {
		t.Errorf("import: added %d, rejected %v, flagged %+v; want both added and entry 2 flagged: %+v", rep.Added, rep.Rejected, rep.Flagged, want)
	}

	out := mustOwabi(t, nil, "--config", cfg, "templates", "check")
	for _, w := range []string{
		"Contacts whose notices leave out a field of the book (a link, another person's address, or overlong text): 1\n",
		"  contact 2: the name is left out of notices: it is longer than 60 characters; the company name is left out of notices: it holds a link\n",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("templates check lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "山山") || strings.Contains(out, "evil.example") {
		t.Errorf("templates check prints the contact's fields:\n%s", out)
	}

	mustOwabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--wait", "--allow-unclassified")
	if srv.Count() != 2 {
		t.Fatalf("the server received %d notices, want 2", srv.Count())
	}
	for _, m := range srv.Messages() {
		d, err := m.Decode()
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"evil.example", "パスワード再設定", "山山"} {
			if strings.Contains(d.Text, bad) || strings.Contains(d.HTML, bad) || strings.Contains(d.To, bad) {
				t.Errorf("the notice to %v carries %q", m.To, bad)
			}
		}
		if m.To[0] == "jiro@yamada.example" && !strings.HasPrefix(d.Text, "ご担当者 様\n") {
			t.Errorf("the notice to %v begins %.60q, want ご担当者 様", m.To, d.Text)
		}
	}
}
