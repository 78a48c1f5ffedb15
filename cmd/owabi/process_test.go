package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer/smtptest"
)

// These tests run the real binary, because what they check — a kill, a
// signal — happens to a process.

var binary struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary.path != "" {
		os.RemoveAll(filepath.Dir(binary.path))
	}
	os.Exit(code)
}

func owabiBinary(t testing.TB) string {
	t.Helper()
	binary.once.Do(func() {
		dir, err := os.MkdirTemp("", "owabi-test-bin")
		if err != nil {
			binary.err = err
			return
		}
		binary.path = filepath.Join(dir, "owabi")
		binary.out, binary.err = exec.Command("go", "build", "-o", binary.path, ".").CombinedOutput()
	})
	if binary.err != nil {
		t.Fatalf("build owabi: %v\n%s", binary.err, binary.out)
	}
	return binary.path
}

// daemon is an "owabi serve" process.
type daemon struct {
	cmd    *exec.Cmd
	stderr watchedBuffer
}

// watchedBuffer collects a process's output and tells when a text appears.
type watchedBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	watch string
	seen  chan struct{}
}

func (w *watchedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.seen != nil && strings.Contains(w.buf.String(), w.watch) {
		close(w.seen)
		w.seen = nil
	}
	return len(p), nil
}

func (w *watchedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// appears returns a channel closed once text has been written.
func (w *watchedBuffer) appears(text string) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := make(chan struct{})
	if strings.Contains(w.buf.String(), text) {
		close(ch)
		return ch
	}
	w.watch, w.seen = text, ch
	return ch
}

func startServe(t *testing.T, cfg string, env ...string) *daemon {
	t.Helper()
	return startServeBinary(t, owabiBinary(t), cfg, env...)
}

// startServeBinary starts "owabi serve" from the binary bin.
func startServeBinary(t testing.TB, bin, cfg string, env ...string) *daemon {
	t.Helper()
	d := &daemon{cmd: exec.Command(bin, "--config", cfg, "serve")}
	// One connection unless the test says otherwise, so that exactly one
	// message is in flight at a kill.
	d.cmd.Env = append(append(os.Environ(), "OWABI_SMTP_CONNECTIONS=1", "OWABI_LOG_LEVEL=info"), env...)
	d.cmd.Stderr = &d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.cmd.Process.Kill(); d.cmd.Wait() })
	return d
}

// holdMessage makes the server stop at its nth message until released,
// and says when the message has arrived.
func holdMessage(srv *smtptest.Server, n int) (arrived chan struct{}, release chan error) {
	arrived, release = make(chan struct{}), make(chan error)
	srv.OnData = func(i int, _ smtptest.Message) error {
		if i != n {
			return nil
		}
		close(arrived)
		return <-release
	}
	return arrived, release
}

func waitFor(t testing.TB, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(2 * time.Minute):
		t.Fatalf("timed out waiting for %s", what)
	}
}

func queueSample(t *testing.T, cfg string) {
	t.Helper()
	mustOwabi(t, nil, "--config", cfg, "import", sampleBook)
	mustOwabi(t, nil, "--config", cfg, "classify")
	mustOwabi(t, nil, "--config", cfg, "send", "--kind", "deletion")
}

func TestKillMidSendLosesNothingAndSendsNothingTwice(t *testing.T) {
	srv := smtptest.New(t)
	arrived, release := holdMessage(srv, 100)
	cfg := setup(t, srv)
	queueSample(t, cfg)

	first := startServe(t, cfg)
	waitFor(t, arrived, "the 100th message")
	first.cmd.Process.Kill() // mid-DATA: the server has not answered yet
	first.cmd.Wait()
	release <- errors.New("the client is gone") // so the server never accepts message 100

	st := statusJSON(t, nil, "--config", cfg)
	if st.Notices[notify.Sent] != 99 || st.Notices[notify.Sending] == 0 {
		t.Fatalf("after the kill: %v; want 99 sent and the message in hand still 'sending'", st.Notices)
	}
	second := startServe(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if !srv.Wait(ctx, 258) {
		t.Fatalf("the restarted daemon delivered %d of 258\n%s", srv.Count(), second.stderr.String())
	}
	second.cmd.Process.Signal(syscall.SIGTERM)
	if err := second.cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v\n%s", err, second.stderr.String())
	}
	checkEachOnce(t, srv.Messages(), expectedAddresses(t))
	st = statusJSON(t, nil, "--config", cfg)
	if st.Notices[notify.Sent] != 258 || st.Notices[notify.Sending] != 0 {
		t.Errorf("after the restart: %v; want all 258 sent", st.Notices)
	}
	if !strings.Contains(second.stderr.String(), "requeued notices a stopped sender left in flight") {
		t.Errorf("the restart did not say it requeued the notices in flight:\n%s", second.stderr.String())
	}
}

