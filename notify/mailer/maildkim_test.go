package mailer_test

import (
	crand "crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer"
)

// verifyWithMailDKIM checks each file's DKIM signature with Mail::DKIM,
// the verifier SpamAssassin and Amavis use, its key lookup answered with
// record. It prints one line a file: the result, with why.
const verifyWithMailDKIM = `
use strict; use warnings;
use Mail::DKIM::Verifier; use Net::DNS;
no warnings 'redefine';
*Mail::DKIM::DNS::query_async = sub {
	my ($host, $type, %prms) = @_;
	my $rr = Net::DNS::RR->new(name => $host, type => 'TXT', txtdata => [unpack('(A255)*', $ENV{DKIM_RECORD})]);
	my $result = $prms{Callbacks}{Success}->($host eq $ENV{DKIM_HOST} ? ($rr) : ());
	return sub { $result };
};
for my $file (@ARGV) {
	open(my $fh, '<', $file) or die "$file: $!";
	my $v = Mail::DKIM::Verifier->new();
	$v->load($fh);
	close $fh;
	print $v->result_detail, "\n"; # "pass", or "fail (message has been altered)"
}
`

// Mail::DKIM (Debian's libmail-dkim-perl, which SpamAssassin needs)
// verifies the signature of every bundled notice, each kind, language and
// tone, with and without a confirmation link, and fails one a relay or an
// attacker added a Subject, Reply-To or Cc to.
func TestMailDKIMVerifiesEveryNotice(t *testing.T) {
	if exec.Command("perl", "-MMail::DKIM::Verifier", "-MNet::DNS", "-e1").Run() != nil {
		t.Skip("Mail::DKIM is not installed (apt-get install libmail-dkim-perl, as spamassassin does)")
	}
	key, err := rsa.GenerateKey(crand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	c := newComposer(t)
	c.DKIM = &mailer.DKIM{Domain: "sakura-print.example.jp", Selector: "owabi2026", Key: key}
	dir := t.TempDir()
	var files, names, want []string
	add := func(name string, raw []byte, result string) {
		f := filepath.Join(dir, fmt.Sprint(len(files), ".eml"))
		if err := os.WriteFile(f, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		files, names, want = append(files, f), append(names, name), append(want, result)
	}
	for _, n := range everyNotice(t, c) {
		add(n.name, n.raw, "pass")
		if n.d.Lang == "ja" && n.d.Kind == notify.Deletion && n.d.Contact.Category == notify.Customer && n.d.AckLink == "" {
			for what, added := range map[string]string{"a second Subject": "Subject: =?UTF-8?B?5LiN5ZGz44Gq44Oh44O844Or?=\r\n",
				"a Reply-To": "Reply-To: attacker@evil.example\r\n", "a Cc": "Cc: attacker@evil.example\r\n"} {
				add(n.name+", "+what+" added", append([]byte(added), n.raw...), "fail")
			}
		}
	}
	cmd := exec.Command("perl", append([]string{"-e", verifyWithMailDKIM}, files...)...)
	cmd.Env = append(os.Environ(), "DKIM_HOST=owabi2026._domainkey.sakura-print.example.jp",
		"DKIM_RECORD=v=DKIM1; k=rsa; p="+base64.StdEncoding.EncodeToString(pub))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("perl: %v\n%s", err, out)
	}
	results := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(results) != len(files) {
		t.Fatalf("Mail::DKIM answered %d of %d notices:\n%s", len(results), len(files), out)
	}
	for i, r := range results {
		t.Logf("%-45s %s", names[i], r)
		if got := strings.Fields(r)[0]; got != want[i] {
			t.Errorf("%s: Mail::DKIM says %q, want %s", names[i], r, want[i])
		}
	}
}
