package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

const (
	sessionCookie = "owabi_session"
	loginCookie   = "owabi_login"   // the sign-in form's CSRF token, before there is a session
	browserCookie = "owabi_browser" // a browser that has signed in before: see knownBrowser
	// Over HTTPS the cookies' names carry the __Host- prefix, which
	// browsers accept only from a secure origin for the whole host: no
	// plain-HTTP page or other subdomain can plant or shadow them.
	hostPrefix = "__Host-"
	// SessionTTL is how long a session lasts from sign-in: a working day.
	SessionTTL = 12 * time.Hour
	// IdleTimeout ends a session not used for this long: a phone left on a
	// desk or an office PC left signed in. Long enough for a salesperson's
	// visit between two calls.
	IdleTimeout = 2 * time.Hour
	// touchEvery is how stale a session's last use may be before it is
	// written again, so that every page is not also a write.
	touchEvery = time.Minute
	// slowSignIn is the wait before each attempt on a name that has had
	// many from anywhere.
	slowSignIn = 3 * time.Second
	// knownFor is how long a browser stays known after signing in.
	knownFor = 180 * 24 * time.Hour
	// maxSignInForm bounds the sign-in form and the acknowledgement form,
	// the two that anyone may send: a name, a password and a token.
	maxSignInForm = 4 << 10
	// strangersWaiting bounds the sign-ins from browsers not known to the
	// account that may wait for a password check, in all and from one
	// address; beyond it, they are told the app is busy. Each holds a
	// request of at most maxSignInForm, some 20 KB with its connection, so
	// all of them 20 MB. The share of one address is large, because behind
	// a reverse proxy every sign-in has the proxy's: a colleague there is
	// better kept waiting than told to come back.
	strangersWaiting, strangersWaitingPerAddress = 1024, 128
)

// bcryptCost is bcrypt's work factor; tests lower it to keep the race
// detector's runs short.
var bcryptCost = bcrypt.DefaultCost

// HashPassword returns the bcrypt hash stored for a password.
func HashPassword(password string) ([]byte, error) {
	return bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
}

// MinPassword is the shortest password an account may have.
const MinPassword = 10

// loginForm is what the sign-in form shows: its token, and the name typed
// before, so that a wrong password does not mean typing it again.
type loginForm struct{ Token, Name string }

// dummyHash is compared against when the name is unknown, so that a wrong
// name takes as long as a wrong password and names cannot be guessed by
// timing.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("owabi: no such user"), bcryptCost)

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.showLogin(w, r, http.StatusOK, "", "")
}

// showLogin renders the sign-in form with a fresh CSRF token, set in a
// cookie too: the form must send back what the cookie holds.
func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, status int, errKey, name string) {
	token := newToken()
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(r, loginCookie), Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r), MaxAge: 3600})
	p := page{Data: loginForm{Token: token, Name: name}}
	if errKey != "" {
		p.Error = wording.Texts(language(r))[errKey]
	}
	s.render(w, r, status, "login", p)
}

