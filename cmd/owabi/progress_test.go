package main

import (
	"bytes"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	got := progressLine(52, 100, 123456, 2*time.Second)
	if want := "[##########..........]  52%  123,456 entries  61,728/s"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestNoProgressOffTerminal(t *testing.T) {
	var buf bytes.Buffer
	if p := newProgress(&buf, 100); p != nil {
		t.Error("a progress bar for output that is not a terminal")
	}
}
