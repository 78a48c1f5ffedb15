package notify_test

import (
	"testing"

	"github.com/owabi/owabi/notify"
)

func TestWhatAServerReplyMeans(t *testing.T) {
	for _, c := range []struct {
		reply       notify.ServerReply
		problem     notify.Problem
		permanent   bool
		addressDead bool
	}{
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.1.1", Text: "User unknown"}, notify.NoSuchAddress, true, true},
		// Without a status, only words that name the address as unknown close it.
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Text: "<taro@example.jp>: User unknown"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Text: "このメールアドレスは存在しません"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 553, Text: "mailbox name not allowed"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Text: "Requested action not taken: mailbox unavailable"}, notify.Refused, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 554, Text: "Recipient address rejected: Access denied"}, notify.Refused, true, false},
		// From the corpus of real bounces: au's bare refusal at RCPT TO, the
		// words of mail systems that say no more (a DragonFly's, Outlook.com's,
		// Verizon's MMS gateway's, InterScan's).
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Text: "<a@au.example>: Recipient address rejected."}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.0.0", Text: "<a@au.example>: Recipient address rejected. (at RCPT TO)"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Status: "5.0.0", Text: "DNS lookup failure: host cx.example not found"}, notify.NoSuchDomain, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 554, Status: "5.5.0", Text: "The mail could not be delivered to the recipient because the domain is not reachable. Please check the domain and try again"}, notify.NoSuchDomain, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Status: "5.0.0", Text: "Message could not be delivered to mobile. Error: No valid recipients for this MM"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Status: "5.0.0", Text: "Unable to deliver message to <a@b.example>. Please check if address is correct."}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.1.10", Text: "null MX"}, notify.NoSuchDomain, true, true},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.1.2", Text: "bad destination system"}, notify.NoSuchDomain, true, true},
		{notify.ServerReply{Stage: notify.StageData, Code: 554, Status: "5.1.1", Text: "recipient unknown"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.2.1", Text: "mailbox disabled"}, notify.MailboxDisabled, true, false},
		// From the corpus of real bounces: a rough status (x.1.x of no known
		// kind, x.2.1, x.3.x, x.5.x) is read with the words, which may name
		// the address unknown, the domain absent, or our sender refused.
		// x.2.1 is a mailbox that exists but takes no mail (RFC 3463): its
		// "User Unknown" closes the address only when said to RCPT TO.
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.2.1", Text: "<a@b.example>... User Unknown"}, notify.MailboxDisabled, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.2.1", Text: "<a@b.example>... User Unknown (in reply to RCPT TO command)"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.2.1", Text: "<a@b.example>... User Unknown (at RCPT TO)"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.2.1", Text: "<a@b.example>... User Unknown"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.2.1", Text: "<a@b.example>... User Unknown (bad-mailbox)"}, notify.NoSuchAddress, true, true},
		// au (KDDI) answers so when the recipient's own filter refuses the
		// sender; with the address before the words, the address is unknown.
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.0.0", Text: ": User unknown"}, notify.RefusedByPolicy, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Status: "5.0.0", Text: "<a@ezweb.example>: 550: : User unknown"}, notify.RefusedByPolicy, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.1.351", Text: "Remote server returned unknown recipient or mailbox unavailable -> 550 : User unknown"}, notify.RefusedByPolicy, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.0.0", Text: "<a@ezweb.example>: User unknown"}, notify.NoSuchAddress, true, true},
		// Sendmail's transcript says DATA, but the bounce reader found the
		// address refused at RCPT TO, pipelined before it.
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.0.0", Text: "<a@b.example>... User unknown >>> DATA <<< 503 5.0.0 Need RCPT (recipient) (at RCPT TO)"}, notify.NoSuchAddress, true, true},
		// Yahoo refuses an address after the data, in words no filter uses.
		{notify.ServerReply{Stage: notify.StageBounce, Code: 554, Status: "5.0.0", Text: "delivery error: dd This user doesn't have a yahoo.com account (a@yahoo.example) [0] (after DATA)"}, notify.NoSuchAddress, true, true},
		// A refusal at MAIL FROM is about our sender, whatever it says.
		{notify.ServerReply{Stage: notify.StageBounce, Code: 553, Status: "5.1.0", Text: "neko neko.example.com does not exist E2110 (at MAIL FROM)"}, notify.Refused, true, false},
		// A name server that failed says nothing of the domain.
		{notify.ServerReply{Stage: notify.StageBounce, Status: "5.4.4", Text: "Name service error for name=example.org type=MX: Malformed or unexpected name server reply"}, notify.Refused, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Status: "5.4.4", Text: "Host or domain name not found. Name service error for name=example.jp type=A: Host not found"}, notify.NoSuchDomain, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.5.0", Text: "Adresse destinataire invalide. Invalid recipient."}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.1.351", Text: "Remote server returned unknown recipient or mailbox unavailable"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.0.0", Text: "Host unknown (Authoritative answer from name server)"}, notify.NoSuchDomain, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 521, Status: "5.3.2", Text: "System not accepting network messages"}, notify.NoSuchDomain, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.1.0", Text: "<bounce@mailer.example> sender rejected"}, notify.Refused, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Status: "5.0.0", Text: "ユーザーNeko (a@b.example) は Domino ディレクトリには見つかりません。"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 553, Status: "5.1.3", Text: "http://www.spamhaus.org/query/bl?ip=192.0.2.222"}, notify.RefusedAsSpam, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Status: "5.0.0", Text: "Your message wasn't delivered to a@b.example because the address couldn't be found."}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Status: "5.0.0", Text: "Name service error for domain example.com: Host not found, try again"}, notify.Refused, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.1.8", Text: "Sender address rejected: Domain not found"}, notify.Refused, true, false},
		// A server that took the address at RCPT TO and refuses the data in
		// words only (no status that names the address) is a filter: the
		// address is not dead. A status that names it still decides.
		{notify.ServerReply{Stage: notify.StageData, Code: 550, Text: "No such user here"}, notify.RefusedByPolicy, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.0.0", Text: "<a@b.example>: unknown user (in reply to end of DATA command)"}, notify.RefusedByPolicy, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.2.1", Text: "<a@b.example>... User Unknown (after DATA)"}, notify.RefusedByPolicy, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.1.1", Text: "<a@b.example>: User unknown (in reply to end of DATA command)"}, notify.NoSuchAddress, true, true},
		// Words of another fault over a status that names the address.
		{notify.ServerReply{Stage: notify.StageBounce, Code: 552, Status: "5.1.1", Text: "sorry, mailbox a@b.example is over quota"}, notify.MailboxFull, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.1.1", Text: "<a@b.example> - 192.0.2.1 has sent to too many recipients this hour"}, notify.RefusedByPolicy, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.1.1", Text: "Refused due to recipient preferences"}, notify.RefusedByPolicy, true, false},
		// Exchange Online's directory does not hold the address.
		{notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.4.1", Text: "[a@b.example]: Recipient address rejected: Access denied [XX1PR01.prod.outlook.example]"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Status: "5.0.0", Text: "User not listed in public Name & Address Book a@b.example"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageData, Code: 552, Status: "5.2.2", Text: "Mailbox full"}, notify.MailboxFull, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 552, Text: "Requested mail action aborted: exceeded storage allocation"}, notify.MailboxFull, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 452, Status: "4.2.2", Text: "over quota"}, notify.MailboxFull, false, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 452, Text: "insufficient system storage"}, notify.TryLater, false, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 552, Text: "Message size exceeds fixed maximum message size"}, notify.TooBig, true, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 552, Status: "5.3.4", Text: "message too big"}, notify.TooBig, true, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 554, Status: "5.7.1", Text: "Message rejected as spam"}, notify.RefusedAsSpam, true, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 554, Text: "Your message was blocked by our spam filter"}, notify.RefusedAsSpam, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.7.1", Text: "Service unavailable; client host blocked using Spamhaus"}, notify.RefusedAsSpam, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.7.1", Text: "Recipient address rejected: Access denied"}, notify.RefusedByPolicy, true, false},
		// Our own mail server refusing to send for us: no notice's fault.
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.7.1", Text: "Relaying denied"}, notify.SendingRefused, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 553, Text: "sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"}, notify.SendingRefused, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 554, Text: "Relay access denied"}, notify.SendingRefused, true, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 550, Status: "5.4.5", Text: "Daily user sending quota exceeded"}, notify.SendingRefused, true, false},
		{notify.ServerReply{Stage: notify.StageSender, Code: 530, Status: "5.7.0", Text: "Authentication required"}, notify.SendingRefused, true, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 550, Status: "5.7.60", Text: "SMTP; Client does not have permissions to send as this sender"}, notify.SendingRefused, true, false},
		// Microsoft 365 and Google Workspace, refusing to send for us.
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 554, Status: "5.7.1", Text: "Client was not authenticated"}, notify.SendingRefused, true, false},
		{notify.ServerReply{Stage: notify.StageSender, Code: 530, Status: "5.7.57", Text: "Client not authenticated to send mail."}, notify.SendingRefused, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 535, Status: "5.7.139", Text: "Authentication unsuccessful, basic authentication is disabled."}, notify.SendingRefused, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.7.708", Text: "Service unavailable. Access denied, traffic not accepted from this IP."}, notify.SendingRefused, true, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 554, Status: "5.2.0", Text: "STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message"}, notify.SendingRefused, true, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 550, Status: "5.4.5", Text: "Daily user sending limit exceeded."}, notify.SendingRefused, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.7.26", Text: "Unauthenticated email from example.com is not accepted due to domain's DMARC policy"}, notify.SenderNotTrusted, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Status: "5.0.0", Text: "Unknown user"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Status: "5.0.0", Text: "bounced: 5.0.0 (failed)"}, notify.Refused, true, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 550, Status: "5.7.26", Text: "unauthenticated mail is prohibited"}, notify.SenderNotTrusted, true, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 550, Status: "5.7.23", Text: "SPF validation failed"}, notify.SenderNotTrusted, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 451, Status: "4.7.1", Text: "Greylisted, try again later"}, notify.TryLater, false, false},
		// Our own mail server asking us to wait pauses the sending: each
		// notice tried against it would pay an attempt (Postfix's anvil and
		// policy services, Microsoft 365's and Google's throttling).
		{notify.ServerReply{Stage: notify.StageConnect, Code: 421, Status: "4.4.5", Text: "busy"}, notify.SendingPaused, false, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 421, Status: "4.7.0", Text: "mail.example.com Error: too many connections from 192.0.2.1"}, notify.SendingPaused, false, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 450, Status: "4.7.1", Text: "Error: too much mail from 192.0.2.1"}, notify.SendingPaused, false, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 450, Status: "4.7.1", Text: "Error: too many recipients from 192.0.2.1"}, notify.SendingPaused, false, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 451, Status: "4.7.1", Text: "Rate limit exceeded, try again later"}, notify.SendingPaused, false, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 432, Status: "4.3.2", Text: "STOREDRV.ClientSubmit; sender thread limit exceeded"}, notify.SendingPaused, false, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 452, Status: "4.3.1", Text: "Insufficient system storage"}, notify.SendingPaused, false, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 452, Status: "4.5.3", Text: "Too many recipients"}, notify.SendingPaused, false, false},
		{notify.ServerReply{Stage: notify.StageSender, Code: 451, Status: "4.3.0", Text: "Temporary lookup failure"}, notify.SendingPaused, false, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 450, Status: "4.7.0", Text: "Message submission rate for this client has exceeded the configured limit"}, notify.SendingPaused, false, false},
		// Trouble at our own relay: a filter down, its queue, its
		// configuration, our sender or our host refused for now (Postfix
		// delays these to RCPT TO).
		{notify.ServerReply{Stage: notify.StageData, Code: 451, Status: "4.7.1", Text: "Service unavailable - try again later"}, notify.SendingPaused, false, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 451, Status: "4.3.0", Text: "Error: queue file write error"}, notify.SendingPaused, false, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 451, Status: "4.3.5", Text: "Server configuration problem"}, notify.SendingPaused, false, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 450, Status: "4.1.8", Text: "<owabi@sakura-print.example.jp>: Sender address rejected: Domain not found"}, notify.SendingPaused, false, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 450, Status: "4.7.1", Text: "Client host rejected: cannot find your hostname, [192.0.2.1]"}, notify.SendingPaused, false, false},
		// A passing refusal of this notice's recipient is tried again
		// later: one that names the address, whatever words it uses.
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 450, Status: "4.7.1", Text: "<a@b.example>: Recipient address rejected: too many messages to this recipient"}, notify.TryLater, false, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 450, Text: "<throttle@b.example>... try again"}, notify.TryLater, false, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 450, Status: "4.2.1", Text: "The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered"}, notify.TryLater, false, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 450, Status: "4.1.1", Text: "Recipient address rejected: unverified address: connection refused"}, notify.TryLater, false, false},

		{notify.ServerReply{Stage: notify.StageData, Text: "EOF"}, notify.ConnectionLost, false, false},
		{notify.ServerReply{Stage: notify.StageWrite, Text: "template: no such field"}, notify.NotWritten, false, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 554, Text: "transaction failed"}, notify.Refused, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Status: "5.1.1", Text: "bounced: 5.1.1 (failed)"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageBounce, Status: "5.7.1", Text: "bounced: 5.7.1 (failed)"}, notify.RefusedByPolicy, true, false},
		{notify.ServerReply{Stage: notify.StageBounce, Status: "4.4.7", Text: "bounced: 4.4.7 (delayed)"}, notify.TryLater, false, false},
		// A status that contradicts its reply code decides: it is the finer word.
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "4.2.2", Text: "over quota, try later"}, notify.MailboxFull, false, false},
	} {
		r := c.reply
		if got := r.Problem(); got != c.problem {
			t.Errorf("%+v: problem %s, want %s", r, got, c.problem)
		}
		if got := r.Permanent(); got != c.permanent {
			t.Errorf("%+v: permanent %v, want %v", r, got, c.permanent)
		}
		if got := r.AddressDead(); got != c.addressDead {
			t.Errorf("%+v: address dead %v, want %v", r, got, c.addressDead)
		}
	}
}

