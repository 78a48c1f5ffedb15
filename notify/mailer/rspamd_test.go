package mailer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// rspamdFaults are rspamd's symbols for a mail written wrong: its headers
// (a field folded right after its name, an address or encoded word that
// breaks the rules, a missing or doubled field) or its MIME structure.
var rspamdFaults = []string{"HEADER_", "MIME_BAD", "MIME_HEADER_", "R_BAD_CTE", "BROKEN_", "MISSING_", "MULTIPLE_",
	"INVALID_", "FROM_EXCESS", "TO_EXCESS", "SUBJ_EXCESS", "R_MIXED_CHARSET", "FROM_NEQ_ENVFROM", "CTE_CASE", "MV_CASE",
	"BAD_REP_POLICIES"}

// rspamdSetting are rspamd's symbols about where a test mail comes from,
// not what it says: offline, with no DNS, the relay's name, SPF, DKIM and
// DMARC cannot be looked up; and the notices are dated the day they were
// written for the test.
var rspamdSetting = []string{"HFILTER_", "AUTH_NA", "R_SPF_", "R_DKIM_", "DMARC_", "ARC_", "RCVD_", "DATE_IN_PAST"}

// Every bundled notice goes through rspamd 3 (Debian's, offline: no
// network, no learned data), as a relay hands it over: no symbol says the
// mail is written wrong (HEADER_FROM_EMPTY_DELIMITER scored every notice
// go-mail wrote), and what it says scores at most 0.2 (base64 text, which
// Japanese needs: MIME_BASE64_TEXT 0.1).
func TestRspamdFindsNoFaultInAnyNotice(t *testing.T) {
	addr := startRspamd(t)
	for _, n := range everyNotice(t, newComposer(t)) {
		res := rspamc(t, addr, n.raw)
		var faults, scored []string
		score := 0.0
		for name, s := range res.Symbols {
			if hasAnyPrefix(name, rspamdSetting) || s.Score == 0 {
				continue
			}
			score += s.Score
			scored = append(scored, fmt.Sprintf("%s (%.2f)", name, s.Score))
			if hasAnyPrefix(name, rspamdFaults) {
				faults = append(faults, name)
			}
		}
		t.Logf("%s: %.2f %v", n.name, score, scored)
		if len(faults) > 0 || score > 0.2 {
			t.Errorf("%s: rspamd scores what the notice says %.2f: %v; faults %v", n.name, score, scored, faults)
		}
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// rspamdResult is what rspamc -j prints of a scan.
type rspamdResult struct {
	Action  string  `json:"action"`
	Score   float64 `json:"score"`
	Symbols map[string]struct {
		Score float64 `json:"score"`
	} `json:"symbols"`
}

// rspamc scans raw as if a relay had taken it from the organisation's
// mail server.
func rspamc(t *testing.T, addr string, raw []byte) rspamdResult {
	t.Helper()
	cmd := exec.Command("rspamc", "-h", addr, "-j", "--ip", "192.0.2.25", "--helo", "mail.sakura-print.example.jp",
		"--hostname", "mail.sakura-print.example.jp", "--from", "info@sakura-print.example.jp", "--rcpt", "taro@yamada.example")
	cmd.Stdin = bytes.NewReader(raw)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("rspamc: %v\n%s", err, out)
	}
	var res rspamdResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("rspamc printed %s: %v", out, err)
	}
	return res
}

// startRspamd runs rspamd in the foreground for the test, with Debian's
// rules and a configuration of the test's own (one scanner on a loopback
// port, nothing else listening, logs to the console), and returns the
// scanner's address once it answers.
func startRspamd(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("rspamd"); err != nil {
		t.Skip("SKIPPING the rspamd check: rspamd is not installed (apt-get install rspamd)")
	}
	if _, err := os.Stat("/etc/rspamd/rspamd.conf"); err != nil {
		t.Skip("SKIPPING the rspamd check: no /etc/rspamd/rspamd.conf")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	for name, conf := range map[string]string{
		"worker-normal.inc":     fmt.Sprintf("bind_socket = %q;\ncount = 1;\n", addr),
		"worker-controller.inc": "enabled = false;\n",
		"worker-proxy.inc":      "enabled = false;\n",
		"worker-fuzzy.inc":      "enabled = false;\n",
		"logging.inc":           "type = \"console\";\nlevel = \"error\";\n",
		"options.inc":           "dns { timeout = 0.1s; retransmits = 0; }\n",
	} {
		if err := os.MkdirAll(filepath.Join(dir, "local.d"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "local.d", name), []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	group, err := user.LookupGroupId(me.Gid)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "rspamd", "-f", "-i", "-u", me.Username, "-g", group.Name, "-c", "/etc/rspamd/rspamd.conf",
		"--var", "LOCAL_CONFDIR="+dir, "--var", "RUNDIR="+dir, "--var", "DBDIR="+dir, "--var", "LOGDIR="+dir)
	// Its workers are its children: stop them all, and do not wait for
	// the output they would hold open.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cancel()
		<-exited
	})
	deadline := time.Now().Add(90 * time.Second)
	for {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr
		}
		select {
		case <-exited:
			t.Fatalf("rspamd stopped:\n%s", log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("rspamd did not start on %s:\n%s", addr, log.String())
		}
		time.Sleep(100 * time.Millisecond) // polling a port that is not open yet: nothing to wait on
	}
}

// syncBuffer is a buffer that rspamd's output goroutine writes while the
// test may read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