func TestSIGTERMFinishesTheMessageInHand(t *testing.T) {
	srv := smtptest.New(t)
	arrived, release := holdMessage(srv, 50)
	cfg := setup(t, srv)
	queueSample(t, cfg)

	d := startServe(t, cfg)
	waitFor(t, arrived, "the 50th message")
	stopping := d.stderr.appears("stopping after the message in hand")
	d.cmd.Process.Signal(syscall.SIGTERM)
	waitFor(t, stopping, "the daemon to take the signal")
	release <- nil // the server accepts message 50 after the signal
	if err := d.cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v\n%s", err, d.stderr.String())
	}
	// The other connection may have had a message in hand too: each one
	// the server took is recorded sent, the rest wait.
	st := statusJSON(t, nil, "--config", cfg)
	if sent := st.Notices[notify.Sent]; sent < 50 || sent != srv.Count() || st.Notices[notify.Sending] != 0 || sent+st.Notices[notify.Queued] != 258 {
		t.Errorf("after SIGTERM: %v, server holds %d; want at least 50 sent, each the server holds (the one in hand recorded), the rest queued, none half-recorded",
			st.Notices, srv.Count())
	}
	// The log at the default level names no person and no address.
	if log := d.stderr.String(); strings.Contains(log, "@") || strings.Contains(log, "様") {
		t.Errorf("the log carries personal data:\n%s", log)
	}
}

// A second daemon, or a restore, that reaches the database through a link
// (to the file, or to its folder) finds it as locked as by its own path:
// the first daemon's notices in flight are not requeued and sent again.
func TestASecondDaemonThroughALinkIsRefused(t *testing.T) {
	srv := smtptest.New(t)
	arrived, release := holdMessage(srv, 50)
	cfg := setup(t, srv)
	queueSample(t, cfg)
	db := filepath.Join(filepath.Dir(cfg), "owabi.db")
	links := t.TempDir()
	fileLink, dirLink := filepath.Join(links, "owabi.db"), filepath.Join(links, "data")
	if err := errors.Join(os.Symlink(db, fileLink), os.Symlink(filepath.Dir(cfg), dirLink)); err != nil {
		t.Fatal(err)
	}
	first := startServe(t, cfg)
	waitFor(t, arrived, "the 50th message") // the first daemon has notices in flight
	for _, path := range []string{fileLink, filepath.Join(dirLink, "owabi.db")} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a daemon that was let in serves on
		second := exec.CommandContext(ctx, owabiBinary(t), "--config", cfg, "--db", path, "serve")
		second.Env = append(os.Environ(), "OWABI_WEB_ADDR=127.0.0.1:0")
		out, err := second.CombinedOutput()
		cancel()
		if err == nil || !strings.Contains(string(out), "another owabi process is already sending") {
			t.Errorf("a second daemon through %s: %v\n%s", path, err, out)
		}
		if code, _, errOut := owabi(t, nil, "--config", cfg, "--db", path, "restore", db); code == 0 || !strings.Contains(errOut, "stop owabi serve first") {
			t.Errorf("a restore through %s under the running daemon: exit %d, %s", path, code, errOut)
		}
	}
	release <- nil
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if !srv.Wait(ctx, 258) {
		t.Fatalf("the first daemon delivered %d of 258\n%s", srv.Count(), first.stderr.String())
	}
	first.cmd.Process.Signal(syscall.SIGTERM)
	first.cmd.Wait()
	checkEachOnce(t, srv.Messages(), expectedAddresses(t))
}

