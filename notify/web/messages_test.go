package web

import (
	"io/fs"
	"regexp"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/fieldcheck"
	"github.com/owabi/owabi/notify/wording"
	"github.com/owabi/owabi/templates"
)

// Every text a page asks for exists in every language: a missing one
// would show as a blank.
func TestEveryTextExistsInEveryLanguage(t *testing.T) {
	used := map[string]bool{}
	field := regexp.MustCompile(`(?:\.T|\$t|\$\.T)\.(\w+)`)
	said := regexp.MustCompile(`say \$\.Lang "(\w+)"`)
	files, _ := fs.Glob(templates.FS, "web/*.tmpl")
	for _, f := range files {
		b, _ := fs.ReadFile(templates.FS, f)
		for _, m := range field.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		for _, m := range said.FindAllStringSubmatch(string(b), -1) {
			for _, lang := range wording.Languages {
				if !wording.Has(lang, m[1]) {
					t.Errorf("%s: %s says %q, which has no text", lang, f, m[1])
				}
			}
		}
	}
	// The codes pages look up with msg and index.
	for _, c := range notify.Categories {
		used[string(c)] = true
	}
	for _, o := range notify.CallOutcomes {
		used["outcome_"+string(o)] = true
	}
	for _, a := range []notify.Answer{notify.Yes, notify.No, notify.Unknown} {
		used["answer_"+string(a)] = true
	}
	for _, f := range notify.FollowUps {
		used["follow_up_"+string(f)] = true
	}
	for _, s := range notify.NoticeStates {
		used["state_"+string(s)] = true
	}
	for _, k := range notify.NoticeKinds {
		used["kind_"+string(k)] = true
	}
	for u := notify.AtRisk; u <= notify.Withheld; u++ {
		used["urgency_"+u.String()] = true
	}
	for _, q := range notify.Questions {
		used["q_"+string(q)] = true
	}
	for _, f := range fieldcheck.Fields {
		used["field_"+string(f)] = true
	}
	for _, p := range fieldcheck.Problems {
		used["left_out_"+string(p)] = true
	}
	if len(used) < 40 {
		t.Fatalf("found only %d texts in the templates; the pattern is broken", len(used))
	}
	for _, lang := range wording.Languages {
		for key := range used {
			if wording.Texts(lang)[key] == "" {
				t.Errorf("%s: no text for %q (a text that takes a count is written with say)", lang, key)
			}
		}
	}
}

func TestTelLinksDialTheNumberOnly(t *testing.T) {
	for in, want := range map[string]string{
		"03-1234-5678":         "tel:0312345678",
		"03-1234-5678 内線 12":   "tel:0312345678",
		"03-1234-5678（代表）":     "tel:0312345678",
		"０３－１２３４－５６７８":         "tel:0312345678",
		"+81 (0)3-1234-5678":   "tel:+81312345678",
		"090-1111-2222 / 03-1": "tel:09011112222",
		"03ー1234ー5678":         "tel:0312345678",
		"03‐1234‐5678":         "tel:0312345678",
		"03−1234−5678":         "tel:0312345678",
		"ext. 12":              "",
		"123":                  "",
	} {
		if got := string(telURL(in)); got != want {
			t.Errorf("telURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// The page language follows the browser's preferences, weights and
// regions included; Japanese for anything else.
func TestThePageLanguageIsNegotiated(t *testing.T) {
	for accept, want := range map[string]string{
		"":                          "ja",
		"en":                        "en",
		"en-GB,en;q=0.9,ja;q=0.5":   "en",
		"ja;q=0.5, en-US;q=0.9":     "en", // the weights, not the order
		"ja-JP":                     "ja",
		"fr-FR,de;q=0.8":            "ja",
		"fr-FR,en;q=0.5":            "en",
		"zh-TW,ja;q=0.7,en;q=0.3":   "ja",
		"this is not a header;;;,,": "ja",
	} {
		if got := negotiate(accept); got != want {
			t.Errorf("Accept-Language %q: %s, want %s", accept, got, want)
		}
	}
}
