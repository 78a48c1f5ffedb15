package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/inbox/imaptest"
	"github.com/owabi/owabi/notify/mailer/smtptest"
)

// tokenEndpoint is an identity provider's token endpoint, as Microsoft's
// answers the client-credentials grant: it issues tokens that last
// expiresIn, remembers them, and refuses every request once the secret is
// revoked.
type tokenEndpoint struct {
	*httptest.Server
	mu        sync.Mutex
	issued    map[string]time.Time // token: when it expires
	requests  atomic.Int32
	revoked   atomic.Bool
	expiresIn int
}

func newTokenEndpoint(t *testing.T, expiresIn int) *tokenEndpoint {
	e := &tokenEndpoint{issued: map[string]time.Time{}, expiresIn: expiresIn}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := e.requests.Add(1)
		r.ParseForm()
		id, secret, ok := r.BasicAuth()
		if !ok {
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
		if e.revoked.Load() || id != "owabi-app" || secret != "s3cret" || r.PostForm.Get("grant_type") != "client_credentials" ||
			r.PostForm.Get("scope") != "https://outlook.office365.com/.default" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}`)
			return
		}
		token := fmt.Sprintf("token-%d", n)
		e.mu.Lock()
		e.issued[token] = time.Now().Add(time.Duration(e.expiresIn) * time.Second)
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": token, "token_type": "Bearer", "expires_in": e.expiresIn})
	}))
	t.Cleanup(e.Close)
	return e
}

// valid says whether token was issued and has not expired.
func (e *tokenEndpoint) valid(token string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	until, ok := e.issued[token]
	switch {
	case !ok:
		return fmt.Errorf("unknown token")
	case time.Now().After(until):
		return fmt.Errorf("the token expired")
	}
	return nil
}

// oauthEnv configures XOAUTH2 with Microsoft's client credentials, the
// token endpoint e's.
func oauthEnv(e *tokenEndpoint) map[string]string {
	return map[string]string{"OWABI_SMTP_AUTH": "xoauth2", "OWABI_SMTP_USERNAME": "soudan@sakura-print.example.jp",
		"OWABI_SMTP_OAUTH_PROVIDER": "microsoft", "OWABI_SMTP_OAUTH_TENANT": "sakura-print.example.jp",
		"OWABI_SMTP_OAUTH_CLIENT_ID": "owabi-app", "OWABI_SMTP_OAUTH_SECRET": "s3cret", "OWABI_SMTP_OAUTH_TOKEN_URL": e.URL}
}

// A mail server that takes only OAuth 2.0 logins, as Microsoft 365 does:
// owabi gets a token from the identity provider, logs in with XOAUTH2,
// and gets a new token as the one it holds runs out, in the middle of the
// send. A token is never written to the log.
func TestSendingThroughAServerThatTakesOnlyOAuth(t *testing.T) {
	tokens := newTokenEndpoint(t, 1) // shorter than owabi keeps one: a new one for each connection
	srv := smtptest.New(t)
	var logins atomic.Int32
	srv.XOAUTH2 = func(user, token string) error {
		logins.Add(1)
		if user != "soudan@sakura-print.example.jp" {
			return fmt.Errorf("wrong mailbox %s", user)
		}
		return tokens.valid(token)
	}
	srv.OnData = func(n int, _ smtptest.Message) error {
		if n%50 == 0 {
			return smtptest.ErrAcceptThenDrop // the connection drops: the next logs in again
		}
		return nil
	}
	cfg := setup(t, srv)
	env := oauthEnv(tokens)
	mustOwabi(t, env, "--config", cfg, "import", sampleBook)
	mustOwabi(t, env, "--config", cfg, "classify")
	_, _, errOut := owabi(t, env, "--config", cfg, "send", "--kind", "deletion", "--wait")
	st := statusJSON(t, env, "--config", cfg)
	if st.Notices[notify.Sent] != 258 || st.Stopped != nil {
		t.Fatalf("sent %v, stopped %+v; want all 258 sent\n%s", st.Notices, st.Stopped, errOut)
	}
	if n := logins.Load(); n < 5 || tokens.requests.Load() < n {
		t.Errorf("%d logins with %d tokens; want one per connection, each with a fresh token", n, tokens.requests.Load())
	}
	if strings.Contains(errOut, "token-") || strings.Contains(errOut, "s3cret") {
		t.Errorf("a token or the secret is in the log:\n%s", errOut)
	}
}

// A revoked client secret stops sending with a clear error: no notice
// fails, send --wait exits non-zero, and status says why.
func TestARevokedOAuthSecretStopsSendingAndLosesNothing(t *testing.T) {
	tokens := newTokenEndpoint(t, 3600)
	tokens.revoked.Store(true)
	srv := smtptest.New(t)
	srv.XOAUTH2 = func(_, token string) error { return tokens.valid(token) }
	cfg := setup(t, srv)
	env := oauthEnv(tokens)
	mustOwabi(t, env, "--config", cfg, "import", sampleBook)
	mustOwabi(t, env, "--config", cfg, "classify")
	code, _, errOut := owabi(t, env, "--config", cfg, "send", "--kind", "deletion", "--wait")
	if code == 0 || !strings.Contains(errOut, "OAuth 2.0 token") || !strings.Contains(errOut, "invalid_client") || strings.Contains(errOut, "s3cret") {
		t.Errorf("send with a revoked secret: exit %d\n%s", code, errOut)
	}
	st := statusJSON(t, env, "--config", cfg)
	if st.Notices[notify.Queued] != 258 || st.Notices[notify.Failed] != 0 || st.Stopped == nil || !strings.Contains(st.Stopped.WhyText, "OAuth 2.0 token") {
		t.Errorf("after the refusal: %v, stopped %+v; want all 258 queued and sending stopped", st.Notices, st.Stopped)
	}
	if srv.Count() != 0 {
		t.Errorf("%d sent without a login", srv.Count())
	}
	// Settings that cannot work are refused at start.
	bad := oauthEnv(tokens)
	bad["OWABI_SMTP_OAUTH_PROVIDER"] = "yahoo"
	if code, _, errOut := owabi(t, bad, "--config", cfg, "status"); code != 2 || !strings.Contains(errOut, "smtp.oauth_provider") {
		t.Errorf("an unknown provider: exit %d, %s", code, errOut)
	}
	// A token is never sent in clear to a server on another machine.
	clear := oauthEnv(tokens)
	clear["OWABI_SMTP_HOST"], clear["OWABI_SMTP_TLS"] = "smtp.office365.com", "none"
	if code, _, errOut := owabi(t, clear, "--config", cfg, "status"); code != 2 || !strings.Contains(errOut, "smtp.tls") {
		t.Errorf("xoauth2 without TLS to another machine: exit %d, %s", code, errOut)
	}
}

// A Google service account's key that cannot be used, or an empty secret
// file, is refused at start, not at the first send.
func TestBrokenOAuthCredentialsAreRefusedAtStart(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	dir := filepath.Dir(cfg)
	os.WriteFile(filepath.Join(dir, "empty.txt"), nil, 0o600)
	os.WriteFile(filepath.Join(dir, "google.json"), []byte(`{"client_email":"owabi@p.iam.gserviceaccount.com","private_key":"not a key"}`), 0o600)
	base := map[string]string{"OWABI_SMTP_AUTH": "xoauth2", "OWABI_SMTP_USERNAME": "soudan@sakura-print.example.jp"}
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"OWABI_SMTP_OAUTH_PROVIDER": "google", "OWABI_SMTP_OAUTH_KEY_FILE": "google.json"}, "not a PEM private key"},
		{map[string]string{"OWABI_SMTP_OAUTH_PROVIDER": "microsoft", "OWABI_SMTP_OAUTH_TENANT": "t", "OWABI_SMTP_OAUTH_CLIENT_ID": "c",
			"OWABI_SMTP_OAUTH_SECRET_FILE": "empty.txt"}, "is empty"},
	} {
		env := maps.Clone(base)
		maps.Copy(env, c.env)
		if code, _, errOut := owabi(t, env, "--config", cfg, "status"); code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %s; want it refused, saying %q", c.env, code, errOut, c.want)
		}
	}
}

// The reply mailbox on Microsoft 365 takes only OAuth 2.0 too: owabi
// inbox logs in with a token from the same application (imap.auth =
// "xoauth2"), no password, and says why when it can get none.
func TestTheReplyMailboxIsReadWithAnOAuthToken(t *testing.T) {
	tokens := newTokenEndpoint(t, 3600)
	cfg := setup(t, smtptest.New(t))
	sendSample(t, cfg)
	mailbox := imaptest.NewXOAUTH2(t, func(user, token string) error {
		if user != "desk" {
			return fmt.Errorf("wrong mailbox %s", user)
		}
		return tokens.valid(token)
	})
	readFrom(t, cfg, mailbox, `tls = "none"`, `auth = "xoauth2"`)
	mailbox.Deliver(t, []byte("From: x@y.example\r\nSubject: Re: お知らせ\r\nMessage-ID: <reply1@y.example>\r\n"+
		"Content-Type: text/plain; charset=UTF-8\r\n\r\n削除しました。\r\n"))
	env := oauthEnv(tokens)
	code, out, errOut := owabi(t, env, "--config", cfg, "inbox")
	if code != 0 || !strings.Contains(out, "Read 1 new mails in INBOX") || tokens.requests.Load() != 1 {
		t.Fatalf("inbox with a token: exit %d, %d token requests\n%s%s", code, tokens.requests.Load(), out, errOut)
	}
	if strings.Contains(out+errOut, "token-") {
		t.Errorf("a token reached the output:\n%s%s", out, errOut)
	}
	tokens.revoked.Store(true)
	mailbox.Deliver(t, []byte("From: x@y.example\r\nSubject: Re\r\nMessage-ID: <reply2@y.example>\r\n\r\nok\r\n"))
	if code, _, errOut := owabi(t, env, "--config", cfg, "inbox"); code == 0 || !strings.Contains(errOut, "no OAuth 2.0 token") || !strings.Contains(errOut, "invalid_client") {
		t.Errorf("inbox with the secret revoked: exit %d\n%s", code, errOut)
	}
}
