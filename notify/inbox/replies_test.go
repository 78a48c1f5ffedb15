package inbox_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/inbox/imaptest"
	"github.com/owabi/owabi/store"
)

// A reply as a person reading the reply mailbox judges it.
const (
	acked    = notify.AckedByReply // the person answered a notice
	auto     = notify.AutoReply    // a machine answered it: kept, not counted
	notAbout = notify.NotOurs      // it answers no notice
	// toCheck: from a contact's address but tied to no notice; a person
	// cannot tell it from a forged one either, so it is shown on the
	// contact's page to confirm or dismiss, and not counted.
	toCheck = notify.Unverified
)

// replies are 30 replies as mail programs write them (testdata/replies:
// raw bytes, CRLF, the programs' own encodings and quoting), each with
// what a person reading the mailbox makes of it: the outcome, and the
// excerpt staff should see where the reply quotes the notice in its own
// way. differs, where set, says why owabi knowingly judges the row
// otherwise.
var replies = []struct {
	file    string
	want    notify.InboundOutcome
	excerpt string
	differs string
}{
	{"01_outlook_ja_original_message", acked, "さくら印刷株式会社\nお客様相談窓口 ご担当者様\nお世話になっております。山田工業の山田です。\nご連絡いただいた不審なメールは、開かずに削除いたしました。\n社内にも周知しておきます。\n山田工業株式会社 総務部　山田 太郎", ""},
	{"02_outlook365_ja_sashidashinin", acked, "さくら印刷株式会社\nご担当者様\nお世話になっております。みなと商事の佐藤です。\n該当のメールは受信しておりましたが、開封せずに削除しました。\nご丁寧にありがとうございました。", ""},
	{"03_owa_en_underscores", acked, "Hello,\nThank you for letting us know. We received the message and deleted it without opening the link.\nBest regards,\nJohn Smith\nNorthwind Trading", ""},
	// Outlook asks others not to answer a mail sent to a group with
	// X-Auto-Response-Suppress, and Exchange marks its own replies so;
	// owabi keeps to the safe side: a person's reply not counted costs a
	// call, a machine's counted leaves someone unreached.
	{"04_outlook_en_group_suppress", acked, "Hi,\nThanks for the heads-up. I have deleted the message and copied our IT helpdesk, who will remove it from the other mailboxes here.\nEmily", "X-Auto-Response-Suppress is read as an automatic reply, on purpose"},
	{"05_gmail_ja_wrapped_attribution", acked, "ご連絡ありがとうございます。\nスマホに届いていましたが、開かずに消しました。\n鈴木", ""},
	{"06_gmail_en_wrapped_attribution", acked, "Done, I deleted it. Thanks for telling me.\nAnna", ""},
	{"07_iphone_ja", acked, "削除しました。わざわざありがとうございます。\niPhoneから送信", ""},
	// Thunderbird writes below the quote by default.
	{"08_thunderbird_ja_bottom_post", acked, "さくら印刷 御中\n中村設計の中村です。\n当該メールは事務所の全員分、開かずに削除しました。", ""},
	{"09_docomo_sjis_original_message", acked, "削除しました。伊藤", ""},
	// From the contact's own address, "Re:" and the notice's subject, but
	// no threading and no code: anyone holding the book could write it.
	{"10_au_no_threading_no_quote", toCheck, "", ""},
	{"11_softbank_code_in_body", acked, "さくら印刷さま\nお問い合わせ番号 {{REF}} の件です。\n不審なメールは削除しました。渡辺", ""},
	{"12_html_only_qp", acked, "さくら印刷株式会社\nご担当者様\n受付で受信していた同じ件名のメールは、すべて削除いたしました。\n小林クリニック 事務 小林", ""},
	{"13_yahoo_html_only_iso2022jp", acked, "ご連絡ありがとうございます。\n該当のメールは迷惑メールフォルダに入っていたので、そのまま削除しました。\n加藤", ""},
	// The person forwards the notice back to ask whether it is genuine:
	// they have read it.
	{"14_gmail_forward_inline", acked, "このメールは本当に御社からのものでしょうか。\n念のため確認させてください。届いていた不審なメールは削除済みです。\n山本", ""},
	{"15_thunderbird_forward_attachment", acked, "お世話になっております。松本電機の松本です。\nいただいたメールを添付で転送します。\n記載の件名のメールは、社内で3通届いていましたがすべて削除しました。", ""},
	{"16_exchange_ooo_ja", auto, "", ""},
	{"17_exchange_ooo_en_no_auto_submitted", auto, "", ""},
	{"18_out_of_office_subject_only", auto, "", ""},
	{"19_fuzai_bracket_nenmatsu", auto, "", ""},
	{"20_jidou_henshin_x_autoreply", auto, "", ""},
	{"21_gmail_vacation_kyuuka", auto, "", ""},
	// 不在 in a subject the person wrote: they were away, and answered.
	{"22_person_fuzai_subject", acked, "さくら印刷株式会社\nお客様相談窓口 御中\n出張で不在にしており、ご返信が遅くなり申し訳ありません。\n不在中に届いていた該当のメールは、本日開かずに削除しました。\n斎藤運輸　斎藤", ""},
	{"23_in_reply_to_without_brackets", acked, "削除いたしました。ご連絡ありがとうございます。\n清水薬局　清水", ""},
	{"24_folded_references_becky", acked, "さくら印刷　ご担当者様\n森製麺の森です。\nお知らせいただいたメールは、社内の3台とも削除済みです。", ""},
	{"25_code_only_in_new_mail", acked, "お問い合わせ番号：{{REF}}\n届いていたメールは削除しました。\n石川", ""},
	// From contacts, about something else: staff should read them.
	{"26_inquiry_not_about_a_notice", toCheck, "", ""},
	{"27_nenmatsu_kyuugyou_autoresponder", auto, "", ""},
	// It answers the spam sent from the employee's account, not a notice.
	{"28_reply_to_the_spam", toCheck, "", ""},
	{"29_outlook_mac_sjis_qp", acked, "さくら印刷株式会社\nご担当者様\n岡本デザインの岡本です。\nご丁寧にありがとうございます。該当のメールは開かずに削除いたしました。\n岡本", ""},
	// An Exchange inbox rule answers that the address is no longer used.
	{"30_exchange_inbox_rule_reply", auto, "", ""},
}