// loginSubmit signs a person in. A browser that has signed in to the
// account before is known (see knownBrowser), and what strangers do cannot
// lock it out or slow it: its attempts are counted apart, and its password
// is checked in slots of its own. Everyone else is a stranger, whether the
// name exists or not, so that no answer tells which names do.
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	c, err := r.Cookie(s.cookieName(r, loginCookie))
	if err != nil || !sameToken(c.Value, r.PostFormValue("csrf")) {
		s.showLogin(w, r, http.StatusForbidden, "form_expired", name)
		return
	}
	u, hash, err := s.Store.UserForLogin(r.Context(), name)
	if err != nil && notify.ErrorCode(err) != notify.EUNAUTHORIZED {
		s.fail(w, r, err)
		return
	}
	known, browser, kerr := s.knownBrowser(r, u.ID)
	if kerr != nil {
		s.fail(w, r, kerr)
		return
	}
	addr, now := clientNet(r), s.Now()
	var tried attempt
	checks := s.knownChecks
	if known {
		if !s.countAttempt(w, r, &tried, s.loginByBrowser, keyOf(browser), name) {
			return
		}
	} else {
		if !s.strangersWaiting.enter(addr) {
			s.showLogin(w, r, http.StatusServiceUnavailable, "sign_in_busy", name)
			return
		}
		defer s.strangersWaiting.leave(addr)
		if !s.limitStranger(w, r, &tried, name, addr) {
			return
		}
		checks = s.strangerChecks
	}
	if hash == nil {
		hash = dummyHash
	}
	checked, right := s.checkPassword(r.Context(), checks, addr, hash, r.PostFormValue("password"))
	if !checked { // the browser went before its turn: no guess was made
		tried.giveBack(now)
		return
	}
	if !right || err != nil {
		s.refuseSignIn(w, r, name)
		return
	}
	if s.passwordChecked != nil {
		s.passwordChecked()
	}
	s.login.reset(keyOf(strings.ToLower(name), addr))
	s.loginByName.reset(keyOf(strings.ToLower(name)))
	s.loginByBrowser.reset(keyOf(browser))
	// Whoever was signed in on this browser before is signed out: on a
	// shared office PC their session must not live on.
	if old, err := r.Cookie(s.cookieName(r, sessionCookie)); err == nil {
		s.Store.DeleteSession(r.Context(), hashToken(old.Value))
	}
	token, now := newToken(), s.Now()
	sess := notify.Session{User: u, CSRF: newToken(), Expires: now.Add(SessionTTL), Seen: now}
	if err := s.Store.CreateSession(r.Context(), hashToken(token), sess, hash); err != nil {
		if notify.ErrorCode(err) == notify.EUNAUTHORIZED { // the password changed meanwhile
			s.refuseSignIn(w, r, name)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.Log.Info("signed in", "user", u.ID, "role", u.Role)
	if !known {
		s.rememberBrowser(w, r, u.ID)
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(r, sessionCookie), Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure(r), Expires: sess.Expires})
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(r, loginCookie), Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure(r)})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// limitStranger counts a stranger's attempt on name from addr in tried,
// and answers it if it may not go ahead. Attempts are limited per name
// from one address. Per name from anywhere they are only slowed: a hard
// limit there would let anyone lock a colleague out by guessing wrong on
// purpose.
func (s *Server) limitStranger(w http.ResponseWriter, r *http.Request, tried *attempt, name, addr string) bool {
	lower := strings.ToLower(name)
	if !s.countAttempt(w, r, tried, s.login, keyOf(lower, addr), name) {
		return false
	}
	if ok, _ := tried.count(s.loginByName, keyOf(lower), s.Now()); !ok {
		select {
		case <-time.After(slowSignIn):
		case <-r.Context().Done():
			tried.giveBack(s.Now())
			return false
		}
	}
	return true
}

// countAttempt counts an attempt under key in l, and answers it if it is
// over the limit.
func (s *Server) countAttempt(w http.ResponseWriter, r *http.Request, tried *attempt, l *limiter, key limitKey, name string) bool {
	ok, locked := tried.count(l, key, s.Now())
	if locked {
		s.Log.Warn("sign-in locked after repeated failures", "ip", clientIP(r))
	}
	if !ok {
		s.loginsFailed.Add(1)
		s.showLogin(w, r, http.StatusTooManyRequests, "too_many_attempts", name)
	}
	return ok
}

func (s *Server) refuseSignIn(w http.ResponseWriter, r *http.Request, name string) {
	s.Log.Info("sign-in refused", "ip", clientIP(r))
	s.loginsFailed.Add(1)
	s.showLogin(w, r, http.StatusUnauthorized, "wrong_login", name)
}

// knownBrowser reports whether the request comes from a browser that has
// signed in to the account userID before (0 for a name that is no
// account's, which no browser is known to), and the browser's token. It
// asks the database either way, so that both take the same time.
func (s *Server) knownBrowser(r *http.Request, userID int64) (bool, string, error) {
	c, err := r.Cookie(s.cookieName(r, browserCookie))
	if err != nil || c.Value == "" {
		return false, "", nil
	}
	known, err := s.Store.KnownBrowser(r.Context(), userID, hashToken(c.Value), s.Now().Add(-knownFor))
	return known, c.Value, err
}

