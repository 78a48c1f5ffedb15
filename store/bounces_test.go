package store_test

import (
	"context"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/store"
)

// From the corpus of real bounces: one bounce reports several recipients,
// each for the notice it returns; a recipient known only by the address
// the notice went to (Original-Recipient) is found by it.
func TestEveryRecipientOfABounceIsRecorded(t *testing.T) {
	ctx := context.Background()
	db, _, _, _ := resendBook(t, "a", "b")
	out, err := db.RecordInbound(ctx, "INBOX", 1, []notify.Inbound{{UID: 1, MessageID: "dsn@mx", Bounces: []notify.Bounce{
		{Recipient: "a@x.example", Action: "failed", Status: "5.2.2", OriginalMessageID: "m1@x"},
		{Recipient: "forwarded@elsewhere.example", Alias: "b@x.example", Action: "failed", Status: "5.1.1", OriginalMessageID: "m2@x"},
	}}})
	if err != nil || out[0] != notify.Bounced {
		t.Fatalf("the bounce: %v, %v", out, err)
	}
	for _, addr := range []string{"a@x.example", "b@x.example"} {
		if ns, _ := db.Notices(ctx, addr); len(ns) == 0 || ns[0].State == notify.Sent {
			t.Errorf("the notice to %s: %+v", addr, ns)
		}
	}
	store.EveryEntryIsSaidInEveryLanguage(t, db)
}

// A mail from a mail system that owabi could not read is put before staff
// on the audit trail, under the contact whose notice it answers.
func TestAnUnreadableBounceIsShownToStaff(t *testing.T) {
	ctx := context.Background()
	db, _, _, contact := resendBook(t, "a")
	out, err := db.RecordInbound(ctx, "INBOX", 1, []notify.Inbound{{UID: 1, MessageID: "dsn@mx", InReplyTo: "m1@x", Auto: true, Unreadable: true}})
	if err != nil || out[0] != notify.UnreadableBounce {
		t.Fatalf("the bounce: %v, %v", out, err)
	}
	entries, err := db.AuditTrail(ctx, notify.AuditFilter{Kind: "bounce_unreadable", Limit: 10})
	if err != nil || len(entries) != 1 || entries[0].ContactID != contact("a") {
		t.Errorf("audit: %+v, %v", entries, err)
	}
	if acks, _ := db.Acks(ctx, contact("a")); len(acks) != 0 {
		t.Errorf("kept as a reply: %+v", acks)
	}
	store.EveryEntryIsSaidInEveryLanguage(t, db)
}
