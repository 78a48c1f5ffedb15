package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/inbox"
	"github.com/owabi/owabi/store"
)

// sendAll claims every due notice and marks it sent, except that those to
// the addresses in fail fail and those to keep stay queued.
func sendAll(t *testing.T, db *store.DB, fail, keep string) []notify.Delivery {
	t.Helper()
	ctx := context.Background()
	claimed, err := db.Claim(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range claimed {
		switch d.Email {
		case fail:
			db.Fail(ctx, d.ID, reply("550 no such user"))
		case keep:
			db.Release(ctx, []int64{d.ID})
		default:
			db.MarkSent(ctx, d.ID)
		}
	}
	return claimed
}

func TestResendsGoOnlyToThoseWhoHaveNotAnswered(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) // 09:00 in Tokyo
	db.Now = func() time.Time { return clock }
	var book []any
	for _, name := range []string{"acked", "called", "silent", "dnc", "bounced", "waiting"} {
		book = append(book, notify.Record{Family: name, Emails: []string{name + "@x.example"}})
	}
	decide := func(notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel, OwnerEmail: owner}
	}
	if _, err := db.Import(ctx, notify.ImportReport{File: "x"}, records(book...), decide); err != nil {
		t.Fatal(err)
	}
	u, _ := db.AddUser(ctx, notify.User{Name: "suzuki", Email: owner, Role: notify.Sales}, []byte("h"))
	n := 0
	id := func() string { n++; return fmt.Sprintf("m%d@x", n) }
	db.Queue(ctx, notify.Deletion, "ja", id)
	sendAll(t, db, "bounced@x.example", "")
	contact := func(name string) int64 {
		c, _, err := db.ContactByEmail(ctx, name+"@x.example")
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	db.AddCall(ctx, u.ID, notify.Call{ContactID: contact("called"), At: clock, Outcome: notify.Reached})
	db.SetDoNotContact(ctx, u.ID, contact("dnc"), true, "本人の申し出")
	if err := db.AddAck(ctx, notify.Ack{ContactID: contact("acked"), Channel: notify.AckReply, At: clock, Excerpt: "削除しました"}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddAck(ctx, notify.Ack{ContactID: contact("silent"), Channel: notify.AckReply, At: clock, Auto: true, Excerpt: "不在です"}); err != nil {
		t.Fatal(err)
	}
	db.Queue(ctx, notify.Apology, "ja", id)
	sendAll(t, db, "", "waiting@x.example") // its apology is still to go
	policy := notify.ResendPolicy{Kinds: []notify.NoticeKind{notify.Deletion}, After: 48 * time.Hour, MaxSends: 3}
	due := func(at time.Time) map[string]notify.Resend {
		list, err := db.DueResends(ctx, policy, at)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]notify.Resend{}
		for _, r := range list {
			out[r.Email] = r
		}
		return out
	}
	if got := due(clock.Add(47 * time.Hour)); len(got) != 0 {
		t.Errorf("47 hours after sending: %v due, want none", got)
	}
	if got := due(clock.Add(49 * time.Hour)); len(got) != 1 || got["silent@x.example"].Round != 0 || got["silent@x.example"].HandOver {
		t.Errorf("49 hours after: %+v due, want silent's first resend only (an auto-reply is no answer)", got)
	}
	// Three sends in all: the first, two resends, then a call.
	for round, at := range []time.Time{clock.Add(49 * time.Hour), clock.Add(98 * time.Hour)} {
		clock = at
		for range 2 { // a second run finds nothing more
			queued, handed, err := db.Resend(ctx, policy, at, at, id)
			if err != nil {
				t.Fatal(err)
			}
			if want := 1; queued != want && !(queued == 0 && handed == 0) || handed != 0 {
				t.Errorf("resend %d: %d queued, %d handed", round+1, queued, handed)
			}
		}
		var sent []notify.Delivery
		for _, d := range sendAll(t, db, "", "") {
			if d.Kind == notify.Deletion { // waiting's apology goes too
				sent = append(sent, d)
			}
		}
		if len(sent) != 1 || sent[0].Email != "silent@x.example" || sent[0].Round != round+1 || len(sent[0].Thread) != round+1 {
			t.Fatalf("resend %d sent: %+v", round+1, sent)
		}
		if round == 0 { // waiting's apology has gone; they answer it through their link
			db.AddAck(ctx, notify.Ack{ContactID: contact("waiting"), Channel: notify.AckLink, At: at})
		}
		all, _ := db.Notices(ctx, "silent@x.example")
		var notices []notify.Notice
		for _, n := range all {
			if n.Kind == notify.Deletion {
				notices = append(notices, n)
			}
		}
		if sent[0].Thread[0] != notices[0].MessageID || sent[0].ResendOf != notices[round].ID {
			t.Errorf("resend %d threads with %v after notice %d; want %s first, after %d", round+1, sent[0].Thread, sent[0].ResendOf, notices[0].MessageID, notices[round].ID)
		}
	}
	clock = clock.Add(49 * time.Hour)
	if queued, handed, err := db.Resend(ctx, policy, clock, clock, id); err != nil || queued != 0 || handed != 1 {
		t.Errorf("after the last send: %d queued, %d handed, %v; want silent handed to staff", queued, handed, err)
	}
	if got := due(clock.Add(100 * time.Hour)); len(got) != 0 {
		t.Errorf("after handing over: %v due", got)
	}
	list := ownedBy(t, db, owner)
	for _, c := range list {
		if c.Family == "silent" && c.Urgency != notify.NoReply || c.Family == "acked" && c.Urgency != notify.Acknowledged {
			t.Errorf("%s is %s", c.Family, c.Urgency)
		}
	}
	if last, err := db.LastResend(ctx); err != nil || !last.Equal(clock) {
		t.Errorf("last run %v, %v; want %v", last, err, clock)
	}
	store.EveryEntryIsSaidInEveryLanguage(t, db)
}

