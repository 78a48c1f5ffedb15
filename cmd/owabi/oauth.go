package main

import (
	"cmp"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/oauth2/jwt"
)

// How owabi logs in to Microsoft 365 and Google Workspace, which take no
// password (smtp.auth = "xoauth2"): it gets an access token from the
// identity provider for the mailbox smtp.username, as an application
// registered there (golang.org/x/oauth2), and logs in with XOAUTH2.
const (
	microsoftTokenURL = "https://login.microsoftonline.com/%s/oauth2/v2.0/token"
	microsoftScope    = "https://outlook.office365.com/.default"
	googleTokenURL    = "https://oauth2.googleapis.com/token"
	googleScope       = "https://mail.google.com/"
	// tokenEarly is how long before a token expires owabi gets the next,
	// so that none runs out in the middle of a connection's login.
	tokenEarly = 5 * time.Minute
)

// mailLogin is a mailbox owabi logs in to: the relay's it sends through
// ([smtp]) or the reply mailbox ([imap]).
type mailLogin struct {
	section, auth, username, host, tls string
	timeout                            time.Duration
	// mailbox is what section.username must name, for the error.
	mailbox string
}

// smtpToken gives the access token owabi logs in to the mail server with,
// fetched again before the one it holds expires; nil when it logs in with
// a password (or not at all). It never writes a token or a secret
// anywhere. With env nil it checks the settings only, as Validate does:
// the secret is read when owabi sends.
func (c *Config) smtpToken(env func(string) string) (func() (string, error), error) {
	s := c.SMTP
	return c.oauthToken(env, mailLogin{"smtp", s.Auth, s.Username, s.Host, s.TLS, s.Timeout.Duration, "the mailbox owabi sends as (the From address's)"})
}

// imapToken is smtpToken for the reply mailbox (imap.auth = "xoauth2"):
// the same application, registered once ([smtp] oauth_*), logs in to the
// mailbox imap.username.
func (c *Config) imapToken(env func(string) string) (func() (string, error), error) {
	m := c.IMAP
	return c.oauthToken(env, mailLogin{"imap", m.Auth, m.Username, m.Host, m.TLS, m.Timeout.Duration, "the reply mailbox owabi reads"})
}

func (c *Config) oauthToken(env func(string) string, l mailLogin) (func() (string, error), error) {
	s := c.SMTP
	switch l.auth {
	case "", "password":
		return nil, nil
	case "xoauth2":
	default:
		return nil, &configError{key: l.section + ".auth", reason: "use password (the default) or xoauth2"}
	}
	if l.username == "" {
		return nil, &configError{key: l.section + ".username", reason: "with " + l.section + ".auth = xoauth2, " + l.mailbox}
	}
	if l.tls == "none" && !loopback(l.host) {
		return nil, &configError{key: l.section + ".tls", reason: "with " + l.section + ".auth = xoauth2 the token would cross the network in clear: use starttls or implicit"}
	}
	// The token source's, for every token it gets: an identity provider
	// that does not answer costs a connection smtp.timeout, as a mail
	// server does, and never holds the sender for good.
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Timeout: cmp.Or(l.timeout, 30*time.Second)})
	var src oauth2.TokenSource
	switch s.OAuthProvider {
	case "microsoft":
		if s.OAuthTenant == "" {
			return nil, &configError{key: "smtp.oauth_tenant", reason: "Microsoft 365 needs the directory (tenant) ID or domain"}
		}
		if s.OAuthClientID == "" {
			return nil, &configError{key: "smtp.oauth_client_id", reason: "Microsoft 365 needs the application (client) ID"}
		}
		secret, err := c.oauthSecret(env)
		if err != nil {
			return nil, err
		}
		src = (&clientcredentials.Config{ClientID: s.OAuthClientID, ClientSecret: secret,
			TokenURL: cmp.Or(s.OAuthTokenURL, strings.Replace(microsoftTokenURL, "%s", url.PathEscape(s.OAuthTenant), 1)),
			Scopes:   []string{cmp.Or(s.OAuthScope, microsoftScope)}}).TokenSource(ctx)
	case "google":
		key, err := c.googleKey()
		if err != nil {
			return nil, err
		}
		src = (&jwt.Config{Email: key.ClientEmail, PrivateKey: []byte(key.PrivateKey), Subject: l.username,
			Scopes: []string{cmp.Or(s.OAuthScope, googleScope)}, TokenURL: cmp.Or(s.OAuthTokenURL, key.TokenURI, googleTokenURL)}).TokenSource(ctx)
	default:
		return nil, &configError{key: "smtp.oauth_provider", reason: "use microsoft (Microsoft 365) or google (Google Workspace)"}
	}
	src = oauth2.ReuseTokenSourceWithExpiry(nil, src, tokenEarly)
	return func() (string, error) {
		t, err := src.Token()
		if err != nil {
			return "", err
		}
		return t.AccessToken, nil
	}, nil
}

// oauthSecret is the application's client secret: from smtp.oauth_secret_file
// when set, else from the environment variable smtp.oauth_secret_env names.
func (c *Config) oauthSecret(env func(string) string) (string, error) {
	s := c.SMTP
	name := cmp.Or(s.OAuthSecretEnv, "OWABI_SMTP_OAUTH_SECRET")
	if env == nil && s.OAuthSecretFile == "" {
		return "", nil // checked when owabi sends
	}
	if s.OAuthSecretFile != "" {
		first, err := c.secretFile("smtp.oauth_secret_file", s.OAuthSecretFile)
		if err == nil && strings.TrimSpace(first) == "" {
			err = &configError{key: "smtp.oauth_secret_file", reason: c.path(s.OAuthSecretFile) + " is empty"}
		}
		return strings.TrimSpace(first), err
	}
	if v := env(name); v != "" {
		return v, nil
	}
	return "", &configError{key: "smtp.oauth_secret_env", reason: "the environment variable " + name + " holding the application's client secret is empty"}
}

// googleKey is a Google service account's key (smtp.oauth_key_file), the
// JSON file Google gives for an account with domain-wide delegation.
func (c *Config) googleKey() (serviceAccount, error) {
	var key serviceAccount
	if c.SMTP.OAuthKeyFile == "" {
		return key, &configError{key: "smtp.oauth_key_file", reason: "Google Workspace needs the service account's key file (JSON)"}
	}
	b, err := os.ReadFile(c.path(c.SMTP.OAuthKeyFile))
	if err != nil {
		return key, &configError{key: "smtp.oauth_key_file", reason: err.Error()}
	}
	if err := json.Unmarshal(b, &key); err != nil || key.ClientEmail == "" || key.PrivateKey == "" {
		return key, &configError{key: "smtp.oauth_key_file", reason: "not a service account's key file: it needs client_email and private_key"}
	}
	// Read now, so that a broken key is refused at start rather than
	// stopping the first send.
	switch _, isPEM, err := pemPrivateKey([]byte(key.PrivateKey)); {
	case !isPEM:
		return key, &configError{key: "smtp.oauth_key_file", reason: "its private_key is not a PEM private key"}
	case err != nil:
		return key, &configError{key: "smtp.oauth_key_file", reason: "its private_key cannot be read: " + err.Error()}
	}
	return key, nil
}

// loopback says whether host is this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type serviceAccount struct {
	ClientEmail string `json:"client_email"`
	PrivateKey  string `json:"private_key"`
	TokenURI    string `json:"token_uri"`
}
