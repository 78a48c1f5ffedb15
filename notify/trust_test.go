package notify

import "testing"

func TestReplyEvidenceJudge(t *testing.T) {
	random := "D-K7QM-3XHF"
	for _, c := range []struct {
		name  string
		e     ReplyEvidence
		want  InboundOutcome
		doubt Doubt
	}{
		{"answers the notice", ReplyEvidence{Threaded: true}, AckedByReply, ""},
		{"answers it from another address", ReplyEvidence{Threaded: true, FromContact: false}, AckedByReply, ""},
		{"quotes a random code", ReplyEvidence{Code: random}, AckedByReply, ""},
		{"forged: the receiving server says so", ReplyEvidence{Threaded: true, SenderFailed: true}, Unverified, DoubtSenderFailed},
		{"from a contact, answering nothing", ReplyEvidence{FromContact: true}, Unverified, DoubtNoNotice},
		{"an out-of-office answering nothing", ReplyEvidence{FromContact: true, Automatic: true}, NotOurs, ""},
		{"a stranger answering nothing", ReplyEvidence{}, NotOurs, ""},
		{"an out-of-office to a notice", ReplyEvidence{Threaded: true, Automatic: true}, AutoReply, ""},
		{"a forged out-of-office", ReplyEvidence{Code: random, Automatic: true, SenderFailed: true}, Unverified, DoubtSenderFailed},
	} {
		got, doubt := c.e.Judge()
		if got != c.want || doubt != c.doubt {
			t.Errorf("%s: %s (%s), want %s (%s)", c.name, got, doubt, c.want, c.doubt)
		}
	}
}

func TestJudgeBounce(t *testing.T) {
	dead := Bounce{Action: "failed", Status: "5.1.1"}
	delay := Bounce{Action: "delayed", Status: "4.4.7"}
	for _, c := range []struct {
		name            string
		b               Bounce
		tied, toContact bool
		want            InboundOutcome
		doubt           Doubt
	}{
		{"tied to its notice", dead, true, true, Bounced, ""},
		{"naming only an address in the book", dead, false, true, Unverified, DoubtUntiedBounce},
		{"naming an address not in the book", dead, false, false, NotOurs, ""},
		{"a delay", delay, true, true, NotOurs, ""},
	} {
		got, doubt := JudgeBounce(c.b, c.tied, c.toContact)
		if got != c.want || doubt != c.doubt {
			t.Errorf("%s: %s (%s), want %s (%s)", c.name, got, doubt, c.want, c.doubt)
		}
	}
}

func TestSenderChecksFailed(t *testing.T) {
	for _, c := range []struct {
		c    SenderChecks
		want bool
	}{
		{SenderChecks{}, false},
		{SenderChecks{DMARC: "pass"}, false},
		{SenderChecks{DMARC: "fail"}, true},
		{SenderChecks{DMARC: "none", SPF: "softfail"}, false},
		{SenderChecks{SPF: "fail"}, true},
		{SenderChecks{DKIM: []string{"fail"}}, true},
		{SenderChecks{DKIM: []string{"fail", "pass"}}, false}, // one good signature of the domain is enough
		{SenderChecks{DKIM: []string{"none"}}, false},
	} {
		if got := c.c.Failed(); got != c.want {
			t.Errorf("%+v: Failed %v, want %v", c.c, got, c.want)
		}
	}
}
