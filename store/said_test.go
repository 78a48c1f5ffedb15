package store_test

import (
	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// english is what s says in English, for a test to compare.
func english(s notify.Said) string { return wording.English(s) }