// receivedOnceOrTwiceAlike checks what the server received against what
// the database says was sent: every address got its notice; nothing is
// recorded as sent that the server does not have; and an address that got
// two copies got the same notice (the same Message-ID) twice: caught
// between the server's acceptance and the commit. It returns how many
// copies were extra.
func receivedOnceOrTwiceAlike(t *testing.T, cfg string, msgs []smtptest.Message, addresses int) (extra int) {
	t.Helper()
	ids := map[string][]string{} // address → the Message-IDs it received
	have := map[string]bool{}
	for _, m := range msgs {
		d, err := m.Decode()
		if err != nil {
			t.Fatal(err)
		}
		id := strings.Trim(d.Header.Get("Message-Id"), "<>")
		ids[strings.ToLower(m.To[0])] = append(ids[strings.ToLower(m.To[0])], id)
		have[id] = true
	}
	if len(ids) != addresses {
		t.Errorf("%d addresses received a notice, want %d", len(ids), addresses)
	}
	for addr, list := range ids {
		for _, id := range list[1:] {
			if id != list[0] {
				t.Errorf("%s received two different notices: %v", addr, list)
			}
		}
		extra += len(list) - 1
	}
	db, err := sql.Open("sqlite3", filepath.Join(filepath.Dir(cfg), "owabi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT message_id FROM notices WHERE state = 'sent'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	sent := 0
	for rows.Next() {
		var id string
		rows.Scan(&id)
		sent++
		if !have[id] {
			t.Errorf("notice %s is recorded as sent but the server never received it", id)
		}
	}
	if sent != addresses {
		t.Errorf("%d notices recorded as sent, want %d", sent, addresses)
	}
	return extra
}

// A daemon killed (SIGKILL) again and again while it sends 2,000 notices
// over two connections, at moments picked by a seeded random number of
// messages in, then restarted: in the end every address has its notice
// once, or twice alike when a kill fell between the server's acceptance
// and the commit, at most once per connection per kill.
func TestKilledAgainAndAgainWhileSending2000(t *testing.T) {
	const n, connections = 2000, 2
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	mustOwabi(t, nil, "--config", cfg, "import", writeNumberedBook(t, n))
	mustOwabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--allow-unclassified")
	rng := rand.New(rand.NewPCG(5, 26))
	kills := 0
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for target := 0; ; {
		target += 200 + rng.IntN(250)
		if target >= n-100 {
			break
		}
		d := startServe(t, cfg, fmt.Sprintf("OWABI_SMTP_CONNECTIONS=%d", connections))
		if !srv.Wait(ctx, target) {
			t.Fatalf("the daemon reached %d of %d messages\n%s", srv.Count(), target, d.stderr.String())
		}
		d.cmd.Process.Kill()
		d.cmd.Wait()
		kills++
	}
	// The last restart sends the rest, and stops when nothing is left.
	mustOwabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--allow-unclassified", "--wait")
	extra := receivedOnceOrTwiceAlike(t, cfg, srv.Messages(), n)
	if extra > kills*connections {
		t.Errorf("%d extra copies after %d kills of %d connections: more than one per connection per kill", extra, kills, connections)
	}
	t.Logf("%d kills, %d messages, %d extra copies (each the same notice twice)", kills, srv.Count(), extra)
}

// greylist makes srv refuse each address's first RCPT TO with a 451, as a
// greylisting server does, and accept it from then on; rcpts hears of
// every RCPT TO.
func greylist(srv *smtptest.Server) (rcpts <-chan struct{}) {
	var mu sync.Mutex
	seen := map[string]bool{}
	ch := make(chan struct{}, 1<<16)
	srv.OnRcpt = func(to string) error {
		select {
		case ch <- struct{}{}:
		default:
		}
		mu.Lock()
		defer mu.Unlock()
		if to = strings.ToLower(to); !seen[to] {
			seen[to] = true
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Greylisted, please try again later"}
		}
		return nil
	}
	return ch
}

// waitForEveryAddress waits until n addresses have a message each (a
// second copy to one of them does not count), and reports false if ctx
// ends first.
func waitForEveryAddress(ctx context.Context, srv *smtptest.Server, n int) bool {
	for {
		msgs := srv.Messages()
		seen := map[string]bool{}
		for _, m := range msgs {
			seen[strings.ToLower(m.To[0])] = true
		}
		if len(seen) >= n {
			return true
		}
		if !srv.Wait(ctx, len(msgs)+1) {
			return false
		}
	}
}

// writeNumberedBook writes a Google CSV of n people to a new file and returns its path.
func writeNumberedBook(t *testing.T, n int) string {
	t.Helper()
	var book strings.Builder
	book.WriteString("First Name,Last Name,E-mail 1 - Value\n")
	for i := range n {
		fmt.Fprintf(&book, "%d,人,p%d@x%d.example\n", i, i, i%40)
	}
	path := filepath.Join(t.TempDir(), "book.csv")
	if err := os.WriteFile(path, []byte(book.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A daemon in a crash loop — killed (SIGKILL) a few messages after each
// start, as when systemd restarts a daemon that keeps dying — while the
// mail server greylists every address once. The crashes cost no notice an
// attempt, so the one 451 each meets is retried, and in the end every
// person has their notice: none failed.
func TestACrashLoopWithAGreylistingServerDeliversEveryNotice(t *testing.T) {
	const n, crashes = 1000, 8
	srv := smtptest.New(t)
	rcpts := greylist(srv)
	cfg := setup(t, srv)
	mustOwabi(t, nil, "--config", cfg, "import", writeNumberedBook(t, n))
	mustOwabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--allow-unclassified")
	env := []string{"OWABI_SMTP_MAX_ATTEMPTS=3", "OWABI_SMTP_RETRY_BASE=20ms", "OWABI_SMTP_RETRY_MAX=100ms", "OWABI_SMTP_POLL=20ms"}
	rng := rand.New(rand.NewPCG(12, 1))
	for range crashes {
		for len(rcpts) > 0 {
			<-rcpts
		}
		d := startServe(t, cfg, env...)
		for range 1 + rng.IntN(40) {
			select {
			case <-rcpts:
			case <-time.After(time.Minute):
				t.Fatalf("the daemon sent nothing\n%s", d.stderr.String())
			}
		}
		d.cmd.Process.Kill()
		d.cmd.Wait()
	}
	d := startServe(t, cfg, env...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if !waitForEveryAddress(ctx, srv, n) {
		st := statusJSON(t, nil, "--config", cfg)
		t.Fatalf("after %d crashes the daemon delivered %d messages, not to each of %d: %v", crashes, srv.Count(), n, st.Notices)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	if err := d.cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v\n%s", err, d.stderr.String())
	}
	if st := statusJSON(t, nil, "--config", cfg); st.Notices[notify.Failed] != 0 || st.Notices[notify.Sent] != n {
		t.Errorf("after %d crashes: %v; want all %d sent, none failed", crashes, st.Notices, n)
	}
	receivedOnceOrTwiceAlike(t, cfg, srv.Messages(), n)
}

// The mail server goes down mid-run and comes back: the daemon says it
// cannot send, keeps the notices queued, and delivers every one once the
// server is back.
func TestTheMailServerGoesDownAndComesBack(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	queueSample(t, cfg)
	d := startServe(t, cfg, "OWABI_SMTP_RETRY_BASE=50ms", "OWABI_SMTP_RETRY_MAX=200ms", "OWABI_SMTP_POLL=50ms")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if !srv.Wait(ctx, 100) {
		t.Fatalf("the daemon sent %d of 100\n%s", srv.Count(), d.stderr.String())
	}
	cannot := d.stderr.appears("cannot send now; notices stay queued")
	srv.Down()
	waitFor(t, cannot, "the daemon to say it cannot send")
	if st := statusJSON(t, nil, "--config", cfg); st.Notices[notify.Failed] != 0 || st.Notices[notify.Sent] >= 258 {
		t.Errorf("while the server is down: %v; want none failed, some still to go", st.Notices)
	}
	if err := srv.Up(); err != nil {
		t.Fatal(err)
	}
	if !srv.Wait(ctx, 258) {
		t.Fatalf("after the server came back: %d of 258\n%s", srv.Count(), d.stderr.String())
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.cmd.Wait()
	mustOwabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--wait") // whatever the signal left
	receivedOnceOrTwiceAlike(t, cfg, srv.Messages(), 258)
}

// owabi serve says when nobody can sign in to the web app yet; a second
// one on the same port says that owabi is probably running already.
func TestServeSaysWhatStandsInTheWay(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	queueSample(t, cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	env := []string{fmt.Sprintf("OWABI_WEB_ADDR=127.0.0.1:%d", port)}
	code, _, errOut := owabi(t, map[string]string{"OWABI_WEB_ADDR": fmt.Sprintf("127.0.0.1:%d", port)}, "--config", cfg, "serve")
	if code == 0 || !strings.Contains(errOut, "owabi serve is probably running already") {
		t.Errorf("serve on a port in use: exit %d, %s", code, errOut)
	}
	ln.Close()
	d := startServe(t, cfg, env...)
	waitFor(t, d.stderr.appears(`nobody can sign in to the web app yet: add a manager with \"owabi user add --role manager NAME\"`), "the warning that nobody can sign in")
}
