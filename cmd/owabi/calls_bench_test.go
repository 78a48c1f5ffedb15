package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkImportWhileCalling is issue 12's measure: "owabi import" of a
// generated book of a million entries (OWABI_BENCH_ROWS for another size)
// runs as its own process while a salesperson logs calls through the web
// app of a running "owabi serve", 20 a second, and it reports the calls'
// latency (p50, p99, max, in ms), how many were refused, and how long the
// import took; beside the same import with no calls (its ceiling) and the
// calls with no import. OWABI_BENCH_BEFORE names another owabi binary (one
// built before a change) to run the same way first, in the same run.
//
//	go build -o /tmp/owabi-before ./cmd/owabi   # in a checkout of the commit to compare with
//	OWABI_BENCH_BEFORE=/tmp/owabi-before go test -run '^$' -bench ImportWhileCalling -benchtime 1x -count 3 -timeout 2h ./cmd/owabi
func BenchmarkImportWhileCalling(b *testing.B) {
	rows := 1_000_000
	if v := os.Getenv("OWABI_BENCH_ROWS"); v != "" {
		var err error
		if rows, err = strconv.Atoi(v); err != nil {
			b.Fatalf("OWABI_BENCH_ROWS=%q: %v", v, err)
		}
	}
	book := filepath.Join(b.TempDir(), "book.csv")
	f, err := os.Create(book)
	if err != nil {
		b.Fatal(err)
	}
	writeBook(b, f, rows)
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	type binary struct{ name, path string }
	binaries := []binary{{"after", owabiBinary(b)}}
	if before := os.Getenv("OWABI_BENCH_BEFORE"); before != "" {
		binaries = append([]binary{{"before", before}}, binaries...)
	}
	for _, bin := range binaries {
		for _, s := range []struct {
			name               string
			importing, calling bool
		}{{"import", true, false}, {"import+calls", true, true}, {"calls", false, true}} {
			b.Run(bin.name+"/"+s.name, func(b *testing.B) {
				for range b.N {
					callsDuringImport(b, bin.path, book, s.importing, s.calling)
				}
			})
		}
	}
}

// callsDuringImport runs one round of BenchmarkImportWhileCalling with
// the owabi binary bin: the import of book, calls at 20 a second, or both.
// Calls alone go on for 10 s.
func callsDuringImport(b *testing.B, bin, book string, importing, calling bool) {
	b.StopTimer()
	dir := b.TempDir()
	cfg := benchConfig(b, dir)
	owabi := func(stdin string, args ...string) {
		cmd := exec.Command(bin, append([]string{"--config", cfg}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("owabi %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	owabi("", "import", sampleBook) // the contacts called: 243
	var staff *webSession
	if calling {
		owabi(password+"\n", "user", "add", "--role", "sales", "--password-stdin", "suzuki")
		owabi("", "user", "access", "suzuki", "all")
		d := startServeBinary(b, bin, cfg)
		waitFor(b, d.stderr.appears("the web app is serving"), "the web app")
		staff = signInTo(b, d, "suzuki", password)
	}
	b.StartTimer()
	start := time.Now()
	done := make(chan error, 1)
	var importErr bytes.Buffer
	if importing {
		imp := exec.Command(bin, "--config", cfg, "import", book)
		imp.Stdout, imp.Stderr = io.Discard, &importErr
		if err := imp.Start(); err != nil {
			b.Fatal(err)
		}
		go func() { done <- imp.Wait() }()
	} else {
		go func() { <-time.After(10 * time.Second); done <- nil }()
	}
	var (
		mu      sync.Mutex
		took    []time.Duration
		refused int
		calls   sync.WaitGroup
		err     error
	)
	if calling {
		// Open loop: a call every 50 ms whatever the ones before are doing,
		// as salespeople do.
		tick := time.NewTicker(50 * time.Millisecond)
	loop:
		for i := 0; ; i++ {
			select {
			case err = <-done:
				break loop
			case <-tick.C:
				calls.Go(func() {
					t0 := time.Now()
					code, err := staff.logCall(int64(1 + i%243))
					mu.Lock()
					defer mu.Unlock()
					took = append(took, time.Since(t0))
					if err != nil || code != http.StatusSeeOther {
						refused++
					}
				})
			}
		}
		tick.Stop()
	} else {
		err = <-done
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if err != nil {
		b.Fatalf("owabi import: %v\n%s", err, importErr.String())
	}
	calls.Wait()
	if importing {
		b.ReportMetric(elapsed.Seconds(), "import-s")
	}
	if calling {
		slices.Sort(took)
		at := func(q float64) float64 { return float64(took[min(len(took)-1, int(q*float64(len(took))))]) / 1e6 }
		b.ReportMetric(at(0.5), "p50-ms")
		b.ReportMetric(at(0.99), "p99-ms")
		b.ReportMetric(float64(took[len(took)-1])/1e6, "max-ms")
		b.ReportMetric(float64(refused), "refused")
		b.ReportMetric(float64(len(took)), "calls")
	}
	b.ReportMetric(0, "ns/op") // the round's time is the import's, above
}
