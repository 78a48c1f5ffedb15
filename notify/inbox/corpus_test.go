package inbox

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
)

// corpusDir holds real bounces from some sixty mail systems and what
// sisimai, a mature bounce parser, decodes from each (see its README).
const corpusDir = "../../../shared/corpora"

// truth is one bounced recipient as sisimai decodes it.
type truth struct {
	File       string `json:"file"`
	Recipient  string `json:"recipient"`
	Alias      string `json:"alias"`
	Action     string `json:"action"`
	Status     string `json:"status"`
	Reason     string `json:"reason"`
	HardBounce int    `json:"hardbounce"`
	MessageID  string `json:"messageid"`
	Agent      string `json:"agent"`
}

// tally counts one mail system's results against sisimai's.
type tally struct {
	recipients, recognised    int // bounced recipients; read as bounces with the right address
	hard, deadHit, deadMarked int // sisimai's hard bounces; of them read as dead; all read as dead
	wrongNotice               int // bounces naming a returned Message-ID other than the one returned
}

func (t *tally) add(o tally) {
	t.recipients += o.recipients
	t.recognised += o.recognised
	t.hard += o.hard
	t.deadHit += o.deadHit
	t.deadMarked += o.deadMarked
	t.wrongNotice += o.wrongNotice
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func TestRealBouncesAgainstSisimai(t *testing.T) {
	f, err := os.Open(filepath.Join(corpusDir, "sisimai-truth.jsonl"))
	if err != nil {
		t.Skipf("SKIPPING the bounce corpus: %v (it lives in ../shared/corpora beside the checkout)", err)
	}
	defer f.Close()
	byFile := map[string][]truth{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r truth
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		byFile[r.File] = append(byFile[r.File], r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	families := map[string]*tally{}
	var all tally
	for file, rows := range byFile {
		raw, err := os.ReadFile(filepath.Join(corpusDir, "bounces", file))
		if err != nil {
			t.Fatal(err)
		}
		in, err := Read(raw)
		if err != nil {
			t.Logf("%s: %v", file, err)
		}
		got := map[string]notify.Bounce{}
		for _, b := range bouncesOf(in) {
			got[strings.ToLower(b.Recipient)] = b
		}
		var one tally
		known := map[string]bool{}
		for _, r := range rows {
			one.recipients++
			one.hard += r.HardBounce
			b, ok := got[strings.ToLower(r.Recipient)]
			known[strings.ToLower(r.Recipient)] = true
			if r.Alias != "" {
				known[strings.ToLower(r.Alias)] = true
				if !ok {
					b, ok = got[strings.ToLower(r.Alias)]
				}
			}
			if !ok {
				if testing.Verbose() {
					t.Logf("missed %s (%s, %s)", file, r.Agent, r.Reason)
				}
				continue
			}
			one.recognised++
			if b.Failed() && b.Reply().AddressDead() {
				if r.HardBounce == 1 {
					one.deadHit++
				} else if testing.Verbose() {
					t.Logf("%s: dead, sisimai %s (%s) %q", file, r.Reason, r.Status, b.Diagnostic)
				}
			} else if r.HardBounce == 1 && testing.Verbose() {
				t.Logf("%s: not dead (%s %s: %s), sisimai %s (%s) %q", file, b.Action, b.Status, b.Reply().Problem(), r.Reason, r.Status, b.Diagnostic)
			}
			if b.OriginalMessageID != "" && r.MessageID != "" && b.OriginalMessageID != r.MessageID {
				one.wrongNotice++
				t.Logf("%s: returned %q, sisimai %q", file, b.OriginalMessageID, r.MessageID)
			}
		}
		for addr, b := range got {
			// a dead mark on an address sisimai does not name counts against precision too
			if b.Failed() && b.Reply().AddressDead() {
				one.deadMarked++
				if !known[addr] && testing.Verbose() {
					t.Logf("%s: marked an address sisimai does not name", file)
				}
			}
		}
		agent := rows[0].Agent
		if families[agent] == nil {
			families[agent] = &tally{}
		}
		families[agent].add(one)
		all.add(one)
	}
	names := make([]string, 0, len(families))
	for n := range families {
		names = append(names, n)
	}
	sort.Strings(names)
	var table strings.Builder
	fmt.Fprintf(&table, "%-16s %9s %9s %9s %s\n", "mail system", "read", "dead", "marked", "wrong notice")
	line := func(name string, s tally) {
		fmt.Fprintf(&table, "%-16s %4d/%-4d %4d/%-4d %9d %d\n", name, s.recognised, s.recipients, s.deadHit, s.hard, s.deadMarked, s.wrongNotice)
	}
	for _, n := range names {
		line(n, *families[n])
	}
	line("ALL", all)
	recall, precision, read := ratio(all.deadHit, all.hard), ratio(all.deadHit, all.deadMarked), ratio(all.recognised, all.recipients)
	t.Logf("against sisimai, %d files:\n%s\ndead address: recall %.3f, precision %.3f; recipients read %.3f; wrong-notice %d",
		len(byFile), table.String(), recall, precision, read, all.wrongNotice)
	// What the parser reaches today; raise as it improves, never lower.
	if recall < minRecall || precision < minPrecision || read < minRead || all.wrongNotice > maxWrongNotice {
		t.Errorf("recall %.3f (want ≥ %.2f), precision %.3f (want ≥ %.2f), recipients read %.3f (want ≥ %.2f), wrong notice %d (want ≤ %d)",
			recall, minRecall, precision, minPrecision, read, minRead, all.wrongNotice, maxWrongNotice)
	}
}

const (
	minRecall      = 0.91
	minPrecision   = 0.895
	minRead        = 0.97
	maxWrongNotice = 0
)

func bouncesOf(in notify.Inbound) []notify.Bounce {
	return in.Bounces
}
