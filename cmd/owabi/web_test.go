package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/owabi/owabi/notify/mailer/smtptest"
)

func TestUserCommands(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	if code, _, errOut := owabiWithInput(t, nil, "short\n", "--config", cfg, "user", "add", "--role", "manager", "--password-stdin", "kanri"); code != 1 || !strings.Contains(errOut, "at least 10 characters") {
		t.Errorf("a short password: exit %d, %s", code, errOut)
	}
	if code, _, errOut := owabi(t, nil, "--config", cfg, "user", "add", "--role", "boss", "kanri"); code != 2 || !strings.Contains(errOut, "--role must be manager or sales") {
		t.Errorf("a wrong role: exit %d, %s", code, errOut)
	}
	if code, _, errOut := owabi(t, nil, "--config", cfg, "user", "add", "--role", "sales", "suzuki"); code != 2 || !strings.Contains(errOut, "--password-stdin") {
		t.Errorf("no terminal and no --password-stdin: exit %d, %s", code, errOut)
	}
	code, out, errOut := owabiWithInput(t, nil, "correct horse battery\n", "--config", cfg, "user", "add", "--role", "sales",
		"--email", "Suzuki@Sakura-Print.example.jp", "--password-stdin", "suzuki")
	if code != 0 || !strings.Contains(out, "Added suzuki (sales)") {
		t.Fatalf("user add: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := owabiWithInput(t, nil, "correct horse battery\n", "--config", cfg, "user", "add", "--role", "sales", "--password-stdin", "SUZUKI"); code != 1 || !strings.Contains(errOut, "already a user called SUZUKI") {
		t.Errorf("a taken name in other case: exit %d, %s", code, errOut)
	}
	if code, out, errOut := owabiWithInput(t, nil, "another horse battery\n", "--config", cfg, "user", "password", "--password-stdin", "suzuki"); code != 0 || !strings.Contains(out, "new password for suzuki") {
		t.Errorf("user password: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := owabiWithInput(t, nil, strings.Repeat("長", 25)+"\n", "--config", cfg, "user", "password", "--password-stdin", "suzuki"); code != 1 || !strings.Contains(errOut, "too long") {
		t.Errorf("a 75-byte password: exit %d, %s", code, errOut)
	}
	if out := mustOwabi(t, nil, "--config", cfg, "user", "access", "suzuki", "all"); !strings.Contains(out, "suzuki now sees and calls every contact") {
		t.Errorf("user access:\n%s", out)
	}
	if out := mustOwabi(t, nil, "--config", cfg, "user", "list"); !regexp.MustCompile(`suzuki\s+sales\s+active\s+all`).MatchString(out) {
		t.Errorf("user list after access all:\n%s", out)
	}
	if code, _, errOut := owabi(t, nil, "--config", cfg, "user", "access", "suzuki", "everything"); code != 2 || !strings.Contains(errOut, "say own") {
		t.Errorf("a wrong access: exit %d, %s", code, errOut)
	}
	mustOwabi(t, nil, "--config", cfg, "user", "disable", "suzuki")
	out = mustOwabi(t, nil, "--config", cfg, "user", "list")
	if !strings.Contains(out, "suzuki") || !strings.Contains(out, "disabled") || !strings.Contains(out, "Suzuki@sakura-print.example.jp") {
		t.Errorf("user list:\n%s", out)
	}
}

var servingURL = regexp.MustCompile(`the web app is serving" url=(\S+)`)

// The daemon serves the web app beside the sender: a manager signs in and
// the dashboard shows the book's categories; SIGTERM stops both.
func TestServeServesTheWebApp(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	mustOwabi(t, nil, "--config", cfg, "import", sampleBook)
	owabiWithInput(t, nil, "correct horse battery\n", "--config", cfg, "user", "add", "--role", "manager", "--password-stdin", "kanri")
	d := startServe(t, cfg)
	waitFor(t, d.stderr.appears("the web app is serving"), "the web app")
	base := servedAt(t, d)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	body := func(resp *http.Response, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	login := body(c.Get(base + "/login"))
	token := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(login)
	if token == nil {
		t.Fatalf("sign-in page:\n%s", login)
	}
	page := body(c.PostForm(base+"/login", url.Values{"csrf": {token[1]}, "name": {"kanri"}, "password": {"correct horse battery"}}))
	if !strings.Contains(page, `<tr data-category="customer"><th>顧客</th><td data-label="連絡先">168</td>`) {
		t.Errorf("the dashboard after sign-in lacks the 168 customers:\n%s", page)
	}
	// The notice contents page checks the templates the daemon sends from.
	if page := body(c.Get(base + "/templates")); !strings.Contains(page, "すべてのテンプレートに、法令が求める事項が書かれています。") ||
		!strings.Contains(page, `<tr data-template="en/apology_employee.tmpl">`) {
		t.Errorf("the notice contents page:\n%s", page)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	if err := d.cmd.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v\n%s", err, d.stderr.String())
	}
}
