package wording_test

import (
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

func TestEveryFileLeftIsSaidInEachLanguage(t *testing.T) {
	at := time.Date(2026, 12, 1, 0, 30, 0, 0, time.UTC)
	tokyo := time.FixedZone("JST", 9*3600)
	for _, tt := range []struct {
		lang, want string
	}{
		{"ja", "デモが受け取ったメール 258 通（.eml ファイル）/srv/owabi-demo/mail（2026-12-01 09:30、cli）"},
		{"en", "258 mails the demo captured (.eml files) in /srv/owabi-demo/mail (2026-12-01 09:30, cli)"},
	} {
		if got := wording.File(tt.lang, notify.WrittenFile{Kind: notify.FileCaptures, Path: "/srv/owabi-demo/mail", Files: 258, Actor: "cli", At: at}, tokyo); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.lang, got, tt.want)
		}
		for _, k := range notify.FileKinds {
			for _, path := range []string{"/srv/x", ""} {
				got := wording.File(tt.lang, notify.WrittenFile{Kind: k, Path: path, Actor: "kanri", At: at}, tokyo)
				if strings.Contains(got, "%!") || !strings.Contains(got, "kanri") || !strings.Contains(got, path) || len(got) < 20 {
					t.Errorf("%s, %s at %q: %q", tt.lang, k, path, got)
				}
			}
		}
		left := []notify.WrittenFile{{Kind: notify.FileBackup, Path: "/srv/x"}}
		if s := wording.FilesLeft(tt.lang, left); !strings.Contains(s, "owabi purge --files") {
			t.Errorf("%s: %q does not say how to delete them", tt.lang, s)
		}
		if wording.FilesLeft(tt.lang, nil) == wording.FilesLeft(tt.lang, left) || wording.FilesOthers(tt.lang) == "" {
			t.Errorf("%s: no words for none left, or for the other copies", tt.lang)
		}
	}
}
