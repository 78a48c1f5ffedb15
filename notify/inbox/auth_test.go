package inbox

import (
	"strings"
	"testing"

	"github.com/emersion/go-message/mail"
)

// What the organisation's receiving server found of a reply's sender, as
// its Authentication-Results say it.
func TestTheTrustedServersChecksOfTheSender(t *testing.T) {
	for _, c := range []struct {
		name, results string
		failed        bool
	}{
		{"DMARC passed", "mx.sakura.example; dmarc=pass header.from=yamada.example", false},
		{"DMARC failed", "mx.sakura.example; dmarc=fail header.from=yamada.example", true},
		{"another host's word is the sender's to write", "mx.attacker.example; dmarc=fail header.from=yamada.example", false},
		{"the From domain's only signature failed", "mx.sakura.example; dkim=fail header.d=yamada.example", true},
		// Found in review: a signature of another domain that passes says
		// nothing of the From domain's, which failed.
		{"another domain's signature passed", "mx.sakura.example; dkim=fail header.d=yamada.example; dkim=pass header.d=evil.example", true},
		{"one of the From domain's signatures passed", "mx.sakura.example; dkim=fail header.d=yamada.example; dkim=pass header.i=@yamada.example", false},
	} {
		var h mail.Header
		h.Set("Authentication-Results", c.results)
		got := senderChecks(h, "taro@yamada.example", []string{"mx.sakura.example"})
		if got.Failed() != c.failed {
			t.Errorf("%s: %+v failed %v, want %v", c.name, got, got.Failed(), c.failed)
		}
	}
	if got := senderChecks(mail.Header{}, "taro@yamada.example", nil); got.Failed() || !strings.EqualFold(got.DMARC, "") {
		t.Errorf("no trusted server: %+v", got)
	}
}