func TestAReplyIsQuotedWithoutTheServersWords(t *testing.T) {
	r := notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.1.1", Text: "<taro@example.jp>: User unknown"}
	if got := r.String(); got != "550 5.1.1 (no_such_address)" {
		t.Errorf("String() = %q", got)
	}
	if got := (notify.ServerReply{Stage: notify.StageData, Text: "EOF"}).String(); got != "connection_lost" {
		t.Errorf("without codes: %q", got)
	}
}

func TestAReplyIsReadAsItWasWritten(t *testing.T) {
	for _, c := range []struct {
		in   string
		want notify.ServerReply
	}{
		{"550 5.1.1 <a@b.example>: User unknown", notify.ServerReply{Code: 550, Status: "5.1.1", Text: "<a@b.example>: User unknown"}},
		{"550-5.7.1 The user or domain that you are sending to\n550-5.7.1 does not accept mail\n550 5.7.1 see https://support.example", notify.ServerReply{
			Code: 550, Status: "5.7.1", Text: "The user or domain that you are sending to does not accept mail see https://support.example"}},
		{"5.7.1 first line\n5.7.1 second line", notify.ServerReply{Status: "5.7.1", Text: "first line second line"}},
		{"550 Client host [2.3.4.5] blocked", notify.ServerReply{Code: 550, Text: "Client host [2.3.4.5] blocked"}},
		{"550 #5.1.0 Address rejected.", notify.ServerReply{Code: 550, Status: "5.1.0", Text: "Address rejected."}},
		{"550 2.1.5 looks like a status of another class", notify.ServerReply{Code: 550, Text: "2.1.5 looks like a status of another class"}},
		{"553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", notify.ServerReply{Code: 553, Status: "5.7.1",
			Text: "sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"}},
		{"User unknown", notify.ServerReply{Text: "User unknown"}},
		// Amazon SES passes the remote's reply on inside its own guess.
		{"5.1.0 - Unknown address error 550-'5.7.1 <a@b.example>... Access denied' (delivery attempts: 0)", notify.ServerReply{
			Code: 550, Status: "5.7.1", Text: "<a@b.example>... Access denied"}},
		{"5.3.0 - Other mail system problem 550-'Unknown user a@b.example' (delivery attempts: 0)", notify.ServerReply{
			Code: 550, Text: "Unknown user a@b.example"}},
	} {
		c.want.Stage = notify.StageRcpt
		if got := notify.ReadReply(notify.StageRcpt, c.in); got != c.want {
			t.Errorf("ReadReply(%q) =\n%#v, want\n%#v", c.in, got, c.want)
		}
	}
}