// rememberBrowser makes this browser known to the account userID from now
// on. Not being remembered costs only protection from strangers' floods
// later, so a failure is logged, not shown.
func (s *Server) rememberBrowser(w http.ResponseWriter, r *http.Request, userID int64) {
	token := newToken()
	if err := s.Store.KnowBrowser(r.Context(), userID, hashToken(token)); err != nil {
		s.Log.Warn("could not remember the browser", "user", userID, "err", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(r, browserCookie), Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r), MaxAge: int(knownFor.Seconds())})
}

// checkPassword compares a password with its hash in one of the checks
// held by checks, taking its turn with the others from addr: bcrypt is slow
// on purpose, and a flood of sign-ins must not take every CPU. It reports
// whether the password was checked (not if the browser went first) and
// whether it was right.
func (s *Server) checkPassword(ctx context.Context, checks *slots, addr string, hash []byte, password string) (checked, right bool) {
	if !checks.take(ctx, addr) {
		return false, false
	}
	defer checks.give()
	return true, bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
}

// localPath is back when it is a path on this site, else "/": a redirect
// must never lead to another host. Browsers drop tabs and line breaks from
// a URL and read a backslash as a slash, so /\t/x.example and /\x.example
// are //x.example to them.
func localPath(back string) string {
	if strings.ContainsFunc(back, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	u, err := url.Parse(back)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		return "/"
	}
	return back
}

// setLanguage keeps the language the user chose for the app, then shows
// the page they were on again in it.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
	lang := r.PostFormValue("lang")
	if !wording.Speaks(lang) && lang != "" {
		s.refuse(w, r, http.StatusBadRequest, "bad_form")
		return
	}
	if err := s.Store.SetLanguage(r.Context(), sess.User.ID, lang); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, localPath(r.PostFormValue("back")), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, _ *notify.Session) {
	if c, err := r.Cookie(s.cookieName(r, sessionCookie)); err == nil {
		if err := s.Store.DeleteSession(r.Context(), hashToken(c.Value)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(r, sessionCookie), Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure(r)})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// signedIn runs h for a request with a live session. Without one, a page
// redirects to the sign-in form and anything else is refused. Every
// request that changes something must carry the session's CSRF token.
func (s *Server) signedIn(h func(http.ResponseWriter, *http.Request, *notify.Session)) http.HandlerFunc {
	return s.signedInRaw(func(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !sameToken(sess.CSRF, r.PostFormValue("csrf")) {
				s.refuse(w, r, http.StatusForbidden, "form_expired")
				return
			}
		}
		h(w, r, sess)
	})
}

// maxForm bounds the body of an ordinary form; a call's note is the
// longest thing in one.
const maxForm = 1 << 20