// resendBook is a database of the named contacts, each sent a deletion
// request (Message-IDs m1@x, m2@x, ...), on a clock the test moves.
func resendBook(t *testing.T, names ...string) (*store.DB, *time.Time, func() string, func(string) int64) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	var book []any
	for _, name := range names {
		book = append(book, notify.Record{Family: name, Emails: []string{name + "@x.example"}})
	}
	if _, err := db.Import(ctx, notify.ImportReport{File: "x"}, records(book...), nil); err != nil {
		t.Fatal(err)
	}
	n := 0
	id := func() string { n++; return fmt.Sprintf("m%d@x", n) }
	contact := func(name string) int64 {
		c, _, err := db.ContactByEmail(ctx, name+"@x.example")
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	db.Queue(ctx, notify.Deletion, "ja", id)
	sendAll(t, db, "", "")
	return db, &clock, id, contact
}

// Found in review: with both kinds resent, one run queued two notices to
// one address at once.
func TestOneRunQueuesOneNoticeAnAddress(t *testing.T) {
	ctx := context.Background()
	db, clock, id, _ := resendBook(t, "a")
	db.Queue(ctx, notify.Apology, "ja", id)
	sendAll(t, db, "", "")
	p := notify.ResendPolicy{Kinds: []notify.NoticeKind{notify.Deletion, notify.Apology}, After: time.Hour, MaxSends: 3}
	at := clock.Add(2 * time.Hour)
	if q, _, err := db.Resend(ctx, p, at, at, id); err != nil || q != 1 {
		t.Errorf("queued %d, %v; want one notice, the next after it goes", q, err)
	}
}