// TestThirtyRealisticReplies puts the replies in a real IMAP mailbox, each
// answering the notice sent to its sender, polls it with the real poller
// into a real database, and compares what the database holds with what a
// person reading the mailbox would say.
//
// The files are templates: {{MSGID}} and {{REF}} stand for the notice's
// Message-ID and reference code, filled in as they are. They stand only
// where the filled-in value is written as it is: headers, and 7bit,
// 8bit or quoted-printable text, ASCII in ISO-2022-JP and Shift_JIS
// alike; never in base64.
func TestThirtyRealisticReplies(t *testing.T) {
	ctx := context.Background()
	templates := make([][]byte, len(replies))
	senders := make([]string, len(replies))
	for i, r := range replies {
		raw, err := os.ReadFile(filepath.Join("testdata", "replies", r.file+".eml"))
		if err != nil {
			t.Fatal(err)
		}
		templates[i], senders[i] = raw, senderOf(t, raw)
	}
	db := noticesTo(t, senders)
	srv := imaptest.New(t)
	fill := make([]*strings.Replacer, len(replies))
	for i := range replies {
		notices, err := db.Notices(ctx, senders[i])
		if err != nil || len(notices) != 1 {
			t.Fatalf("%s: notices %+v, %v", replies[i].file, notices, err)
		}
		fill[i] = strings.NewReplacer("{{MSGID}}", notices[0].MessageID, "{{REF}}", notices[0].Ref())
		raw := []byte(fill[i].Replace(string(templates[i])))
		if bytes.Contains(raw, []byte("{{")) {
			t.Fatalf("%s: a placeholder left unfilled", replies[i].file)
		}
		srv.Deliver(t, raw)
	}
	counts, err := poller(srv, db).Poll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	agree, told := 0, map[notify.InboundOutcome]int{}
	for i, r := range replies {
		got, excerpt := judged(t, db, senders[i])
		told[got]++
		want := fill[i].Replace(r.excerpt)
		ok := got == r.want && (r.excerpt == "" || excerpt == want)
		switch {
		case ok && r.differs == "":
			agree++
		case ok:
			t.Errorf("%s: owabi now agrees (%s, %q): drop its note %q", r.file, got, excerpt, r.differs)
		case r.differs == "":
			t.Errorf("%s: owabi says %s with excerpt %q; a person says %s with %q", r.file, got, excerpt, r.want, want)
		default:
			t.Logf("%s: owabi says %s with excerpt %q, as known: %s", r.file, got, excerpt, r.differs)
		}
	}
	t.Logf("owabi agrees with a person reading the mailbox on %d of %d replies", agree, len(replies))
	if fmt.Sprint(counts) != fmt.Sprint(told) {
		t.Errorf("the poll reported %v; the database holds %v", counts, told)
	}
}