// signedInRaw runs h for a request with a live session, checking nothing
// else: h checks the CSRF token itself.
func (s *Server) signedInRaw(h func(http.ResponseWriter, *http.Request, *notify.Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.session(r.Context(), r)
		if err != nil {
			if notify.ErrorCode(err) != notify.EUNAUTHORIZED {
				s.fail(w, r, err)
				return
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			s.refuse(w, r, http.StatusUnauthorized, "sign_in_first")
			return
		}
		ctx := notify.WithActor(r.Context(), sess.User.Name) // the audit trail names who did it
		if sess.User.Lang != "" {
			ctx = context.WithValue(ctx, langKey{}, sess.User.Lang)
		}
		h(w, r.WithContext(ctx), &sess)
	}
}

// keepAlive ends a session left idle too long, and otherwise notes that it
// is in use.
func (s *Server) keepAlive(r *http.Request, sess notify.Session) error {
	idle := s.Now().Sub(sess.Seen)
	if idle < touchEvery {
		return nil
	}
	c, _ := r.Cookie(s.cookieName(r, sessionCookie)) // there, or there would be no session
	if idle > IdleTimeout {
		if err := s.Store.DeleteSession(r.Context(), hashToken(c.Value)); err != nil {
			return err
		}
		return notify.Errorf(notify.EUNAUTHORIZED, "the session was idle too long")
	}
	err := s.Store.TouchSession(r.Context(), hashToken(c.Value), s.Now())
	if key, _ := passing(err); key != "" {
		// Noting the use can wait for the next request (busy), or for
		// space (a full disk): what this one saves, or shows, cannot.
		return nil
	}
	return err
}

// withUpload reads a form that sends a file, for a handler behind
// signedInRaw: the body is read as a stream, not held in memory or spilled
// to disk (it is personal data). The form's first field must be its CSRF
// token; h gets the file.
func (s *Server) withUpload(limit int64, h func(http.ResponseWriter, *http.Request, *notify.Session, *multipart.Part)) func(http.ResponseWriter, *http.Request, *notify.Session) {
	return func(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		mr, err := r.MultipartReader()
		if err != nil {
			s.refuse(w, r, http.StatusBadRequest, "bad_form")
			return
		}
		first, err := mr.NextPart()
		if err != nil || first.FormName() != "csrf" {
			s.refuse(w, r, http.StatusForbidden, "form_expired")
			return
		}
		token, _ := io.ReadAll(io.LimitReader(first, 256))
		if !sameToken(sess.CSRF, string(token)) {
			s.refuse(w, r, http.StatusForbidden, "form_expired")
			return
		}
		file, err := mr.NextPart()
		if err != nil || file.FormName() != "file" || file.FileName() == "" {
			s.refuse(w, r, http.StatusBadRequest, "choose_file")
			return
		}
		h(w, r, sess, file)
	}
}

// onlyAll lets through the users who see every contact; others get 403.
func (s *Server) onlyAll(h func(http.ResponseWriter, *http.Request, *notify.Session)) func(http.ResponseWriter, *http.Request, *notify.Session) {
	return func(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
		if !seesAll(sess.User) {
			s.refuse(w, r, http.StatusForbidden, "forbidden")
			return
		}
		h(w, r, sess)
	}
}

// only lets users with role through; others get 403.
func (s *Server) only(role notify.Role, h func(http.ResponseWriter, *http.Request, *notify.Session)) func(http.ResponseWriter, *http.Request, *notify.Session) {
	return func(w http.ResponseWriter, r *http.Request, sess *notify.Session) {
		if sess.User.Role != role {
			s.refuse(w, r, http.StatusForbidden, "forbidden")
			return
		}
		h(w, r, sess)
	}
}

// session is the request's live session: one that has not ended, nor
// been left idle too long (see keepAlive).
func (s *Server) session(ctx context.Context, r *http.Request) (notify.Session, error) {
	c, err := r.Cookie(s.cookieName(r, sessionCookie))
	if err != nil || c.Value == "" {
		return notify.Session{}, notify.Errorf(notify.EUNAUTHORIZED, "please sign in")
	}
	sess, err := s.Store.Session(ctx, hashToken(c.Value))
	if err != nil {
		return sess, err
	}
	return sess, s.keepAlive(r, sess)
}

func (s *Server) secure(r *http.Request) bool { return s.SecureCookies || r.TLS != nil }

// cookieName is the name of the cookie called name for this request.
func (s *Server) cookieName(r *http.Request, name string) string {
	if s.secure(r) {
		return hostPrefix + name
	}
	return name
}

// newToken returns 32 random bytes as text.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what the database keeps of a session token.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// clientNet is what sign-ins are counted and take turns by: the address
// the request came from, or for IPv6 its /64, which one machine may hold
// whole.
func clientNet(r *http.Request) string {
	addr := clientIP(r)
	ip := net.ParseIP(addr)
	if ip == nil || ip.To4() != nil {
		return addr
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// clientIP is the address the request came from (a proxy in front of
// owabi makes this the proxy's; the limit then applies to a name alone).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
