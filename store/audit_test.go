package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

func TestTheAuditTrailCatchesAnEntryChangedBehindOwabisBack(t *testing.T) {
	ctx := notify.WithActor(context.Background(), "kanri")
	d := purgedTrail(t, false)
	check, err := d.VerifyAudit(ctx)
	if err != nil || check.Entries != 5 || check.Broken != 0 { // import, account, category, call, export
		t.Fatalf("a whole trail: %+v, %v", check, err)
	}
	trail, _ := d.AuditTrail(ctx, notify.AuditFilter{ContactID: 1, Limit: 10})
	if len(trail) != 2 || trail[0].Kind != "call" || trail[1].Kind != "category" || trail[1].Actor != "kanri" {
		t.Errorf("contact 1's entries: %+v", trail)
	}
	// owabi cannot change or remove an entry.
	if _, err := d.wdb.ExecContext(ctx, `UPDATE audit SET detail = 'nothing' WHERE id = 2`); err == nil {
		t.Error("an entry was changed through owabi's connection")
	}
	if _, err := d.wdb.ExecContext(ctx, `DELETE FROM audit WHERE id = 2`); err == nil {
		t.Error("an entry was removed through owabi's connection")
	}
	// Someone with the file drops the guard and edits entry 2.
	if _, err := d.wdb.ExecContext(ctx, `DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'unclassified → supplier' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	if check, _ := d.VerifyAudit(ctx); check.Broken != 2 {
		t.Errorf("an entry edited: %+v, want broken at #2", check)
	}
	// Or removes one and renumbers nothing.
	d2 := openTemp(t)
	d2.Audit(ctx, notify.AuditEntry{Kind: "a", Detail: "1"})
	d2.Audit(ctx, notify.AuditEntry{Kind: "b", Detail: "2"})
	d2.Audit(ctx, notify.AuditEntry{Kind: "c", Detail: "3"})
	d2.wdb.ExecContext(ctx, `DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 2`)
	if check, _ := d2.VerifyAudit(ctx); check.Broken != 3 {
		t.Errorf("an entry removed: %+v, want broken at #3", check)
	}
}

// purgedTrail is a trail of five entries: 1 import, 2 account, 3 category
// (with a reason), 4 call, 5 export; and, when purge is set, 6 purge.
func purgedTrail(t *testing.T, purge bool) *DB {
	t.Helper()
	ctx := notify.WithActor(context.Background(), "kanri")
	d := openTemp(t)
	rec := notify.Record{Family: "山田", Emails: []string{"taro@yamada.example"}}
	if _, err := d.Import(ctx, notify.ImportReport{File: "yamada.vcf"}, recordsOf(rec), nil); err != nil {
		t.Fatal(err)
	}
	u, _ := d.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	d.Reclassify(ctx, 1, u.ID, notify.Customer, "山田さんの奥様から")
	d.AddCall(ctx, u.ID, notify.Call{ContactID: 1, Outcome: notify.Reached, Note: "山田", Hearing: notify.Hearing{Arrived: notify.Yes}})
	d.Audit(ctx, notify.AuditEntry{Kind: "export", Detail: "contact list"})
	if purge {
		if _, err := d.Purge(ctx, false); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func TestAPurgedTrailStillCatchesAnEntryChanged(t *testing.T) {
	ctx := context.Background()
	d := purgedTrail(t, true)
	check, err := d.VerifyAudit(ctx)
	if err != nil || check.Entries != 6 || check.Broken != 0 {
		t.Fatalf("the purged trail: %+v, %v", check, err)
	}
	trail, _ := d.AuditTrail(ctx, notify.AuditFilter{Limit: 10})
	for _, e := range trail {
		purged := e.Detail == notify.Purged
		if purged != (e.Kind == "import" || e.Kind == "category") || strings.Contains(e.Detail, "山田") {
			t.Errorf("after the purge, entry %d (%s) reads %q", e.ID, e.Kind, e.Detail)
		}
	}
	if trail[0].Kind != "purge" || trail[0].Actor != "kanri" || !strings.Contains(wording.Audit("en", time.UTC, trail[0]), "personal data purged: contacts 1,") {
		t.Errorf("the purge's own entry: %+v", trail[0])
	}
	for _, c := range []struct {
		what, edit string
		broken     int64
	}{
		{"a detail kept", `UPDATE audit SET detail = 'call 1: no_answer' WHERE id = 4`, 4},
		{"a purged entry's actor", `UPDATE audit SET actor = 'suzuki' WHERE id = 3`, 3},
		{"a purged entry's contact", `UPDATE audit SET contact_id = 2 WHERE id = 3`, 3},
		{"a purged entry's time", `UPDATE audit SET at = '2020-01-01T00:00:00.000000Z' WHERE id = 1`, 1},
		{"text put back into a purged detail", `UPDATE audit SET detail = 'unclassified → supplier' WHERE id = 3`, 3},
		{"a detail no purge erases, erased", `UPDATE audit SET detail = 'purged', nonce = NULL WHERE id = 4`, 4},
		{"an entry removed", `DELETE FROM audit WHERE id = 2`, 3},
	} {
		d := purgedTrail(t, true)
		if _, err := d.wdb.ExecContext(ctx, `DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; `+c.edit); err != nil {
			t.Fatal(err)
		}
		if check, _ := d.VerifyAudit(ctx); check.Broken != c.broken {
			t.Errorf("%s: %+v, want broken at #%d", c.what, check, c.broken)
		}
	}
	// Without a purge after it, an erased detail is someone's doing.
	d = purgedTrail(t, false)
	d.wdb.ExecContext(ctx, `UPDATE audit SET detail = 'purged', nonce = NULL WHERE id = 3`) // owabi lets a purge do this
	if check, _ := d.VerifyAudit(ctx); check.Broken != 3 {
		t.Errorf("a detail erased with no purge: %+v, want broken at #3", check)
	}
}

// EveryEntryIsSaidInEveryLanguage (for the tests of package store_test too) checks that the catalogue of every
// language has each text, and each word within, that d's audit trail says.
func EveryEntryIsSaidInEveryLanguage(t *testing.T, d *DB) {
	t.Helper()
	trail, err := d.AuditTrail(context.Background(), notify.AuditFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	var check func(e notify.AuditEntry, s notify.Said)
	check = func(e notify.AuditEntry, s notify.Said) {
		for _, lang := range wording.Languages {
			if s.Key != notify.AsWritten && !wording.Has(lang, s.Key) {
				t.Errorf("entry %d (%s): %s has no text for %q", e.ID, e.Kind, lang, s.Key)
			}
		}
		for _, a := range s.Args {
			switch a := a.(type) {
			case notify.Said:
				check(e, a)
			case []notify.Said:
				for _, w := range a {
					check(e, w)
				}
			}
		}
		for _, m := range s.More {
			check(e, m)
		}
	}
	for _, e := range trail {
		switch {
		case e.Detail == notify.Purged:
		case e.Said.Key == "":
			t.Errorf("entry %d (%s) is not said: %q", e.ID, e.Kind, e.Detail)
		default:
			check(e, e.Said)
		}
	}
}
