package main

// Issue 12's figures, measured the same way on any version of owabi
// (copy this file into an older checkout to measure it there). They are
// measurements, not tests: they log what happened and pass either way.
//
//	OWABI_MEASURE=1 go test -count=1 -run Measure12 -v ./cmd/owabi

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
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

func measuring(t *testing.T) {
	if os.Getenv("OWABI_MEASURE") == "" {
		t.Skip("a measurement: OWABI_MEASURE=1 go test -count=1 -run Measure12 -v ./cmd/owabi")
	}
}

func m12Book(t *testing.T, n int) string {
	var book strings.Builder
	book.WriteString("First Name,Last Name,E-mail 1 - Value\n")
	for i := range n {
		fmt.Fprintf(&book, "%d,人,p%d@x%d.example\n", i, i, i%40)
	}
	path := filepath.Join(t.TempDir(), "book.csv")
	os.WriteFile(path, []byte(book.String()), 0o600)
	return path
}

// m12Settle waits until nothing is queued or sending, or a minute passes.
func m12Settle(t *testing.T, env map[string]string, cfg string) notify.Status {
	deadline := time.Now().Add(time.Minute)
	for {
		st := statusJSON(t, env, "--config", cfg)
		if st.Notices[notify.Queued]+st.Notices[notify.Sending] == 0 || time.Now().After(deadline) {
			return st
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func m12Copies(msgs []smtptest.Message) (addresses, extra int) {
	seen := map[string]int{}
	for _, m := range msgs {
		seen[strings.ToLower(m.To[0])]++
	}
	return len(seen), len(msgs) - len(seen)
}

func TestMeasure12CrashLoop(t *testing.T) {
	measuring(t)
	const n, crashes = 1000, 8
	srv := smtptest.New(t)
	var mu sync.Mutex
	seen := map[string]bool{}
	rcpts := make(chan struct{}, 1<<16)
	srv.OnRcpt = func(to string) error {
		select {
		case rcpts <- struct{}{}:
		default:
		}
		mu.Lock()
		defer mu.Unlock()
		if to = strings.ToLower(to); !seen[to] {
			seen[to] = true
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Greylisted"}
		}
		return nil
	}
	cfg := setup(t, srv)
	mustOwabi(t, nil, "--config", cfg, "import", m12Book(t, n))
	mustOwabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--allow-unclassified")
	// The defaults but for the waits: 2 connections, max_attempts 8.
	env := []string{"OWABI_SMTP_CONNECTIONS=2", "OWABI_SMTP_RETRY_BASE=20ms", "OWABI_SMTP_RETRY_MAX=100ms", "OWABI_SMTP_POLL=20ms"}
	rng := rand.New(rand.NewPCG(12, 1))
	for range crashes {
		for len(rcpts) > 0 {
			<-rcpts
		}
		d := startServe(t, cfg, env...)
		for range 1 + rng.IntN(8) { // it dies soon after it starts
			<-rcpts
		}
		d.cmd.Process.Kill()
		d.cmd.Wait()
	}
	d := startServe(t, cfg, env...)
	st := m12Settle(t, nil, cfg)
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.cmd.Wait()
	addresses, extra := m12Copies(srv.Messages())
	t.Logf("FIGURE crash loop (%d kills soon after each start, greylisting, 2 connections, max_attempts 8): %d of %d failed, %d people got nothing, %d got a copy (%d extra copies)",
		crashes, st.Notices[notify.Failed], n, n-addresses, addresses, extra)
}

func TestMeasure12SecondDaemonThroughALink(t *testing.T) {
	measuring(t)
	srv := smtptest.New(t)
	arrived, release := holdMessage(srv, 50)
	cfg := setup(t, srv)
	queueSample(t, cfg)
	db := filepath.Join(filepath.Dir(cfg), "owabi.db")
	link := filepath.Join(t.TempDir(), "owabi.db")
	os.Symlink(db, link)
	first := startServe(t, cfg)
	waitFor(t, arrived, "the 50th message")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	second := exec.CommandContext(ctx, owabiBinary(t), "--config", cfg, "--db", link, "serve")
	second.Env = append(os.Environ(), "OWABI_WEB_ADDR=127.0.0.1:0", "OWABI_SMTP_CONNECTIONS=1")
	var out strings.Builder
	second.Stderr = &out
	second.Start()
	exited := make(chan error, 1)
	go func() { exited <- second.Wait() }()
	refused := false
	select {
	case <-exited:
		refused = strings.Contains(out.String(), "another owabi process is already sending")
	case <-time.After(5 * time.Second): // it serves on: it took a lock of its own
	}
	release <- nil
	srv.Wait(ctx, 258)
	m12Settle(t, nil, cfg)
	first.cmd.Process.Signal(syscall.SIGTERM)
	first.cmd.Wait()
	second.Process.Signal(syscall.SIGTERM)
	addresses, extra := m12Copies(srv.Messages())
	t.Logf("FIGURE second daemon through a link: refused %v; %d addresses got a notice, %d extra copies", refused, addresses, extra)
}

func TestMeasure12FullDisk(t *testing.T) {
	measuring(t)
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "m12", dir).CombinedOutput(); err != nil {
		t.Skip(err, string(out))
	}
	t.Cleanup(func() { exec.Command("umount", "--lazy", dir).Run() })
	env := map[string]string{"OWABI_STORE_PATH": filepath.Join(dir, "owabi.db")}
	srv := smtptest.New(t)
	arrived, release := holdMessage(srv, 100)
	cfg := setup(t, srv)
	mustOwabi(t, env, "--config", cfg, "import", sampleBook)
	mustOwabi(t, env, "--config", cfg, "classify")
	mustOwabi(t, env, "--config", cfg, "send", "--kind", "deletion")
	d := startServe(t, cfg, "OWABI_STORE_PATH="+env["OWABI_STORE_PATH"])
	waitFor(t, arrived, "the 100th message")
	filler, _ := os.Create(filepath.Join(dir, "filler"))
	for _, size := range []int{1 << 20, 4096, 1} {
		buf := make([]byte, size)
		for {
			if _, err := filler.Write(buf); errors.Is(err, syscall.ENOSPC) {
				break
			}
		}
	}
	filler.Close()
	release <- nil
	exited := make(chan error, 1)
	go func() { exited <- d.cmd.Wait() }()
	stayedUp := true
	select {
	case <-exited:
		stayedUp = false
	case <-time.After(10 * time.Second):
	}
	sentWhileFull := srv.Count() - 100
	os.Remove(filepath.Join(dir, "filler"))
	if !stayedUp {
		d = startServe(t, cfg, "OWABI_STORE_PATH="+env["OWABI_STORE_PATH"]) // as systemd would
		go func() { exited <- d.cmd.Wait() }()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv.Wait(ctx, 258)
	st := m12Settle(t, env, cfg)
	d.cmd.Process.Signal(syscall.SIGTERM)
	<-exited
	addresses, extra := m12Copies(srv.Messages())
	t.Logf("FIGURE full disk: the daemon stayed up %v; %d sent while full; after freeing: %d sent, %d addresses got a notice, %d extra copies",
		stayedUp, sentWhileFull, st.Notices[notify.Sent], addresses, extra)
}
