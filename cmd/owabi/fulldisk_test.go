package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer/smtptest"
)

// smallDisk mounts a file system of size of its own at a new folder, for
// a database on a disk that fills. It needs root (CI runs as root), and
// the test is skipped, saying why, where mounting is not allowed.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "owabi-test", dir).CombinedOutput(); err != nil {
		t.Skipf("SKIPPED: the full-disk test mounts a small file system, which needs root: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "--lazy", dir).Run() })
	return dir
}

// fillDisk writes a file in dir until the disk holding it is full, and
// returns a function that deletes it again.
func fillDisk(t *testing.T, dir string) (free func()) {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, size := range []int{1 << 20, 4096, 1} {
		buf := make([]byte, size)
		for {
			if _, err := f.Write(buf); errors.Is(err, syscall.ENOSPC) {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
	}
	return func() {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
	}
}

// fetch sends a request of the signed-in member of staff, and returns
// the status and the page (a redirect is not followed).
func (s *webSession) fetch(t *testing.T, path string, form url.Values) (int, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if form == nil {
		resp, err = s.c.Get(s.base + path)
	} else {
		resp, err = s.c.PostForm(s.base+path, form)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The database's disk fills while the daemon sends: the answer to the
// message in hand waits to be recorded and nothing more goes out; the web
// app serves on, says so on every page, and keeps a call that cannot be
// saved on its form; once space is freed, sending resumes by itself and
// every person gets their notice exactly once.
func TestAFullDiskStopsSendingKeepsTheAppAndResumes(t *testing.T) {
	disk := smallDisk(t, "8m")
	env := map[string]string{"OWABI_STORE_PATH": filepath.Join(disk, "owabi.db")}
	srv := smtptest.New(t)
	arrived, release := holdMessage(srv, 100)
	cfg := setup(t, srv)
	mustOwabi(t, env, "--config", cfg, "import", sampleBook)
	mustOwabi(t, env, "--config", cfg, "classify")
	mustOwabi(t, env, "--config", cfg, "send", "--kind", "deletion")
	owabiWithInput(t, env, "correct horse battery\n", "--config", cfg, "user", "add", "--role", "manager", "--password-stdin", "kanri")

	d := startServe(t, cfg, "OWABI_STORE_PATH="+env["OWABI_STORE_PATH"])
	waitFor(t, d.stderr.appears("the web app is serving"), "the web app")
	manager := signInTo(t, d, "kanri", "correct horse battery")
	waitFor(t, arrived, "the 100th message")
	full := d.stderr.appears("the disk is full: sending has stopped")
	free := fillDisk(t, disk)
	release <- nil // the server accepts message 100, which cannot be recorded
	waitFor(t, full, "the daemon to say the disk is full")

	_, list := manager.fetch(t, "/contacts", nil)
	contact := regexp.MustCompile(`href="(/contacts/\d+)"`).FindStringSubmatch(list)
	if contact == nil || !strings.Contains(list, "ディスクの空きがありません") {
		t.Fatalf("the contact list on a full disk lacks its banner or a contact:\n%s", list)
	}
	code, page := manager.fetch(t, contact[1], nil)
	if code != http.StatusOK || !strings.Contains(page, "ディスクの空きがありません") {
		t.Errorf("a contact's page on a full disk: %d\n%s", code, page)
	}
	call := url.Values{"csrf": {manager.csrf}, "once": {regexp.MustCompile(`name="once" value="([^"]+)"`).FindStringSubmatch(page)[1]},
		"outcome": {"no_answer"}, "follow_up": {""}, "follow_up_result": {""}, "note": {"夕方にもう一度"}}
	code, page = manager.fetch(t, contact[1]+"/calls", call)
	if code != http.StatusServiceUnavailable || !strings.Contains(page, "ディスクがいっぱいのため保存できませんでした") || !strings.Contains(page, "夕方にもう一度</textarea>") {
		t.Errorf("a call on a full disk: %d\n%s", code, page)
	}
	if code, body := manager.fetch(t, "/healthz", nil); code != http.StatusServiceUnavailable || !strings.Contains(body, "disk") {
		t.Errorf("/healthz on a full disk: %d %s", code, body)
	}
	if _, body := manager.fetch(t, "/metrics", nil); !strings.Contains(body, "owabi_disk_full 1") {
		t.Errorf("/metrics on a full disk:\n%s", body)
	}
	if n := srv.Count(); n != 100 {
		t.Errorf("the server holds %d messages while the disk is full; want the 100 sent before it filled", n)
	}

	free()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if !srv.Wait(ctx, 258) {
		t.Fatalf("after space was freed the daemon sent %d of 258\n%s", srv.Count(), d.stderr.String())
	}
	if code, page := manager.fetch(t, contact[1]+"/calls", call); code != http.StatusSeeOther {
		t.Errorf("the call saved again once space is back: %d\n%s", code, page)
	}
	if _, page := manager.fetch(t, contact[1], nil); strings.Contains(page, "ディスクの空きがありません") || !strings.Contains(page, "夕方にもう一度") {
		t.Errorf("once space is back the page still has the banner, or lacks the call:\n%s", page)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	if err := d.cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v\n%s", err, d.stderr.String())
	}
	checkEachOnce(t, srv.Messages(), expectedAddresses(t))
	if st := statusJSON(t, env, "--config", cfg); st.Notices[notify.Sent] != 258 {
		t.Errorf("after the disk was freed: %v; want all 258 sent", st.Notices)
	}
}
