package addrbook_test

import (
	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
	"github.com/owabi/owabi/notify/wording"
)

// english is what s says in English, for a test to compare.
func english(s notify.Said) string { return wording.English(s) }

// englishAll is each of list in English.
func englishAll(list []notify.Said) []string {
	var out []string
	for _, s := range list {
		out = append(out, english(s))
	}
	return out
}

// rejected is a RowError with its reason in English.
type rejected struct {
	Number, Line int
	Reason       string
}

func rejections(bad []*addrbook.RowError) []rejected {
	var out []rejected
	for _, e := range bad {
		out = append(out, rejected{e.Number, e.Line, english(e.Reason)})
	}
	return out
}