func TestABounceSaysWhatTheRemoteServerSaid(t *testing.T) {
	for _, c := range []struct {
		b    notify.Bounce
		want notify.ServerReply
		dead bool
	}{
		{notify.Bounce{Action: "failed", Status: "5.0.0", Diagnostic: "550 Unknown user"},
			notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.0.0", Text: "Unknown user"}, true},
		{notify.Bounce{Action: "failed", Status: "5.0.0", Diagnostic: "550 5.1.1 <a@b.example>... User unknown"},
			notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.1.1", Text: "<a@b.example>... User unknown"}, true},
		// From the corpus of real bounces: the remote's precise status is
		// its own, over the reporting mail system's guess.
		{notify.Bounce{Action: "failed", Status: "5.1.1", Diagnostic: "550 5.7.1 IP address blacklisted by recipient"},
			notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.7.1", Text: "IP address blacklisted by recipient"}, false},
		{notify.Bounce{Action: "failed", Status: "5.7.1", Diagnostic: "554 5.7.1 Message rejected as spam"},
			notify.ServerReply{Stage: notify.StageBounce, Code: 554, Status: "5.7.1", Text: "Message rejected as spam"}, false},
		{notify.Bounce{Action: "failed", Status: "5.1.1"},
			notify.ServerReply{Stage: notify.StageBounce, Status: "5.1.1", Text: "bounced: 5.1.1 (failed)"}, true},
		// Where the bounce says the remote answered the data, the words say so too.
		{notify.Bounce{Action: "failed", Status: "5.0.0", Diagnostic: "550 Unknown user", RefusedAt: notify.StageData},
			notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.0.0", Text: "Unknown user (after DATA)"}, false},
		// and where at RCPT TO, or at MAIL FROM, or where the reporting mail
		// system classes it a bad mailbox.
		{notify.Bounce{Action: "failed", Status: "5.2.1", Diagnostic: "550 5.2.1 <a@b.example>... User Unknown", RefusedAt: notify.StageRcpt},
			notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.2.1", Text: "<a@b.example>... User Unknown (at RCPT TO)"}, true},
		{notify.Bounce{Action: "failed", Status: "5.2.1", Diagnostic: "550 5.2.1 <a@b.example>... User Unknown"},
			notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.2.1", Text: "<a@b.example>... User Unknown"}, false},
		{notify.Bounce{Action: "failed", Status: "5.2.1", Diagnostic: "550 5.2.1 <a@b.example>... User Unknown", BadMailbox: true},
			notify.ServerReply{Stage: notify.StageBounce, Code: 550, Status: "5.2.1", Text: "<a@b.example>... User Unknown (bad-mailbox)"}, true},
		{notify.Bounce{Action: "failed", Status: "5.1.0", Diagnostic: "553 5.1.0 notices sender.example does not exist", RefusedAt: notify.StageSender},
			notify.ServerReply{Stage: notify.StageBounce, Code: 553, Status: "5.1.0", Text: "notices sender.example does not exist (at MAIL FROM)"}, false},
	} {
		got := c.b.Reply()
		if got != c.want || got.AddressDead() != c.dead || !c.b.Failed() {
			t.Errorf("%+v: %#v (dead %v), want %#v (dead %v)", c.b, got, got.AddressDead(), c.want, c.dead)
		}
	}
}

// A mail system that gives up after days of passing refusals fails the
// notice (From the corpus: Postfix's "delivery temporarily suspended",
// qmail's "in the queue too long"), and leaves the address open.
func TestABounceGivenUpOnAPassingRefusalFailsTheNotice(t *testing.T) {
	for _, c := range []struct {
		b    notify.Bounce
		want notify.Problem
	}{
		{notify.Bounce{Action: "failed", Status: "4.4.1", Diagnostic: "delivery temporarily suspended: connect to mx.example[192.0.2.1]:25: Connection timed out"}, notify.GaveUp},
		{notify.Bounce{Action: "failed", Status: "4.4.7"}, notify.GaveUp},
		{notify.Bounce{Action: "failed", Status: "5.0.0", Diagnostic: "450 4.2.2 <a@b.example>... Mailbox Full"}, notify.MailboxFull},
		{notify.Bounce{Action: "failed", Status: "4.1.1", Diagnostic: "450 4.1.1 <a@b.example>: Recipient address rejected: User unknown in virtual alias table"}, notify.GaveUp},
	} {
		r := c.b.Reply()
		if !c.b.Failed() || r.Problem() != c.want || r.AddressDead() || r.Permanent() {
			t.Errorf("%+v: failed %v, %s (%q), dead %v; want failed, %s, not dead", c.b, c.b.Failed(), r.Problem(), r.Text, r.AddressDead(), c.want)
		}
	}
	if b := (notify.Bounce{Action: "delayed", Status: "4.4.1"}); b.Failed() || b.Reply().Problem() != notify.TryLater {
		t.Errorf("a delay: failed %v, %s", b.Failed(), b.Reply().Problem())
	}
}
