package wording_test

import (
	"strings"
	"testing"

	"github.com/owabi/owabi/notify/wording"
)

func TestNumbersAreWrittenWithCommas(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 100_000: "100,000",
		1_000_000: "1,000,000", 1234567: "1,234,567", -1234: "-1,234", -100: "-100"} {
		if got := wording.Number(n); got != want {
			t.Errorf("Number(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestALongNoteIsShownShort(t *testing.T) {
	long := strings.Repeat("電話", 1000)
	for note, want := range map[string]string{
		"no e-mail address":                     "no e-mail address",
		strings.Repeat("x", wording.MaxShown):   strings.Repeat("x", wording.MaxShown),
		strings.Repeat("x", wording.MaxShown+1): strings.Repeat("x", wording.MaxShown) + "…",
		long:                                    long[:wording.MaxShown*len("電")] + "…", // characters, not bytes
	} {
		if got := wording.Short(note); got != want {
			t.Errorf("Short(%.20q…) = %.20q… (%d bytes), want %d bytes", note, got, len(got), len(want))
		}
	}
}