// Found in review: a resend waiting for business hours went out after the
// person acknowledged, or the address bounced.
func TestAWaitingResendIsWithdrawnByAnAcknowledgementOrABounce(t *testing.T) {
	ctx := context.Background()
	db, clock, id, contact := resendBook(t, "a", "b")
	p := notify.ResendPolicy{Kinds: []notify.NoticeKind{notify.Deletion}, After: time.Hour, MaxSends: 3}
	at := clock.Add(2 * time.Hour)
	monday := at.Add(48 * time.Hour)
	if q, _, err := db.Resend(ctx, p, at, monday, id); err != nil || q != 2 {
		t.Fatalf("queued %d, %v", q, err)
	}
	db.AddAck(ctx, notify.Ack{ContactID: contact("a"), Channel: notify.AckReply, At: at})
	if out, err := db.RecordInbound(ctx, "INBOX", 1, []notify.Inbound{{UID: 1, MessageID: "dsn@mx",
		Bounces: []notify.Bounce{{Recipient: "b@x.example", Action: "failed", Status: "5.1.1", OriginalMessageID: "m2@x"}}}}); err != nil || out[0] != notify.Bounced {
		t.Fatalf("the bounce: %v, %v", out, err)
	}
	*clock = monday
	if claimed, _ := db.Claim(ctx, 10); len(claimed) != 0 {
		t.Errorf("%d resends still go out on Monday; want none", len(claimed))
	}
	if st, _ := db.Status(ctx); st.Notices[notify.Queued] != 0 {
		t.Errorf("the running counts still hold %d queued", st.Notices[notify.Queued])
	}
}

// Found in review: a bounce of another mail (a colleague's) to the same
// address failed our notice. And a full mailbox fails the notice it
// returns (it was not delivered) but leaves the address open: it often
// passes, and its person is to be phoned meanwhile.
func TestABounceOfAnotherMailIsNotOurs(t *testing.T) {
	ctx := context.Background()
	db, _, id, _ := resendBook(t, "a", "b", "c")
	bounce := func(to, original, returnRef, status string) notify.InboundOutcome {
		out, err := db.RecordInbound(ctx, "INBOX", 1, []notify.Inbound{{UID: 1, MessageID: "dsn-" + to + original + returnRef + status, ReturnRef: returnRef,
			Bounces: []notify.Bounce{{Recipient: to, Action: "failed", Status: status, OriginalMessageID: original}}}})
		if err != nil {
			t.Fatal(err)
		}
		return out[0]
	}
	if got := bounce("A@X.example", "staff-mail@sakura", "", "5.1.1"); got != notify.NotOurs {
		t.Errorf("a bounce of another mail: %s", got)
	}
	// Anyone can send a report naming an address: one that names no
	// notice is kept for staff, and changes nothing.
	if got := bounce("A@X.example", "", "", "5.1.1"); got != notify.Unverified {
		t.Errorf("a bounce that names no mail, to our address: %s", got)
	}
	if ns, _ := db.Notices(ctx, "a@x.example"); len(ns) == 0 || ns[0].State != notify.Sent {
		t.Errorf("an untied bounce changed the notice: %+v", ns)
	}
	aRef := ""
	if ns, _ := db.Notices(ctx, "a@x.example"); len(ns) > 0 {
		aRef = ns[0].Ref()
	}
	if got := bounce("A@X.example", "", aRef, "5.1.1"); got != notify.Bounced {
		t.Errorf("a bounce to the notice's own return path: %s", got)
	}
	if got := bounce("b@x.example", "m2@x", "", "5.2.2"); got != notify.Bounced {
		t.Errorf("a full mailbox: %s; the notice was not delivered", got)
	}
	// A mail system that gave up after days of passing refusals: the
	// notice was not delivered either.
	if got := bounce("c@x.example", "m3@x", "", "4.4.1"); got != notify.Bounced {
		t.Errorf("a delivery given up on: %s; the notice was not delivered", got)
	}
	if ns, _ := db.Notices(ctx, "c@x.example"); len(ns) == 0 || ns[0].State != notify.Failed || ns[0].Reply.Problem() != notify.GaveUp {
		t.Errorf("the notice given up on: %+v", ns)
	}
	if n, err := db.Queue(ctx, notify.Apology, "ja", id); err != nil || n != 2 {
		t.Errorf("apologies queued after the bounces: %d, %v; want 2, to the full mailbox and the one given up on (the address that does not exist takes none)", n, err)
	}
	if ns, _ := db.Notices(ctx, "b@x.example"); len(ns) == 0 || ns[0].State != notify.Failed || ns[0].Reply.Problem() != notify.MailboxFull {
		t.Errorf("the notice to the full mailbox: %+v", ns)
	}
}

