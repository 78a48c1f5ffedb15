package main

// Sign-in floods against the real daemon: a test that its memory stays
// bounded, and issue 13's figures, measured the same way on any version of
// owabi (OWABI_BENCH_BEFORE names an older binary to measure first, in the
// same run). The measurements log what happened and pass either way.
//
//	go build -o /tmp/owabi-before ./cmd/owabi   # in a checkout of the commit to compare with
//	OWABI_MEASURE=1 OWABI_BENCH_BEFORE=/tmp/owabi-before go test -count=1 -run Measure13 -v -timeout 30m ./cmd/owabi

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// m13Binaries is the binaries to measure: the one before, if given, then
// this checkout's.
func m13Binaries(t *testing.T) [][2]string {
	bins := [][2]string{{"after", owabiBinary(t)}}
	if before := os.Getenv("OWABI_BENCH_BEFORE"); before != "" {
		bins = append([][2]string{{"before", before}}, bins...)
	}
	return bins
}

// serveForSignIn starts bin's "owabi serve" on a fresh database with a
// salesperson, suzuki, and returns the daemon and the app's address.
func serveForSignIn(t *testing.T, bin string) (*daemon, string) {
	cfg := benchConfig(t, t.TempDir())
	cmd := exec.Command(bin, "--config", cfg, "user", "add", "--role", "sales", "--password-stdin", "suzuki")
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	d := startServeBinary(t, bin, cfg)
	waitFor(t, d.stderr.appears("the web app is serving"), "the web app")
	return d, servedAt(t, d)
}

// processMemory reads a process's resident memory now and at its peak, in MB.
func processMemory(t *testing.T, pid int) (rss, peak float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return rss, peak
}

// loginForm fetches the sign-in form in a new browser and returns it,
// holding the form's cookie, and the form's token.
func loginForm(t *testing.T, base string) (*http.Client, string) {
	return loginFormWith(t, base, newBrowser(""))
}

// newBrowser is a client that keeps cookies and does not follow
// redirects, connecting from the loopback address from ("" for any).
func newBrowser(from string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if from != "" {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
		c.Transport = &http.Transport{DialContext: d.DialContext}
	}
	return c
}

// replaySignIn is an attacker's client: it sends the sign-in form's first
// cookie and token with every attempt, whatever the answers set.
func replaySignIn(t *testing.T, base string) func(name string) (int, error) {
	c, token := loginForm(t, base)
	u, _ := url.Parse(base + "/login")
	cookies := c.Jar.Cookies(u)
	return func(name string) (int, error) {
		form := url.Values{"csrf": {token}, "name": {name}, "password": {"guess"}}.Encode()
		req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for _, c := range cookies {
			req.AddCookie(c)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
}

// A flood of sign-ins with a reused form token and 1 MB names (it took
// the daemon from 22 MB to 2.97 GB) leaves the daemon's memory bounded:
// its peak grows by less than 64 MB.
func TestASignInFloodLeavesTheDaemonsMemoryBounded(t *testing.T) {
	d, base := serveForSignIn(t, owabiBinary(t))
	_, peak0 := processMemory(t, d.cmd.Process.Pid)
	attempt := replaySignIn(t, base)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := next.Add(1); i <= 300; i = next.Add(1) {
				attempt(fmt.Sprintf("%07d", i) + strings.Repeat("x", 1<<20-512))
			}
		})
	}
	wg.Wait()
	if code, err := attempt("suzuki"); err != nil || code != http.StatusUnauthorized {
		t.Errorf("after the flood, a sign-in: %d, %v; want 401 (wrong password)", code, err)
	}
	_, peak := processMemory(t, d.cmd.Process.Pid)
	t.Logf("300 sign-ins with 1 MB names: the daemon's peak memory went from %.0f MB to %.0f MB", peak0, peak)
	if peak-peak0 > 64 {
		t.Errorf("the daemon's peak memory grew by %.0f MB, more than 64 MB", peak-peak0)
	}
}

// TestMeasure13SignInFlood sends 1,000 sign-ins, each with a different
// 1 MB name and one reused form token, 8 at a time, and reads the
// daemon's memory before, at its peak, and after.
func TestMeasure13SignInFlood(t *testing.T) {
	measuring(t)
	for _, bin := range m13Binaries(t) {
		d, base := serveForSignIn(t, bin[1])
		attempt := replaySignIn(t, base)
		rss0, _ := processMemory(t, d.cmd.Process.Pid)
		var next atomic.Int64
		var wg sync.WaitGroup
		codes := sync.Map{}
		start := time.Now()
		for range 8 {
			wg.Go(func() {
				for i := next.Add(1); i <= 1000; i = next.Add(1) {
					// Just under the 1 MB that an ordinary form may be.
					code, err := attempt(fmt.Sprintf("%07d", i) + strings.Repeat("x", 1<<20-512))
					if err != nil {
						codes.Store("error: "+err.Error(), true)
						continue
					}
					n, _ := codes.LoadOrStore(code, new(atomic.Int64))
					n.(*atomic.Int64).Add(1)
				}
			})
		}
		wg.Wait()
		took := time.Since(start)
		rss1, peak := processMemory(t, d.cmd.Process.Pid)
		var answers []string
		codes.Range(func(k, v any) bool {
			if n, ok := v.(*atomic.Int64); ok {
				answers = append(answers, fmt.Sprintf("%v×%d", k, n.Load()))
			} else {
				answers = append(answers, fmt.Sprint(k))
			}
			return true
		})
		t.Logf("%s: RSS %.0f MB before, %.0f MB after (peak %.0f MB); 1,000 sign-ins of 1 MB names in %.1f s; answers %v",
			bin[0], rss0, rss1, peak, took.Seconds(), answers)
	}
}

