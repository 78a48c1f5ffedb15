package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer/smtptest"
	"github.com/owabi/owabi/templates"
)

func TestTemplatesCheck(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	mustOwabi(t, nil, "--config", cfg, "import", sampleBook)
	for _, env := range []map[string]string{nil, {"OWABI_INCIDENT_GDPR": "true"}} {
		out := mustOwabi(t, env, "--config", cfg, "templates", "check")
		if ok := regexp.MustCompile(`(?m)^[a-z]{2}/\S+\.tmpl +ok$`).FindAllString(out, -1); len(ok) != 8 || strings.Contains(out, "LACKS") {
			t.Errorf("the bundled templates (env %v): %d ok\n%s", env, len(ok), out)
		}
		if gdpr := strings.Contains(out, "GDPR Art. 34(2)."); gdpr != (env != nil) {
			t.Errorf("GDPR checked: %v, want %v\n%s", gdpr, env != nil, out)
		}
	}

	// A record without its cause: the templates are fine, the notices
	// cannot tell it yet.
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	noCauseCfg := filepath.Join(filepath.Dir(cfg), "no-cause.toml")
	if err := os.WriteFile(noCauseCfg, regexp.MustCompile(`(?m)^cause = .*$`).ReplaceAll(b, []byte(`cause = ""`)), 0o600); err != nil {
		t.Fatal(err)
	}
	out := mustOwabi(t, nil, "--config", noCauseCfg, "templates", "check")
	if n := strings.Count(out, "the incident record leaves empty, so the notice cannot tell yet: the cause (原因)\n"); n != 8 {
		t.Errorf("%d templates warn of the empty cause, want all 8\n%s", n, out)
	}

	// An override of the Japanese apology without its cause.
	dir := t.TempDir()
	b, err = templates.FS.ReadFile("mail/ja/apology.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	noCause := regexp.MustCompile(`■ 原因\n.*\n\n`).ReplaceAll(b, nil)
	if len(noCause) == len(b) {
		t.Fatal("the built-in apology has no cause section to take out")
	}
	file := filepath.Join(dir, "mail", "ja", "apology.tmpl")
	os.MkdirAll(filepath.Dir(file), 0o700)
	if err := os.WriteFile(file, noCause, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := owabi(t, map[string]string{"OWABI_TEMPLATES_DIR": dir}, "--config", cfg, "templates", "check")
	if code != 1 || !strings.Contains(out, "ja/apology.tmpl            LACKS the cause (原因)\n") || !strings.Contains(out, "read from "+file) ||
		!strings.Contains(errOut, "1 of the 8 notice templates lacks what the law asks") {
		t.Errorf("an apology without the cause: exit %d\n%s%s", code, out, errOut)
	}
	if n := strings.Count(out, "LACKS"); n != 1 {
		t.Errorf("%d templates lack items, want only the override\n%s", n, out)
	}

	for _, args := range [][]string{{"templates"}, {"templates", "lint"}, {"templates", "check", "extra"}} {
		if code, _, _ := owabi(t, nil, append([]string{"--config", cfg}, args...)...); code != 2 {
			t.Errorf("owabi %v: exit %d, want 2", args, code)
		}
	}
}

// The items a template lacks are named once each, in English with the
// law's Japanese: a GDPR item says GDPR once.
func TestItemNames(t *testing.T) {
	got := itemNames([]notify.NoticeItem{notify.ItemCause, notify.ItemGDPRContact})
	if want := "the cause (原因); GDPR: the contact point (GDPR：連絡窓口)"; got != want {
		t.Errorf("itemNames: %q, want %q", got, want)
	}
}