// Found in review: a mail without a Message-ID, read again (the mailbox's
// UIDVALIDITY changed), was recorded twice.
func TestAMailWithoutAMessageIDIsRecordedOnce(t *testing.T) {
	ctx := context.Background()
	db, _, _, contact := resendBook(t, "a")
	m := []notify.Inbound{{UID: 5, InReplyTo: "m1@x", Excerpt: "削除しました", Digest: "abc123"}}
	db.RecordInbound(ctx, "INBOX", 1, m)
	db.RecordInbound(ctx, "INBOX", 2, m)
	if acks, _ := db.Acks(ctx, contact("a")); len(acks) != 1 {
		t.Errorf("%d acknowledgements from one mail read twice", len(acks))
	}
}

// An address refused for good, at send time or by a bounce, is given no
// notice of any kind after that, and what waited for it is withdrawn.
func TestAnUndeliverableAddressGetsNothingMore(t *testing.T) {
	ctx := context.Background()
	db, _, id, _ := resendBook(t, "a", "b", "c")
	// a: refused at send time (a 5xx reply) when its apology goes out.
	db.Queue(ctx, notify.Apology, "ja", id)
	claimed, _ := db.Claim(ctx, 10)
	for _, d := range claimed {
		if d.Email == "a@x.example" {
			db.Undeliverable(ctx, d.ID, reply("550 5.1.1 no such user"))
		} else {
			db.Release(ctx, []int64{d.ID})
		}
	}
	// b: its deletion request bounces while its apology waits.
	if out, err := db.RecordInbound(ctx, "INBOX", 1, []notify.Inbound{{UID: 1, MessageID: "dsn@mx",
		Bounces: []notify.Bounce{{Recipient: "b@x.example", Action: "failed", Status: "5.1.1", OriginalMessageID: "m2@x"}}}}); err != nil || out[0] != notify.Bounced {
		t.Fatalf("the bounce: %v, %v", out, err)
	}
	for email, want := range map[string]int{"a@x.example": 0, "b@x.example": 0, "c@x.example": 1} {
		ns, _ := db.Notices(ctx, email)
		queued := 0
		for _, n := range ns {
			if n.State == notify.Queued {
				queued++
			}
		}
		if queued != want {
			t.Errorf("%s: %d notices waiting, want %d", email, queued, want)
		}
	}
	// b's apology was withdrawn, and is not queued again.
	if n, _ := db.Queue(ctx, notify.Apology, "ja", id); n != 0 {
		t.Errorf("apologies queued again: %d, want none (b takes no mail)", n)
	}
}