// senderOf is the address in a mail's From header.
func senderOf(t *testing.T, raw []byte) string {
	t.Helper()
	header, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	m := regexp.MustCompile(`(?m)^From:.*?<?([^\s<>]+@[^\s<>]+)>?\r$`).FindSubmatch(header)
	if m == nil {
		t.Fatalf("no From address in %.200q", header)
	}
	return strings.ToLower(string(m[1]))
}

// noticesTo is a database of one contact for each address, each sent a
// deletion request whose Message-ID is owabi.N@sakura-print.example.jp, N
// the address's place in emails from 1.
func noticesTo(tb testing.TB, emails []string) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "owabi.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	i := 0
	next := func() (notify.Record, *notify.EntryNote, error) {
		if i == len(emails) {
			return notify.Record{}, nil, io.EOF
		}
		i++
		return notify.Record{Family: fmt.Sprint("姓", i), Emails: []string{emails[i-1]}}, nil, nil
	}
	if _, err := db.Import(ctx, notify.ImportReport{File: "replies"}, next, nil); err != nil {
		tb.Fatal(err)
	}
	n := 0
	if _, err := db.Queue(ctx, notify.Deletion, "ja", func() string {
		n++
		return fmt.Sprintf("owabi.%d@sakura-print.example.jp", n)
	}); err != nil {
		tb.Fatal(err)
	}
	sent := 0
	for {
		claimed, err := db.Claim(ctx, 1000)
		if err != nil {
			tb.Fatal(err)
		}
		if len(claimed) == 0 {
			break
		}
		for _, d := range claimed {
			if err := db.MarkSent(ctx, d.ID); err != nil {
				tb.Fatal(err)
			}
		}
		sent += len(claimed)
	}
	if sent != len(emails) {
		tb.Fatalf("sent %d of %d notices", sent, len(emails))
	}
	return db
}

// judged is what the database holds of the reply from email: an
// acknowledgement of the notice sent there (counted or not), or none.
func judged(t *testing.T, db *store.DB, email string) (notify.InboundOutcome, string) {
	t.Helper()
	ctx := context.Background()
	c, _, err := db.ContactByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	acks, err := db.Acks(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	notices, _ := db.Notices(ctx, email)
	kept, err := db.UnverifiedMail(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case len(acks) == 0 && len(kept) == 1:
		return notify.Unverified, kept[0].Excerpt
	case len(acks) == 0 && len(kept) == 0:
		return notify.NotOurs, ""
	case len(kept) != 0:
		t.Fatalf("%s: acknowledged %+v and kept unverified %+v", email, acks, kept)
	case len(acks) > 1 || len(notices) != 1 || acks[0].NoticeID != notices[0].ID || acks[0].Channel != notify.AckReply:
		t.Fatalf("%s: acknowledgements %+v of notices %+v", email, acks, notices)
	case acks[0].Auto:
		return notify.AutoReply, acks[0].Excerpt
	}
	return notify.AckedByReply, acks[0].Excerpt
}
