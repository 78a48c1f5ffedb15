package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/owabi/owabi/notify/wording"
)

// progress draws a bar with entries per second while a long import runs,
// on a terminal only: logs and pipes get no carriage returns.
type progress struct {
	w       io.Writer
	size    int64 // bytes in the file
	read    int64 // bytes read so far
	entries int
	start   time.Time
	shown   time.Time
}

// newProgress returns a progress for a file of size bytes, or nil when w is
// not a terminal. A nil *progress does nothing.
func newProgress(w io.Writer, size int64) *progress {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	now := time.Now()
	return &progress{w: w, size: size, start: now, shown: now}
}

// reader counts the bytes an import reads from r.
func (p *progress) reader(r io.Reader) io.Reader {
	if p == nil {
		return r
	}
	return readFunc(func(b []byte) (int, error) {
		n, err := r.Read(b)
		p.read += int64(n)
		return n, err
	})
}

type readFunc func([]byte) (int, error)

func (f readFunc) Read(b []byte) (int, error) { return f(b) }

// entry counts one entry and redraws a few times a second.
func (p *progress) entry() {
	if p == nil {
		return
	}
	p.entries++
	if now := time.Now(); now.Sub(p.shown) >= 250*time.Millisecond {
		p.shown = now
		fmt.Fprint(p.w, "\r"+progressLine(p.read, p.size, p.entries, now.Sub(p.start)))
	}
}

// done clears the bar.
func (p *progress) done() {
	if p != nil && p.shown != p.start {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// progressLine is "[#####.....]  52%  123,456 entries  45,678/s".
func progressLine(read, size int64, entries int, elapsed time.Duration) string {
	const width = 20
	frac := 0.0
	if size > 0 {
		frac = min(float64(read)/float64(size), 1)
	}
	filled := int(frac * width)
	rate := 0
	if elapsed > 0 {
		rate = int(float64(entries) / elapsed.Seconds())
	}
	return fmt.Sprintf("[%s%s] %3.0f%%  %s entries  %s/s", strings.Repeat("#", filled), strings.Repeat(".", width-filled),
		frac*100, wording.Number(entries), wording.Number(rate))
}
