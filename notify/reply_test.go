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
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Text: "Requested action not taken: mailbox unavailable"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 553, Text: "mailbox name not allowed"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.1.10", Text: "null MX"}, notify.NoSuchDomain, true, true},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.1.2", Text: "bad destination system"}, notify.NoSuchDomain, true, true},
		{notify.ServerReply{Stage: notify.StageData, Code: 554, Status: "5.1.1", Text: "recipient unknown"}, notify.NoSuchAddress, true, true},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.2.1", Text: "mailbox disabled"}, notify.MailboxDisabled, true, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 552, Status: "5.2.2", Text: "Mailbox full"}, notify.MailboxFull, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 552, Text: "Requested mail action aborted: exceeded storage allocation"}, notify.MailboxFull, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 452, Status: "4.2.2", Text: "over quota"}, notify.MailboxFull, false, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 452, Text: "insufficient system storage"}, notify.MailboxFull, false, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 552, Status: "5.3.4", Text: "message too big"}, notify.TooBig, true, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 554, Status: "5.7.1", Text: "Message rejected as spam"}, notify.RefusedAsSpam, true, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 554, Text: "Your message was blocked by our spam filter"}, notify.RefusedAsSpam, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.7.1", Text: "Service unavailable; client host blocked using Spamhaus"}, notify.RefusedAsSpam, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.7.1", Text: "Relaying denied"}, notify.RefusedByPolicy, true, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 550, Status: "5.7.26", Text: "unauthenticated mail is prohibited"}, notify.SenderNotTrusted, true, false},
		{notify.ServerReply{Stage: notify.StageData, Code: 550, Status: "5.7.23", Text: "SPF validation failed"}, notify.SenderNotTrusted, true, false},
		{notify.ServerReply{Stage: notify.StageRcpt, Code: 451, Status: "4.7.1", Text: "Greylisted, try again later"}, notify.TryLater, false, false},
		{notify.ServerReply{Stage: notify.StageConnect, Code: 421, Status: "4.4.5", Text: "busy"}, notify.TryLater, false, false},
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
