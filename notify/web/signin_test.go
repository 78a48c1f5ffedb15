package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// replaySignIn is an attacker's client: it fetches the sign-in form once
// and sends its cookie and token with every attempt, whatever the answers
// set. It returns the answer's status, or 0 if the request failed.
func (a *app) replaySignIn(t *testing.T) func(name, pw string) int {
	c := a.client(t)
	_, _, body := get(t, c, a.URL+"/login")
	token := csrfField.FindStringSubmatch(body)[1]
	u, _ := url.Parse(a.URL + "/login")
	cookies := c.Jar.Cookies(u)
	return func(name, pw string) int {
		form := url.Values{"csrf": {token}, "name": {name}, "password": {pw}}.Encode()
		req, _ := http.NewRequest("POST", a.URL+"/login", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for _, c := range cookies {
			req.AddCookie(c)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0 // the server may stop reading an oversized form and close
		}
		resp.Body.Close()
		return resp.StatusCode
	}
}

// A flood of sign-ins, each with a different long name and one reused form
// token, leaves the server's memory where it was: the forms anyone may
// send are small, and names are hashed before a limiter keeps them. (It
// took a daemon from 22 MB to 2.97 GB.) The bound is 4 MB of heap.
func TestASignInFloodKeepsMemoryBounded(t *testing.T) {
	a := newApp(t)
	attempt := a.replaySignIn(t)
	before := heapInUse()
	var next atomic.Int64
	var wg sync.WaitGroup
	var refused atomic.Int64
	for range 8 {
		wg.Go(func() {
			for i := next.Add(1); i <= 1700; i = next.Add(1) {
				if i <= 200 { // names of 1 MB, as the review sent
					attempt(fmt.Sprintf("%07d", i)+strings.Repeat("x", 1<<20-512), "guess")
					continue
				}
				// names as long as the sign-in form can carry
				if attempt(fmt.Sprintf("%07d", i)+strings.Repeat("x", 3500), "guess") == http.StatusUnauthorized {
					refused.Add(1)
				}
			}
		})
	}
	wg.Wait()
	grew := heapInUse() - before
	t.Logf("200 sign-ins with 1 MB names and 1,500 with 3.5 KB names: the heap grew %.2f MB (bound 4 MB)", float64(grew)/(1<<20))
	if refused.Load() != 1500 {
		t.Errorf("%d of the 1,500 sign-ins with long names were refused as wrong, want all: they must reach the limiters", refused.Load())
	}
	if grew > 4<<20 {
		t.Errorf("the flood grew the heap by %.1f MB, more than 4 MB", float64(grew)/(1<<20))
	}
}

// A browser that has signed in before is not locked out by strangers who
// guess its account's password from the same address (an office behind
// one proxy), nor kept waiting by strangers who take every password check
// they may have. Strangers wait alike for a name that is an account and
// one that is not.
func TestStrangersCannotLockOutOrSlowAKnownBrowser(t *testing.T) {
	a := newApp(t)
	phone := a.client(t)
	phone.Timeout = 10 * time.Second // without its own checks, it would wait for ever
	if code := a.signIn(t, phone, "suzuki", password); code != http.StatusSeeOther {
		t.Fatalf("suzuki's first sign-in: %d", code)
	}
	attacker := a.replaySignIn(t)
	for range 6 {
		attacker("suzuki", "guess")
	}
	if code := attacker("suzuki", password); code != http.StatusTooManyRequests {
		t.Fatalf("the attacker's seventh attempt: %d, want 429", code)
	}
	checks := runtime.NumCPU()
	for range checks {
		a.web.strangerChecks.take(context.Background(), "192.0.2.66")
	}
	freed := false
	free := func() {
		if !freed {
			for range checks {
				a.web.strangerChecks.give()
			}
			freed = true
		}
	}
	defer free()
	if code := a.signIn(t, phone, "suzuki", password); code != http.StatusSeeOther {
		t.Errorf("suzuki signing in again on her phone: %d, want 303 in spite of the attacker", code)
	}
	waits := func(name string) error {
		c := a.client(t)
		_, _, body := get(t, c, a.URL+"/login")
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		form := url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "name": {name}, "password": {"guess"}}.Encode()
		req, _ := http.NewRequestWithContext(ctx, "POST", a.URL+"/login", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
			return fmt.Errorf("answered %d", resp.StatusCode)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return nil
	}
	for _, name := range []string{"kanri", "nobody"} {
		if err := waits(name); err != nil {
			t.Errorf("a stranger's sign-in as %s while strangers' checks are all taken: %v; want it to wait like any other", name, err)
		}
	}
	free()
	// Once checks are free, the answers for a name that is an account and
	// one that is not are the same page.
	page := func(name string) (int, string) {
		c := a.client(t)
		_, _, body := get(t, c, a.URL+"/login")
		code, _, body := post(t, c, a.URL+"/login", url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "name": {name}, "password": {"guess"}})
		body = csrfField.ReplaceAllString(body, "")
		return code, regexp.MustCompile(`value="`+name+`"`).ReplaceAllString(body, "")
	}
	codeKnown, known := page("kanri")
	codeUnknown, unknown := page("nobody")
	if codeKnown != codeUnknown || known != unknown {
		t.Errorf("a wrong password for kanri answers %d, for a name that is no account's %d; the pages differ: %v", codeKnown, codeUnknown, known != unknown)
	}
}

// A password changed while a sign-in with the old one is being checked
// leaves no session made with the old password.
func TestAPasswordChangedDuringSignInMakesNoSession(t *testing.T) {
	a := newApp(t)
	newHash, err := HashPassword("a brand new password")
	if err != nil {
		t.Fatal(err)
	}
	a.web.passwordChecked = func() {
		a.web.passwordChecked = nil
		if err := a.db.SetPassword(context.Background(), "suzuki", newHash); err != nil {
			t.Error(err)
		}
	}
	c := a.client(t)
	if code := a.signIn(t, c, "suzuki", password); code != http.StatusUnauthorized {
		t.Errorf("signing in with the old password as it changed: %d, want 401", code)
	}
	if _, loc, _ := get(t, c, a.URL+"/contacts/mine"); loc != "/login" {
		t.Errorf("after that sign-in, a page redirects to %q: a session was made with the old password", loc)
	}
	if code := a.signIn(t, c, "suzuki", "a brand new password"); code != http.StatusSeeOther {
		t.Errorf("signing in with the new password: %d, want 303", code)
	}
}

// A browser is known for 180 days from its sign-in, by the server as well
// as by its cookie: after that, a copy of the cookie is a stranger's.
func TestAKnownBrowserIsForgottenAfter180Days(t *testing.T) {
	a := newApp(t)
	phone := a.client(t)
	if code := a.signIn(t, phone, "suzuki", password); code != http.StatusSeeOther {
		t.Fatalf("suzuki's first sign-in: %d", code)
	}
	a.ahead.Store(int64(knownFor + 24*time.Hour))
	attacker := a.replaySignIn(t)
	for range 6 {
		attacker("suzuki", "guess")
	}
	if code := a.signIn(t, phone, "suzuki", password); code != http.StatusTooManyRequests {
		t.Errorf("181 days on, with the name locked for strangers, the browser signs in: %d; want 429, as a stranger", code)
	}
}
