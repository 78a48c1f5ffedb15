package mailer_test

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer"
)

// Every bundled notice (each kind, language and tone, with and without a
// confirmation link) scores nothing with SpamAssassin, offline, and trips
// no rule on a URI: a notice that a filter files as spam, or whose
// defanged link a filter reads as a host, fails the people it is for.
// .ci/run installs SpamAssassin; where it is missing the test says so.
func TestSpamAssassinScoresNoNoticeAsSpam(t *testing.T) {
	sa, err := exec.LookPath("spamassassin")
	if err != nil {
		t.Skip("SpamAssassin is not installed (apt-get install spamassassin)")
	}
	var mbox bytes.Buffer
	var names []string
	for _, n := range everyNotice(t, newComposer(t)) {
		// SpamAssassin does not answer in the mbox's order: each notice
		// says which it is.
		mbox.WriteString("From owabi@sakura-print.example.jp Thu Dec  3 10:00:00 2026\nX-Variant: " + n.name + "\n")
		mbox.Write(bytes.ReplaceAll(n.raw, []byte("\r\n"), []byte("\n")))
		mbox.WriteString("\n")
		names = append(names, n.name)
	}
	cmd := exec.Command(sa, "--mbox", "-L", "-t")
	cmd.Stdin = &mbox
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("spamassassin: %v\n%s", err, out)
	}
	reports := scores.FindAllSubmatch(out, -1)
	if len(reports) != len(names) {
		t.Fatalf("spamassassin reported on %d of %d notices:\n%s", len(reports), len(names), out)
	}
	seen := map[string]bool{}
	for _, r := range reports {
		name, score, rules := string(r[1]), string(r[2]), string(r[3])
		seen[name] = true
		if strings.HasPrefix(score, "-") || score == "0.0" {
			score = "0"
		}
		var uri []string
		for _, rule := range ruleNames.FindAllStringSubmatch(rules, -1) {
			if strings.Contains(rule[1], "URI") {
				uri = append(uri, rule[1])
			}
		}
		if score != "0" || len(uri) > 0 {
			t.Errorf("%s: %s points, URI rules %v:\n%s", name, score, uri, rules)
		}
		t.Logf("%s: %s points", name, score)
	}
	for _, name := range names {
		if !seen[name] {
			t.Errorf("no report on the %s", name)
		}
	}
}

var (
	// scores are SpamAssassin's reports on each notice: which it is, the
	// points, then the rules' table.
	scores    = regexp.MustCompile(`(?s)\nX-Variant: ([^\n]+)\n.*?Content analysis details:\s+\((-?[0-9.]+) points[^\n]*\n(.*?)(?:\n\n|$)`)
	ruleNames = regexp.MustCompile(`(?m)^\s*-?[0-9.]+\s+([A-Z0-9_]+)\s`)
)

// sentNotice is one bundled notice as the mail server receives it.
type sentNotice struct {
	name string // "ja deletion, customer, with a link"
	d    notify.Delivery
	raw  []byte
}

// everyNotice writes every bundled notice with c, as it goes out: each
// kind, language and tone, with and without a confirmation link.
func everyNotice(t *testing.T, c *mailer.Composer) []sentNotice {
	t.Helper()
	var out []sentNotice
	for _, lang := range mailer.Languages {
		for _, kind := range notify.NoticeKinds {
			for _, cat := range []notify.Category{notify.Customer, notify.Employee} {
				for _, link := range []string{"", "https://owabi.sakura-print.example.jp/ack/t0ken"} {
					d := delivery(cat, lang)
					d.Kind, d.AckLink = kind, link
					m, err := c.Compose(d, time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC))
					if err != nil {
						t.Fatal(err)
					}
					var raw bytes.Buffer
					if _, err := m.WriteTo(&raw); err != nil {
						t.Fatal(err)
					}
					name := fmt.Sprintf("%s %s, %s", lang, kind, cat) + map[bool]string{true: ", with a link"}[link != ""]
					out = append(out, sentNotice{name, d, raw.Bytes()})
				}
			}
		}
	}
	return out
}
