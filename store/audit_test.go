package store

import (
	"context"
	"testing"

	"github.com/owabi/owabi/notify"
)

func TestTheAuditTrailCatchesAnEntryChangedBehindOwabisBack(t *testing.T) {
	ctx := notify.WithActor(context.Background(), "kanri")
	d := openTemp(t)
	rec := notify.Record{Family: "山田", Emails: []string{"taro@yamada.example"}}
	if _, err := d.Import(ctx, notify.ImportReport{File: "book.csv"}, recordsOf(rec), nil); err != nil {
		t.Fatal(err)
	}
	u, _ := d.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	d.Reclassify(ctx, 1, u.ID, notify.Customer, "取引先台帳で確認")
	d.AddCall(ctx, u.ID, notify.Call{ContactID: 1, Outcome: notify.Reached, Hearing: notify.Hearing{Arrived: notify.Yes}})
	d.Audit(ctx, notify.AuditEntry{Kind: "export", Detail: "contact list"})
	check, err := d.VerifyAudit(ctx)
	if err != nil || check.Entries != 5 || check.Broken != 0 { // import, account, category, call, export
		t.Fatalf("a whole trail: %+v, %v", check, err)
	}
	trail, _ := d.AuditTrail(ctx, AuditFilter{ContactID: 1, Limit: 10})
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
