package inbox

import (
	"mime"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/owabi/owabi/notify"
)

// iso2022jp encodes s as Japanese mail programs still often send it.
func iso2022jp(t testing.TB, s string) string {
	b, err := japanese.ISO2022JP.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// replyMail is a reply from a Japanese mail program: ISO-2022-JP, the
// subject encoded, threaded to the notice, the notice quoted below.
func replyMail(t testing.TB, messageID, inReplyTo, subject, body string) string {
	return "From: =?ISO-2022-JP?B?" + mimeB(iso2022jp(t, "山田 太郎")) + "?= <taro@yamada.example>\r\n" +
		"To: soudan@sakura-print.example.jp\r\n" +
		"Subject: " + mime.BEncoding.Encode("ISO-2022-JP", iso2022jp(t, subject)) + "\r\n" +
		"Message-ID: <" + messageID + ">\r\n" +
		inReplyToHeader(inReplyTo) +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" +
		iso2022jp(t, body)
}

func inReplyToHeader(id string) string {
	if id == "" {
		return ""
	}
	return "In-Reply-To: <" + id + ">\r\nReferences: <first.notice@x> <" + id + ">\r\n"
}

func mimeB(s string) string {
	return strings.TrimSuffix(strings.TrimPrefix(mime.BEncoding.Encode("UTF-8", s), "=?UTF-8?b?"), "?=")
}

func TestAReplyInISO2022JP(t *testing.T) {
	raw := replyMail(t, "r1@yamada.example", "owabi.abc@sakura-print.example.jp", "Re: 【お詫び】不審なメールの削除のお願い（D-K7QM-3XHF）",
		"さくら印刷 ご担当者様\r\n\r\n件のメールは開かずに削除しました。\r\nご丁寧にありがとうございます。\r\n\r\n2026年11月21日 10:00 さくら印刷 wrote:\r\n> 不審なメールの削除のお願い\r\n")
	in, err := Read([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if in.MessageID != "r1@yamada.example" || in.InReplyTo != "owabi.abc@sakura-print.example.jp" ||
		len(in.References) != 2 || in.References[0] != "owabi.abc@sakura-print.example.jp" || in.Ref != "D-K7QM-3XHF" || in.Auto {
		t.Errorf("read: %+v", in)
	}
	if want := "さくら印刷 ご担当者様\n件のメールは開かずに削除しました。\nご丁寧にありがとうございます。"; in.Excerpt != want {
		t.Errorf("excerpt %q, want %q", in.Excerpt, want)
	}
}

func TestTheCodeQuotedBelowAReplyFindsItsNotice(t *testing.T) {
	if in, _ := Read([]byte(replyMail(t, "r3@x", "", "Re: A-100 の件", "A-100 を注文します\r\n"))); in.Ref != "" {
		t.Errorf("a product code read as a notice: %q", in.Ref)
	}
	raw := replyMail(t, "r2@x", "", "Re: お知らせ", "削除しました。\r\n\r\n> お問い合わせ番号：Ｄ－Ｋ７ＱＭ－３ＸＨＦ\r\n")
	if in, err := Read([]byte(raw)); err != nil || in.Ref != "D-K7QM-3XHF" || in.Excerpt != "削除しました。" {
		t.Errorf("read: %+v, %v", in, err)
	}
}

func TestAnOutOfOfficeReplyIsAutomatic(t *testing.T) {
	raw := "From: hanako@suzuki.example\r\nSubject: =?UTF-8?B?" + mimeB("不在のお知らせ") + "?=\r\nAuto-Submitted: auto-replied\r\n" +
		"In-Reply-To: <owabi.def@sakura-print.example.jp>\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n11月30日まで不在です。\r\n"
	in, err := Read([]byte(raw))
	if err != nil || !in.Auto || in.InReplyTo != "owabi.def@sakura-print.example.jp" || in.Excerpt != "11月30日まで不在です。" {
		t.Errorf("read: %+v, %v", in, err)
	}
	// Without the header, the subject gives it away.
	raw = strings.Replace(raw, "Auto-Submitted: auto-replied\r\n", "", 1)
	if in, _ := Read([]byte(raw)); !in.Auto {
		t.Errorf("an out-of-office subject: %+v", in)
	}
}

// bounceMail is a delivery status notification as Postfix writes it.
const bounceMail = "From: MAILER-DAEMON@mx.sakura-print.example.jp (Mail Delivery System)\r\n" +
	"Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n" +
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
	"--B\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThis is the mail system. I'm sorry to have to inform you...\r\n" +
	"--B\r\nContent-Type: message/delivery-status\r\n\r\n" +
	"Reporting-MTA: dns; mx.sakura-print.example.jp\r\nArrival-Date: Fri, 21 Nov 2026 10:00:00 +0900\r\n\r\n" +
	"Final-Recipient: rfc822; nobody@yamada.example\r\nOriginal-Recipient: rfc822;nobody@yamada.example\r\n" +
	"Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <nobody@yamada.example>: User unknown\r\n\r\n" +
	"--B\r\nContent-Type: text/rfc822-headers\r\n\r\n" +
	"From: soudan@sakura-print.example.jp\r\nTo: nobody@yamada.example\r\nMessage-ID: <owabi.ghi@sakura-print.example.jp>\r\nSubject: x\r\n\r\n" +
	"--B--\r\n"

func TestABounceSaysWhichDeliveryFailed(t *testing.T) {
	in, err := Read([]byte(bounceMail))
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Bounces) != 1 {
		t.Fatalf("read %+v", in)
	}
	b := in.Bounces[0]
	if b.Recipient != "nobody@yamada.example" || b.Action != "failed" || b.Status != "5.1.1" ||
		b.OriginalMessageID != "owabi.ghi@sakura-print.example.jp" || !b.Failed() || !in.Auto {
		t.Errorf("read: %+v, bounce %+v", in, b)
	}
	delayed := strings.Replace(strings.Replace(bounceMail, "Action: failed", "Action: delayed", 1), "Status: 5.1.1", "Status: 4.4.1", 1)
	if in, _ := Read([]byte(delayed)); len(in.Bounces) != 1 || in.Bounces[0].Failed() {
		t.Errorf("a delay: %+v", in.Bounces)
	}
}

func TestNotAMail(t *testing.T) {
	if _, err := Read([]byte("\x00\x01 no headers here")); err == nil {
		t.Log("read as a mail without headers") // go-message is lenient; nothing to match either way
	}
	if in, _ := Read(nil); in.InReplyTo != "" || in.Bounces != nil {
		t.Errorf("nothing read as %+v", in)
	}
}

// FuzzRead checks that no mail, however made, panics Read or makes it
// keep more than it should.
func FuzzRead(f *testing.F) {
	f.Add([]byte(bounceMail))
	f.Add([]byte(replyMail(f, "r1@x", "n1@x", "Re: D-000012", "削除しました\r\n> 引用\r\n")))
	f.Add([]byte("Subject: =?ISO-2022-JP?B?GyRCJFskMhsoQg==?=\r\nContent-Type: multipart/report; boundary=x\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n--x--"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := Read(raw)
		if err != nil {
			return
		}
		if len([]rune(in.Excerpt)) > maxExcerpt+1 || (in.Ref != "" && !strings.HasPrefix(in.Ref, "D-") && !strings.HasPrefix(in.Ref, "A-")) {
			t.Errorf("read %+v", in)
		}
	})
}

// Found in review: a bounce that is not a delivery status notification
// (qmail's) quotes the notice and its code, and read as a person's reply.
func TestAPlainBounceIsNoReply(t *testing.T) {
	raw := "From: MAILER-DAEMON@mx.yamada.example\r\nSubject: failure notice\r\nMessage-ID: <b1@mx>\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" +
		"I'm afraid I wasn't able to deliver your message.\r\n--- Below this line is a copy of the message.\r\n\r\nお問い合わせ番号：D-000012\r\n"
	if in, err := Read([]byte(raw)); err != nil || !in.Auto {
		t.Errorf("read as a person's reply: %+v, %v", in, err)
	}
	if in, _ := Read([]byte(replyMail(t, "r@x", "", "Re: 不在にしておりました件", "ご連絡ありがとうございます。削除しました。"))); in.Auto {
		t.Error("a person who was away is not an out-of-office reply")
	}
	if in, _ := Read([]byte(strings.Replace(replyMail(t, "r@x", "", "Re: x", "削除しました"), "charset=ISO-2022-JP", "charset=cp932", 1))); in.MessageID != "r@x" {
		t.Errorf("a reply in cp932: %+v", in)
	}
}

// From the corpus of real bounces: qmail writes text, an mbox "From "
// line comes first, a DSN names several recipients and the address the
// notice was sent to as Original-Recipient.
func TestBouncesAsMailSystemsWriteThem(t *testing.T) {
	qmail := "From MAILER-DAEMON Fri Nov 21 10:00:00 2026\r\nFrom: MAILER-DAEMON@mx.yamada.example\r\nSubject: failure notice\r\nnot a header line\r\n\r\n" +
		"Hi. This is the qmail-send program at mx.yamada.example.\r\nI'm afraid I wasn't able to deliver your message to the following addresses.\r\nThis is a permanent error; I've given up. Sorry it didn't work out.\r\n\r\n" +
		"<nobody@yamada.example>:\r\n192.0.2.1 does not like recipient.\r\nRemote host said: 550 5.1.1 <nobody@yamada.example>... User Unknown\r\nGiving up on 192.0.2.1.\r\n\r\n" +
		"<full@yamada.example>:\r\nRemote host said: 552 5.2.2 Mailbox full\r\n\r\n" +
		"--- Below this line is a copy of the message.\r\n\r\nReturn-Path: <soudan@sakura-print.example.jp>\r\nTo: nobody@yamada.example\r\nMessage-ID: <owabi.q@sakura-print.example.jp>\r\n\r\nD-000012\r\n"
	in, err := Read([]byte(qmail))
	if err != nil || len(in.Bounces) != 2 || in.Unreadable {
		t.Fatalf("read %+v, %v", in, err)
	}
	if b := in.Bounces[0]; b.Recipient != "nobody@yamada.example" || !b.Failed() || !b.Reply().AddressDead() || b.OriginalMessageID != "owabi.q@sakura-print.example.jp" {
		t.Errorf("first %+v", b)
	}
	if b := in.Bounces[1]; b.Recipient != "full@yamada.example" || !b.Failed() || b.Reply().AddressDead() {
		t.Errorf("second %+v", b)
	}
	two := strings.Replace(bounceMail, "Original-Recipient: rfc822;nobody@yamada.example\r\n", "Original-Recipient: rfc822;Taro@yamada.example\r\n", 1)
	two = strings.Replace(two, "User unknown\r\n\r\n", "User unknown\r\n\r\nFinal-Recipient: rfc822; other@yamada.example\r\nAction: failed\r\nStatus: 5.2.2\r\n\r\n", 1)
	in, _ = Read([]byte(two))
	if len(in.Bounces) != 2 || in.Bounces[0].Alias != "taro@yamada.example" || in.Bounces[1].Recipient != "other@yamada.example" ||
		in.Bounces[1].OriginalMessageID != "owabi.ghi@sakura-print.example.jp" {
		t.Errorf("read %+v", in.Bounces)
	}
	unreadable := "From: MAILER-DAEMON@mx.yamada.example\r\nSubject: Returned mail\r\n\r\nSomething went wrong.\r\n"
	if in, _ := Read([]byte(unreadable)); !in.Unreadable || !in.Auto || len(in.Bounces) != 0 {
		t.Errorf("read %+v", in)
	}
	// A person's reply whose subject only reads like a bounce's is a reply.
	person := replyMail(t, "r@x", "owabi.abc@sakura-print.example.jp", "Re: mail delivery の件", "削除しました。")
	if in, _ := Read([]byte(person)); in.Unreadable || in.Auto || len(in.Bounces) != 0 || in.Excerpt != "削除しました。" {
		t.Errorf("a person's reply: %+v", in)
	}
}

// Amazon SES reports a bounce as JSON; Exim and Google name the failed
// recipients in X-Failed-Recipients, with wording of their own.
func TestBouncesWithoutADeliveryStatus(t *testing.T) {
	ses := "From: no-reply@sns.amazonaws.com\r\nSubject: AWS Notification Message\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" +
		`{"Type":"Notification","Message":"{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bouncedRecipients\":` +
		`[{\"emailAddress\":\"nobody@yamada.example\",\"action\":\"failed\",\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}]},` +
		`\"mail\":{\"messageId\":\"x\"}}"}` + "\r\n"
	in, _ := Read([]byte(ses))
	if len(in.Bounces) != 1 || in.Bounces[0].Recipient != "nobody@yamada.example" || !in.Bounces[0].Reply().AddressDead() {
		t.Errorf("SES: %+v", in)
	}
	google := "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\nTo: soudan@sakura-print.example.jp\r\nSubject: Delivery Status Notification (Failure)\r\n" +
		"In-Reply-To: <owabi.g@sakura-print.example.jp>\r\nX-Failed-Recipients: group@googlegroups.example\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" +
		"soudan@sakura-print.example.jp 様\r\n連絡しようとしたグループ（group）が存在しないか、グループにメッセージを投稿する権限がない可能性があります。\r\n"
	au := "From: no-reply@000.dion.example.jp\r\nTo: soudan@sakura-print.example.jp\r\nSubject: Mail\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n" +
		"Your mail sent on: Thu, 29 Apr 2013 00:00:00 +0900\r\n     Could not be delivered to: <nobody@000.dion.example.jp>\r\n     As their mailbox is full.\r\n"
	if in, _ := Read([]byte(au)); len(in.Bounces) != 1 || in.Bounces[0].Recipient != "nobody@000.dion.example.jp" || !in.Auto {
		t.Errorf("au: %+v", in)
	}
	in, _ = Read([]byte(google))
	if len(in.Bounces) != 1 || in.Bounces[0].Recipient != "group@googlegroups.example" || in.Bounces[0].OriginalMessageID != "owabi.g@sakura-print.example.jp" {
		t.Errorf("Google: %+v", in)
	}
}

// OpenSMTPD's report gives a bare 5.0.0 for each recipient; its text
// says what the remote server said of each.
func TestAReportWithoutTheRemotesWordsIsReadWithItsText(t *testing.T) {
	raw := "From: MAILER-DAEMON@df.example\r\nSubject: Delivery status notification: error\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
		"--B\r\nContent-Type: text/plain\r\n\r\n    An error has occurred while attempting to deliver a message for\r\n    the following list of recipients:\r\n\r\n" +
		"nobody@yamada.example: 550 5.1.1 <nobody@yamada.example>: Recipient address rejected: User unknown\r\n" +
		"full@yamada.example: 552 5.2.2 <full@yamada.example>: Recipient address rejected: Mailbox full\r\n\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; df.example\r\n\r\n" +
		"Final-Recipient: rfc822; nobody@yamada.example\r\nAction: failed\r\nStatus: 5.0.0\r\n\r\n" +
		"Final-Recipient: rfc822; full@yamada.example\r\nAction: failed\r\nStatus: 5.0.0\r\n\r\n--B--\r\n"
	in, _ := Read([]byte(raw))
	if len(in.Bounces) != 2 || !in.Bounces[0].Reply().AddressDead() || in.Bounces[1].Reply().AddressDead() || in.Bounces[1].Reply().Problem() != notify.MailboxFull {
		t.Errorf("read %+v", in.Bounces)
	}
}

// Automatic replies as mail programs write them never count, whatever
// their headers lack; a person's own words about being away do.
func TestAutomaticRepliesByTheirHeadersAndSubjects(t *testing.T) {
	for _, tt := range []struct {
		subject, header string
		auto            bool
	}{
		{"【不在】12/28から1/5まで年末年始休業のお知らせ", "", true},
		{"［不在］山田は出張中です", "", true}, // full-width brackets
		{"不在：Re: 不審なメールの削除のお願い", "", true},
		{"不在です（12/28まで）", "", true},
		{"休暇中のため返信が遅れます", "", true},
		{"自動応答: 不審なメールの削除のお願い", "", true},
		{"Automatic reply: Request to delete a suspicious e-mail", "", true},
		{"Out of Office: Request to delete a suspicious e-mail", "", true},
		{"I am out of the office until Monday", "", true},
		{"Re: 不審なメールの削除のお願い", "X-Auto-Response-Suppress: All\r\n", true},       // Exchange's own
		{"Re: 不審なメールの削除のお願い", "X-MS-Exchange-Inbox-Rules-Loop: a@x\r\n", true}, // an inbox rule
		{"Re: 不審なメールの削除のお願い", "Precedence: auto_reply\r\n", true},
		{"Re: 不審なメールの削除のお願い", "X-Autoreply: yes\r\n", true},
		{"Re: 不審なメールの削除のお願い", "", false},
		{"Re: 不在にしておりました件", "", false},
		{"Re: 不在中に届いていたメールの件", "", false}, // a person, back
		{"【不在中】山田", "", true},
		{"【年末年始休業のお知らせ】", "", true},
		{"年末年始休業のお知らせ", "", true},
		{"Re: 休暇明けに確認しました", "", false},
		{"Re: 不審なメールの削除のお願い（D-000012）", "Auto-Submitted: no\r\n", false},
	} {
		raw := replyMail(t, "r@x", "", tt.subject, "削除しました。")
		raw = strings.Replace(raw, "MIME-Version:", tt.header+"MIME-Version:", 1)
		if in, err := Read([]byte(raw)); err != nil || in.Auto != tt.auto {
			t.Errorf("%q with %q: automatic %v, %v; want %v", tt.subject, tt.header, in.Auto, err, tt.auto)
		}
	}
}

// Replies as some mail programs write them: In-Reply-To without angle
// brackets, HTML only with the code in it, the notice forwarded back as an
// attachment.
func TestRepliesAsSomeMailProgramsWriteThem(t *testing.T) {
	head := "From: taro@yamada.example\r\nTo: soudan@sakura-print.example.jp\r\nSubject: Re: お知らせ\r\nMessage-ID: <r@x>\r\nMIME-Version: 1.0\r\n"
	noBrackets := head + "In-Reply-To: owabi.abc@sakura-print.example.jp\r\nReferences: owabi.1@sakura-print.example.jp, owabi.abc@sakura-print.example.jp\r\n" +
		"Content-Type: text/plain; charset=UTF-8\r\n\r\n削除しました。\r\n"
	if in, err := Read([]byte(noBrackets)); err != nil || in.InReplyTo != "owabi.abc@sakura-print.example.jp" ||
		len(in.References) != 2 || in.References[0] != "owabi.abc@sakura-print.example.jp" {
		t.Errorf("In-Reply-To without angle brackets: %+v, %v", in, err)
	}
	htmlOnly := head + "Content-Type: text/html; charset=UTF-8\r\n\r\n<html><head><style>p{color:red}</style></head><body>" +
		"<p>削除しました。&amp;ご連絡ありがとうございます。</p><blockquote><p>お問い合わせ番号：D-K7QM-3XHF</p></blockquote></body></html>\r\n"
	if in, err := Read([]byte(htmlOnly)); err != nil || in.Ref != "D-K7QM-3XHF" || in.Excerpt != "削除しました。&ご連絡ありがとうございます。" {
		t.Errorf("an HTML-only reply: ref %q, excerpt %q, %v; want the code and the person's words", in.Ref, in.Excerpt, err)
	}
	forwarded := head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n届いたメールを添付します。\r\n" +
		"--b\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n" +
		"From: soudan@sakura-print.example.jp\r\nMessage-ID: <owabi.def@sakura-print.example.jp>\r\nSubject: 不審なメールの削除のお願い\r\n\r\n本文\r\n--b--\r\n"
	if in, err := Read([]byte(forwarded)); err != nil || len(in.References) != 1 || in.References[0] != "owabi.def@sakura-print.example.jp" {
		t.Errorf("the notice forwarded back as an attachment: %+v, %v; want its Message-ID among what the mail answers", in, err)
	}
}