// Found in review: a notice with a confirmation link could not be
// withdrawn (the link's row held it), which stopped acknowledgements,
// bounces, do-not-contact and the sender's restart.
func TestANoticeWithALinkCanStillBeWithdrawn(t *testing.T) {
	ctx := context.Background()
	db, clock, id, contact := resendBook(t, "a")
	db.Queue(ctx, notify.Apology, "ja", id)
	claimed, _ := db.Claim(ctx, 10)
	if len(claimed) != 1 {
		t.Fatalf("claimed %d", len(claimed))
	}
	if err := db.NewAckToken(ctx, claimed[0].ID, []byte("hash-of-a-token"), clock.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.Retry(ctx, claimed[0].ID, *clock, reply("421 try later")); err != nil {
		t.Fatal(err)
	}
	u, _ := db.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	if _, err := db.SetDoNotContact(ctx, u.ID, contact("a"), true, "本人の申し出"); err != nil {
		t.Errorf("withdrawing a notice that had a link: %v", err)
	}
	if _, err := db.AckToken(ctx, []byte("hash-of-a-token")); notify.ErrorCode(err) != notify.ENOTFOUND {
		t.Errorf("the withdrawn notice's link still works: %v", err)
	}
}

// A notice acknowledged through its link and then withdrawn (it had gone
// back to the queue after a crash; the contact is then marked not to be
// contacted) keeps the acknowledgement.
func TestAWithdrawnNoticeKeepsItsAcknowledgement(t *testing.T) {
	ctx := context.Background()
	db, _, id, contact := resendBook(t, "a")
	db.Queue(ctx, notify.Apology, "ja", id)
	notices, _ := db.Notices(ctx, "a@x.example")
	apology := notices[len(notices)-1]
	if err := db.AckByLink(ctx, apology, notify.DeletedSpam); err != nil {
		t.Fatal(err)
	}
	u, _ := db.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	if _, err := db.SetDoNotContact(ctx, u.ID, contact("a"), true, "本人の申し出"); err != nil {
		t.Fatalf("withdrawing an acknowledged notice: %v", err)
	}
	if acks, _ := db.Acks(ctx, contact("a")); len(acks) != 1 || acks[0].NoticeID != 0 {
		t.Errorf("the acknowledgement after its notice went: %+v", acks)
	}
}

// Found in review: people forward the bounces the spam brought them. A
// reply to a notice that quotes one is their reply, not a bounce of the
// notice (which would close their address), nor nothing at all.
func TestAReplyQuotingTheSpamsBounceIsAReply(t *testing.T) {
	ctx := context.Background()
	db, _, _, contact := resendBook(t, "a", "b")
	for _, c := range []struct{ who, raw string }{
		{"a", "From: A <a@x.example>\r\nTo: sorry@org.example\r\nSubject: Re: notice\r\nMessage-ID: <r1@x.example>\r\nIn-Reply-To: <m1@x>\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n\r\nI got your notice and deleted the spam. This came back too:\r\n\r\n" +
			"> Your message could not be delivered to:\r\n> someone@else.example\r\n> 550 5.1.1 User unknown\r\n"},
		// the quoted bounce returns the spam, by its Message-ID
		{"b", "From: B <b@x.example>\r\nTo: sorry@org.example\r\nSubject: Re: notice\r\nMessage-ID: <r2@x.example>\r\nIn-Reply-To: <m2@x>\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n\r\nThanks. Your spam also bounced back to me:\r\n\r\n" +
			"> Your message could not be delivered to:\r\n> someone@else.example\r\n> 550 5.1.1 User unknown\r\n> --- Original message ---\r\n> Message-Id: <spam1@evil.example>\r\n"},
	} {
		in, err := inbox.Read([]byte(c.raw))
		if err != nil {
			t.Fatal(err)
		}
		out, err := db.RecordInbound(ctx, "INBOX", 1, []notify.Inbound{in})
		if err != nil || out[0] != notify.AckedByReply {
			t.Errorf("%s's reply: %v, %v; want an acknowledgement", c.who, out, err)
		}
		if ns, _ := db.Notices(ctx, c.who+"@x.example"); len(ns) != 1 || ns[0].State != notify.Sent {
			t.Errorf("%s's notice: %+v; want it sent still", c.who, ns)
		}
		if acks, _ := db.Acks(ctx, contact(c.who)); len(acks) != 1 || acks[0].Auto || !strings.Contains(acks[0].Excerpt, "notice") && !strings.Contains(acks[0].Excerpt, "Thanks") {
			t.Errorf("%s's acknowledgements: %+v", c.who, acks)
		}
	}
	if n, err := db.Queue(ctx, notify.Apology, "ja", func() string { return "ap@x" + fmt.Sprint(time.Now().UnixNano()) }); err != nil || n != 2 {
		t.Errorf("apologies queued: %d, %v; want 2: no address was closed", n, err)
	}
	store.EveryEntryIsSaidInEveryLanguage(t, db)
}

// Found in review: an out-of-office reply whose sender's checks failed (as
// forwarding often makes them) was kept unverified, and confirmed it
// counted as the person's acknowledgement.
func TestAConfirmedAutomaticReplyStaysAutomatic(t *testing.T) {
	ctx := context.Background()
	db, _, _, contact := resendBook(t, "a")
	out, err := db.RecordInbound(ctx, "INBOX", 1, []notify.Inbound{{UID: 1, MessageID: "ooo@x", From: "a@x.example", InReplyTo: "m1@x",
		Auto: true, SenderFailed: true, Excerpt: "不在にしております"}})
	if err != nil || out[0] != notify.Unverified {
		t.Fatalf("a forwarded out-of-office: %v, %v; want it unverified", out, err)
	}
	um, _ := db.UnverifiedMail(ctx, contact("a"))
	if len(um) != 1 || !um[0].Auto {
		t.Fatalf("kept: %+v; want one, automatic", um)
	}
	if err := db.DecideUnverified(ctx, contact("a"), um[0].ID, notify.Confirmed); err != nil {
		t.Fatal(err)
	}
	if acks, _ := db.Acks(ctx, contact("a")); len(acks) != 1 || !acks[0].Auto {
		t.Errorf("confirmed: %+v; want one automatic reply, which does not count", acks)
	}
	if due, _ := db.DueResends(ctx, notify.ResendPolicy{Kinds: []notify.NoticeKind{notify.Deletion}, MaxSends: 3}, time.Now().Add(240*time.Hour)); len(due) != 1 {
		t.Errorf("resends due: %d; want theirs still", len(due))
	}
	store.EveryEntryIsSaidInEveryLanguage(t, db)
}

// Found in review: a requeue of failed notices deleted those of people not
// to be contacted, and counted them as given another round.
func TestFailedNoticesOfThoseNotToBeContactedStayFailed(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	db.Import(ctx, notify.ImportReport{File: "x"}, records(notify.Record{Family: "a", Emails: []string{"a@x.example"}}), nil)
	db.Queue(ctx, notify.Deletion, "ja", func() string { return "m1@x" })
	claimed, _ := db.Claim(ctx, 1)
	db.Fail(ctx, claimed[0].ID, reply("554 5.7.1 refused"))
	u, _ := db.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	c, _, _ := db.ContactByEmail(ctx, "a@x.example")
	if _, err := db.SetDoNotContact(ctx, u.ID, c.ID, true, "申し出"); err != nil {
		t.Fatal(err)
	}
	if requeued, _, err := db.RequeueFailed(ctx, notify.Deletion); err != nil || requeued != 0 {
		t.Errorf("requeued %d, %v; want none", requeued, err)
	}
	if ns, _ := db.Notices(ctx, "a@x.example"); len(ns) != 1 || ns[0].State != notify.Failed || ns[0].Reply.Code != 554 {
		t.Errorf("the failed notice: %+v; want it kept, failed, with its reply", ns)
	}
}

// Found by the property test of the running counts: the first notice
// bounced (mailbox full) only after its resend had gone out. Given
// another round, it would have gone out a second time, and a manager
// marking the person not to be contacted would have been refused, as the
// resend points at it. The resend stands for it: it stays failed.
func TestAFailedNoticeThatWasResentStaysFailed(t *testing.T) {
	ctx := context.Background()
	db, clock, id, contact := resendBook(t, "a")
	p := notify.ResendPolicy{Kinds: []notify.NoticeKind{notify.Deletion}, After: time.Hour, MaxSends: 3}
	at := clock.Add(2 * time.Hour)
	if q, _, err := db.Resend(ctx, p, at, at, id); err != nil || q != 1 {
		t.Fatalf("resend: %d, %v", q, err)
	}
	*clock = at
	sendAll(t, db, "", "")
	if _, err := db.RecordInbound(ctx, "INBOX", 1, []notify.Inbound{{UID: 1, MessageID: "dsn@mx", Bounces: []notify.Bounce{
		{Recipient: "a@x.example", Action: "failed", Status: "4.2.2", OriginalMessageID: "m1@x"}}}}); err != nil {
		t.Fatal(err)
	}
	if n, _, err := db.RequeueFailed(ctx, notify.Deletion); err != nil || n != 0 {
		t.Errorf("requeued %d, %v; want none: the resend went out after it", n, err)
	}
	u, _ := db.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	if _, err := db.SetDoNotContact(ctx, u.ID, contact("a"), true, "申し出"); err != nil {
		t.Errorf("not to be contacted: %v", err)
	}
	ns, _ := db.Notices(ctx, "a@x.example")
	if len(ns) != 2 || ns[0].State != notify.Failed || ns[1].State != notify.Sent {
		t.Errorf("notices %+v; want the first failed, the resend sent", ns)
	}
}