// TestMeasure13SignInUnderFlood times suzuki's sign-ins while 32 threads
// on 127.0.0.1 try random names: from a browser that signed in before (so
// holding whatever that earns) and from a new one, on the flood's address
// (as behind one proxy) and from another (127.0.0.2).
func TestMeasure13SignInUnderFlood(t *testing.T) {
	measuring(t)
	for _, bin := range m13Binaries(t) {
		_, base := serveForSignIn(t, bin[1])
		returning, token := loginForm(t, base)
		signIn := func(c *http.Client, token string) (time.Duration, int) {
			t0 := time.Now()
			resp, err := c.PostForm(base+"/login", url.Values{"csrf": {token}, "name": {"suzuki"}, "password": {password}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return time.Since(t0), resp.StatusCode
		}
		if _, code := signIn(returning, token); code != http.StatusSeeOther {
			t.Fatalf("%s: suzuki's first sign-in: %d", bin[0], code)
		}
		timeSignIns := func(who string) {
			var took []time.Duration
			codes := map[int]int{}
			for range 15 {
				c := returning
				switch who {
				case "new browser":
					c = newBrowser("")
				case "new browser on another address":
					c = newBrowser("127.0.0.2")
				}
				_, token := loginFormWith(t, base, c) // a fresh form, as a person reloads it
				d, code := signIn(c, token)
				took = append(took, d)
				codes[code]++
			}
			slices.Sort(took)
			t.Logf("%s, %s: suzuki's sign-in median %v, max %v; answers %v", bin[0], who,
				took[len(took)/2].Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond), codes)
		}
		timeSignIns("returning browser, no flood")
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range 32 {
			wg.Go(func() {
				attempt := replaySignIn(t, base)
				for {
					select {
					case <-stop:
						return
					default:
					}
					attempt(fmt.Sprintf("n%d", rand.Int64()))
				}
			})
		}
		time.Sleep(2 * time.Second) // let the flood build up: this is a measurement, not a test
		for _, who := range []string{"returning browser", "new browser", "new browser on another address"} {
			timeSignIns(who)
		}
		close(stop)
		wg.Wait()
	}
}

// loginFormWith fetches the sign-in form with the client c.
func loginFormWith(t *testing.T, base string, c *http.Client) (*http.Client, string) {
	resp, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	page.ReadFrom(resp.Body)
	resp.Body.Close()
	m := csrfField.FindStringSubmatch(page.String())
	if m == nil {
		t.Fatalf("sign-in page:\n%s", page.String())
	}
	return c, m[1]
}

// TestMeasure13PasswordChangeDuringSignIn changes suzuki's password with
// "owabi user password" while a sign-in with the old one is under way,
// at delays that put the change inside the sign-in's password check now
// and then, and counts the sessions made with the old password that
// survive the change.
func TestMeasure13PasswordChangeDuringSignIn(t *testing.T) {
	measuring(t)
	for _, bin := range m13Binaries(t) {
		d, base := serveForSignIn(t, bin[1])
		cfg := d.cmd.Args[2] // bin --config CFG serve
		old := password
		survived, signedIn := 0, 0
		const rounds = 30
		for i := range rounds {
			next := fmt.Sprintf("new password %d!", i)
			c, token := loginForm(t, base)
			change := exec.Command(bin[1], "--config", cfg, "user", "password", "--password-stdin", "suzuki")
			change.Stdin = strings.NewReader(next + "\n")
			if err := change.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(rand.IntN(120)) * time.Millisecond) // a measurement: the delay is what it varies
			resp, err := c.PostForm(base+"/login", url.Values{"csrf": {token}, "name": {"suzuki"}, "password": {old}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if err := change.Wait(); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode == http.StatusSeeOther {
				signedIn++
				if page, err := c.Get(base + "/contacts/mine"); err == nil {
					page.Body.Close()
					if page.StatusCode == http.StatusOK {
						survived++
					}
				}
			}
			old = next
		}
		t.Logf("%s: of %d sign-ins with the password being changed, %d succeeded and %d left a session made with the old password",
			bin[0], rounds, signedIn, survived)
	}
}
