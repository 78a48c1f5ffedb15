package main

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
	"github.com/owabi/owabi/notify/mailer"
	"github.com/owabi/owabi/notify/schedule"
)

// Config is owabi.toml. config.example.toml documents every key.
type Config struct {
	Store        StoreConfig        `toml:"store"`
	Organisation OrganisationConfig `toml:"organisation"`
	Incident     IncidentConfig     `toml:"incident"`
	SMTP         SMTPConfig         `toml:"smtp"`
	Classify     ClassifyConfig     `toml:"classify"`
	Import       ImportConfig       `toml:"import"`
	Templates    TemplatesConfig    `toml:"templates"`
	Web          WebConfig          `toml:"web"`
	Resend       ResendConfig       `toml:"resend"`
	IMAP         IMAPConfig         `toml:"imap"`
	DKIM         DKIMConfig         `toml:"dkim"`
	SMIME        SMIMEConfig        `toml:"smime"`
	Log          LogConfig          `toml:"log"`

	dir string // the config file's folder: relative paths start here
}

// ImportConfig is how owabi import reads books; its flags override it.
type ImportConfig struct {
	Map string `toml:"map"` // columns of a CSV in another layout, as for --map
}

type StoreConfig struct {
	Path string `toml:"path"`
}

type OrganisationConfig struct {
	Name        string   `toml:"name"`
	NameEn      string   `toml:"name_en"`
	Domains     []string `toml:"domains"`
	FromAddress string   `toml:"from_address"`
	FromName    string   `toml:"from_name"`
	FromNameEn  string   `toml:"from_name_en"`
	DeskName    string   `toml:"desk_name"`
	DeskPhone   string   `toml:"desk_phone"`
	DeskEmail   string   `toml:"desk_email"`
	DeskHours   string   `toml:"desk_hours"`
	DeskNameEn  string   `toml:"desk_name_en"`
	DeskHoursEn string   `toml:"desk_hours_en"`
	DeskAddress string   `toml:"desk_address"`
	DeskFax     string   `toml:"desk_fax"`
	// The desk that signs the notices to employees (情報システム部).
	InternalDeskName   string `toml:"internal_desk_name"`
	InternalDeskNameEn string `toml:"internal_desk_name_en"`
	InternalDeskPhone  string `toml:"internal_desk_phone"`
	InternalDeskEmail  string `toml:"internal_desk_email"`
	InternalFromName   string `toml:"internal_from_name"`
	// DeskStaff are the staff the incident report names for questions.
	DeskStaff []DeskStaffConfig `toml:"desk_staff"`
	Language  string            `toml:"language"`
	TimeZone  string            `toml:"time_zone"`
	// Who reports, as the regulators' forms ask.
	Address         string `toml:"address"`
	Representative  string `toml:"representative"`
	CorporateNumber string `toml:"corporate_number"`
	PrivacyMark     string `toml:"privacy_mark"` // the Privacy Mark registration number
	EraDates        bool   `toml:"era_dates"`    // reports in Japanese give days as 令和8年12月3日
}

// DeskStaffConfig is one member of staff the incident report names for
// questions on the incident, with their mobile.
type DeskStaffConfig struct {
	Name   string `toml:"name"`
	Mobile string `toml:"mobile"`
}

type IncidentConfig struct {
	OccurredAt   dateTime `toml:"occurred_at"`
	DiscoveredAt dateTime `toml:"discovered_at"`
	// Intentional: the leak was caused with wrongful intent (the final
	// report to the PPC is then due in 60 days, not 30). GDPR: the GDPR
	// applies (its 72-hour notification is then due too).
	Intentional bool     `toml:"intentional"`
	GDPR        bool     `toml:"gdpr"`
	Source      string   `toml:"source"` // own or contractor
	SpamFrom    string   `toml:"spam_from"`
	SpamSubject string   `toml:"spam_subject"`
	SpamSentAt  dateTime `toml:"spam_sent_at"`
	SpamURL     string   `toml:"spam_url"`
	// The text, in Japanese; [incident.en] holds the English.
	notify.IncidentText
	En notify.IncidentText `toml:"en"`
}

type SMTPConfig struct {
	Host         string `toml:"host"`
	Port         int    `toml:"port"`
	TLS          string `toml:"tls"`
	Username     string `toml:"username"`
	PasswordEnv  string `toml:"password_env"`
	PasswordFile string `toml:"password_file"`
	// ReturnPath, when set, is the base of each notice's own envelope
	// sender (notify.ReturnPath): bounces+CODE@domain.
	ReturnPath string `toml:"return_path"`
	HELO       string `toml:"helo"`
	// Auth is how owabi logs in: "password" (the default) or "xoauth2"
	// (OAuth 2.0, see oauth.go) with the oauth_ keys.
	Auth            string `toml:"auth"`
	OAuthProvider   string `toml:"oauth_provider"`
	OAuthTenant     string `toml:"oauth_tenant"`
	OAuthClientID   string `toml:"oauth_client_id"`
	OAuthSecretEnv  string `toml:"oauth_secret_env"`
	OAuthSecretFile string `toml:"oauth_secret_file"`
	OAuthKeyFile    string `toml:"oauth_key_file"`
	OAuthTokenURL   string `toml:"oauth_token_url"`
	OAuthScope      string `toml:"oauth_scope"`
	// CAFile trusts a mail server whose certificate comes from the
	// organisation's own authority.
	CAFile      string   `toml:"ca_file"`
	Timeout     duration `toml:"timeout"`
	Connections int      `toml:"connections"`
	PerMinute   int      `toml:"per_minute"`
	PerDay      int      `toml:"per_day"`
	MaxAttempts int      `toml:"max_attempts"`
	RetryBase   duration `toml:"retry_base"`
	RetryMax    duration `toml:"retry_max"`
	Poll        duration `toml:"poll"`
}

type ClassifyConfig struct {
	Customers       string            `toml:"customers"`
	Suppliers       string            `toml:"suppliers"`
	FreeMailDomains []string          `toml:"free_mail_domains"`
	Labels          map[string]string `toml:"labels"`
	Overrides       map[string]string `toml:"overrides"`
	DefaultOwner    string            `toml:"default_owner"`
	EmployeeOwner   string            `toml:"employee_owner"`
}

type TemplatesConfig struct {
	Dir string `toml:"dir"`
}

type WebConfig struct {
	Addr          string `toml:"addr"`
	SecureCookies bool   `toml:"secure_cookies"` // staff reach the app over HTTPS through a proxy
	TLSCert       string `toml:"tls_cert"`       // owabi terminates TLS itself when both are set
	TLSKey        string `toml:"tls_key"`
	// AckLinks puts a personal confirmation link in every notice; off by
	// default, as after a phishing incident a notice should not ask anyone
	// to click. PublicURL is where people reach the app for it.
	// MetricsToken is the bearer token /metrics asks for; without one it
	// answers only this computer. OWABI_WEB_METRICS_TOKEN sets it.
	MetricsToken string   `toml:"metrics_token"`
	AckLinks     bool     `toml:"ack_links"`
	PublicURL    string   `toml:"public_url"`
	AckLinkTTL   duration `toml:"ack_link_ttl"`
}

// SMIMEConfig signs notices with the sender's S/MIME certificate.
type SMIMEConfig struct {
	CertFile string `toml:"cert_file"` // PEM: the certificate, then any intermediate
	KeyFile  string `toml:"key_file"`  // PEM: its RSA or ECDSA private key, owner-only
}

// smime loads the S/MIME certificate and key, or returns nil when notices
// are not signed with S/MIME.
func (c *Config) smime() (*tls.Certificate, error) {
	s := c.SMIME
	switch {
	case s.CertFile == "" && s.KeyFile == "":
		return nil, nil
	case s.CertFile == "" || s.KeyFile == "":
		return nil, &configError{key: "smime.cert_file", reason: "set both smime.cert_file and smime.key_file, or neither"}
	case c.DKIM.Selector != "" || c.DKIM.KeyFile != "":
		return nil, &configError{key: "smime.cert_file", reason: "sign with [dkim] or [smime], not both"}
	}
	pair, err := tls.LoadX509KeyPair(c.path(s.CertFile), c.path(s.KeyFile))
	if err != nil {
		return nil, &configError{key: "smime.cert_file", reason: err.Error()}
	}
	return &pair, nil
}

// DKIMConfig signs notices, for a relay that does not.
type DKIMConfig struct {
	Selector string `toml:"selector"`
	KeyFile  string `toml:"key_file"` // PEM: an RSA (PKCS #1 or #8) or Ed25519 private key, owner-only
	Domain   string `toml:"domain"`   // default: organisation.from_address's domain
}

// pemPrivateKey reads the private key in b, in PEM, as PKCS #8 or #1;
// isPEM is false when b holds no PEM block at all.
func pemPrivateKey(b []byte) (key any, isPEM bool, err error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, false, nil
	}
	if key, err = x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	}
	return key, true, err
}

// dkimRSA is the RSA key d signs with, if it signs.
func dkimRSA(d *mailer.DKIM) (*rsa.PrivateKey, bool) {
	if d == nil {
		return nil, false
	}
	k, ok := d.Key.(*rsa.PrivateKey)
	return k, ok
}

// minDKIMBits and goodDKIMBits are the shortest RSA key for DKIM that
// receivers take (RFC 8301), and the shortest owabi does not warn of.
const minDKIMBits, goodDKIMBits = 1024, 2048

// dkim reads the signing key, or returns nil when notices go unsigned.
func (c *Config) dkim() (*mailer.DKIM, error) {
	d := c.DKIM
	if d.Selector == "" && d.KeyFile == "" {
		return nil, nil
	}
	if d.Selector == "" || d.KeyFile == "" {
		return nil, &configError{key: "dkim.selector", reason: "set both dkim.selector and dkim.key_file, or neither"}
	}
	b, err := os.ReadFile(c.path(d.KeyFile))
	if err != nil {
		return nil, &configError{key: "dkim.key_file", reason: err.Error()}
	}
	key, isPEM, err := pemPrivateKey(b)
	if !isPEM {
		return nil, &configError{key: "dkim.key_file", reason: "no PEM private key in the file"}
	}
	var signer crypto.Signer
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if bits := k.N.BitLen(); bits < minDKIMBits {
			// RFC 8301: verifiers must not take a signature by a shorter key.
			return nil, &configError{key: "dkim.key_file", reason: fmt.Sprintf("the RSA key has %d bits; receivers ignore a DKIM signature by a key under %d bits: make one of 2048", bits, minDKIMBits)}
		}
		signer = k
	case ed25519.PrivateKey:
		// Mail::DKIM, which SpamAssassin and Amavis use, cannot verify an
		// Ed25519 signature: to them the notices would look unsigned.
		return nil, &configError{key: "dkim.key_file", reason: "an Ed25519 key: many receivers (SpamAssassin, Amavis) cannot verify its signatures; use an RSA key of 2048 bits"}
	}
	if err != nil || signer == nil { // DKIM signs with RSA
		return nil, &configError{key: "dkim.key_file", reason: "not an RSA private key (PKCS #1 or #8)"}
	}
	domain := d.Domain
	if domain == "" {
		_, domain, _ = strings.Cut(c.Organisation.FromAddress, "@")
	}
	if domain == "" {
		return nil, &configError{key: "dkim.domain", reason: "missing: the domain to sign for"}
	}
	return &mailer.DKIM{Domain: domain, Selector: d.Selector, Key: signer}, nil
}

// IMAPConfig is the reply mailbox owabi reads for acknowledgements and
// bounces; it is read when Host is set.
type IMAPConfig struct {
	Host         string `toml:"host"`
	Port         int    `toml:"port"`
	TLS          string `toml:"tls"`
	CAFile       string `toml:"ca_file"`
	Username     string `toml:"username"`
	PasswordEnv  string `toml:"password_env"`
	PasswordFile string `toml:"password_file"`
	// Auth is "password" (the default) or "xoauth2", with the application
	// [smtp] oauth_* names.
	Auth    string `toml:"auth"`
	Mailbox string `toml:"mailbox"`
	// TrustedAuthservIDs are the organisation's receiving servers' ids in
	// Authentication-Results: what they found of a sender is believed.
	TrustedAuthservIDs []string `toml:"trusted_authserv_ids"`
	Poll               duration `toml:"poll"`
	Timeout            duration `toml:"timeout"`
}

// ResendConfig is the scheduled resend of notices nobody acknowledged.
type ResendConfig struct {
	Enabled  bool     `toml:"enabled"`
	Schedule string   `toml:"schedule"` // cron, in organisation.time_zone unless it starts with CRON_TZ=
	Kinds    []string `toml:"kinds"`
	After    duration `toml:"after"`     // unacknowledged this long after a send
	MaxSends int      `toml:"max_sends"` // sends of a kind to an address in all, then a call
	Hours    string   `toml:"hours"`     // business hours mail goes out in, "09:00-18:00"
	Days     []string `toml:"days"`      // business days, "mon" ... "sun"
}

type LogConfig struct {
	Level string `toml:"level"`
}

// duration reads "30s" or "5m" from TOML and the environment.
type duration struct{ time.Duration }

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration like 30s or 5m", b)
	}
	d.Duration = v
	return nil
}

func (d duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// defaults are the values a key takes when the file leaves it out.
func defaults() Config {
	return Config{
		Store:        StoreConfig{Path: "owabi.db"},
		Organisation: OrganisationConfig{Language: "ja", TimeZone: "Asia/Tokyo"},
		Incident:     IncidentConfig{Source: string(notify.OwnBusiness)},
		SMTP: SMTPConfig{TLS: "starttls", PasswordEnv: "OWABI_SMTP_PASSWORD",
			Timeout: duration{30 * time.Second}, Connections: 2, MaxAttempts: 8,
			RetryBase: duration{time.Minute}, RetryMax: duration{time.Hour}, Poll: duration{5 * time.Second}},
		Web: WebConfig{Addr: "127.0.0.1:8080", AckLinkTTL: duration{30 * 24 * time.Hour}},
		IMAP: IMAPConfig{TLS: "implicit", PasswordEnv: "OWABI_IMAP_PASSWORD", Mailbox: "INBOX",
			Poll: duration{5 * time.Minute}, Timeout: duration{30 * time.Second}},
		Resend: ResendConfig{Enabled: true, Schedule: "0 9 * * 1-5", Kinds: []string{"deletion"}, After: duration{48 * time.Hour},
			MaxSends: 3, Hours: "09:00-18:00", Days: []string{"mon", "tue", "wed", "thu", "fri"}},
		Log: LogConfig{Level: "info"},
	}
}

// dateTime is a TOML date-time. One written without an offset is read in
// organisation.time_zone, not in the zone of whatever machine owabi runs on.
type dateTime struct {
	time.Time
	local bool // written without an offset
}

func (d *dateTime) UnmarshalTOML(v any) error {
	t, ok := v.(time.Time)
	if !ok {
		return errors.New("not a date-time like 2026-11-20T14:05:00+09:00")
	}
	// BurntSushi/toml marks date-times without an offset with these zones.
	d.Time, d.local = t, strings.HasSuffix(t.Location().String(), "-local")
	return nil
}

func (d *dateTime) UnmarshalText(b []byte) error {
	t, err := time.Parse(time.RFC3339, string(b))
	if err == nil {
		d.Time, d.local = t, false
		return nil
	}
	if t, err = time.Parse("2006-01-02T15:04:05", string(b)); err == nil {
		d.Time, d.local = t, true
		return nil
	}
	return fmt.Errorf("%q is not a date-time like 2026-11-20T14:05:00+09:00", b)
}

// inZone reads the incident's date-times written without an offset in zone.
func (i *IncidentConfig) inZone(zone *time.Location) {
	for _, d := range []*dateTime{&i.OccurredAt, &i.DiscoveredAt, &i.SpamSentAt} {
		if t := d.Time; d.local {
			d.Time = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), zone)
			d.local = false
		}
	}
}

// configError is a config problem: it names the key and stops start-up with
// exit code 2.
type configError struct{ key, reason string }

func (e *configError) Error() string {
	if e.key == "" {
		return "config: " + e.reason
	}
	return fmt.Sprintf("config: %s: %s", e.key, e.reason)
}

// LoadConfig reads path, applies OWABI_<SECTION>_<KEY> from env and checks
// every value.
func LoadConfig(path string, env func(string) string) (*Config, error) {
	c := defaults()
	body, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &configError{reason: fmt.Sprintf("%s does not exist (copy config.example.toml, or run \"owabi demo\" for a working one)", path)}
		}
		return nil, &configError{reason: err.Error()}
	}
	md, err := toml.Decode(string(body), &c)
	if err != nil {
		return nil, tomlError(path, err)
	}
	for _, k := range md.Undecoded() {
		if len(k) >= 2 && (k[1] == "labels" || k[1] == "overrides") {
			continue // free-form tables
		}
		return nil, &configError{key: k.String(), reason: "unknown key (see config.example.toml)"}
	}
	if err := applyEnv(&c, env); err != nil {
		return nil, err
	}
	if c.SMTP.Port == 0 {
		c.SMTP.Port = map[string]int{"none": 25, "starttls": 587, "implicit": 465}[c.SMTP.TLS]
	}
	if zone, err := time.LoadLocation(c.Organisation.TimeZone); err == nil {
		c.Incident.inZone(zone)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	c.dir = filepath.Dir(abs)
	return &c, c.Validate()
}

// tomlError names the key a TOML error is about, in words.
func tomlError(path string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if strings.HasPrefix(msg, "parsing time") {
			msg = "not a date-time like 2026-11-20T14:05:00+09:00"
		}
		if pe.LastKey == "" {
			return &configError{reason: fmt.Sprintf("%s line %d: %s", path, pe.Position.Line, msg)}
		}
		return &configError{key: pe.LastKey, reason: fmt.Sprintf("line %d: %s", pe.Position.Line, msg)}
	}
	// Type mismatches come as "toml: line 5 (last key "smtp.port"):
	// incompatible types: TOML value has type string; destination has type integer".
	if m := tomlTypeError.FindStringSubmatch(err.Error()); m != nil {
		return &configError{key: m[2], reason: fmt.Sprintf("line %s: must be %s, not %s", m[1], article(m[4]), article(m[3]))}
	}
	return &configError{reason: fmt.Sprintf("%s: %v", path, err)}
}

var tomlTypeError = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]+)"\): incompatible types: TOML value has type (\S+); destination has type (\S+)$`)

func article(typ string) string {
	switch typ {
	case "integer":
		return "a whole number"
	case "array", "slice":
		return "a list like [\"a\", \"b\"]"
	case "string", "text":
		return "a text in quotes"
	}
	return "a " + typ
}

// applyEnv overrides scalar keys from OWABI_<SECTION>_<KEY>, as people
// running owabi in containers expect.
func applyEnv(c *Config, env func(string) string) error {
	sections := reflect.ValueOf(c).Elem()
	for i := range sections.NumField() {
		section, sf := sections.Field(i), sections.Type().Field(i)
		name := sf.Tag.Get("toml")
		if name == "" {
			continue
		}
		for j := range section.NumField() {
			key := section.Type().Field(j).Tag.Get("toml")
			v := env("OWABI_" + strings.ToUpper(name) + "_" + strings.ToUpper(key))
			if v == "" {
				continue
			}
			if err := setFromText(section.Field(j), v); err != nil {
				return &configError{key: name + "." + key, reason: fmt.Sprintf("from the environment: %v", err)}
			}
		}
	}
	return nil
}

func setFromText(f reflect.Value, v string) error {
	if u, ok := f.Addr().Interface().(encoding.TextUnmarshaler); ok {
		return u.UnmarshalText([]byte(v))
	}
	switch {
	case f.Kind() == reflect.String:
		f.SetString(v)
	case f.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		f.SetBool(b)
	case f.Kind() == reflect.Int:
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		f.SetInt(int64(n))
	case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
		parts := strings.Split(v, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		f.Set(reflect.ValueOf(parts))
	default:
		return errors.New("cannot be set from the environment")
	}
	return nil
}

// Validate checks every value and names the first wrong key.
func (c *Config) Validate() error {
	o, inc, s := c.Organisation, c.Incident, c.SMTP
	required := []struct{ key, value string }{
		{"store.path", c.Store.Path},
		{"organisation.name", o.Name},
		{"organisation.from_address", o.FromAddress},
		{"organisation.desk_name", o.DeskName},
		{"organisation.desk_phone", o.DeskPhone},
		{"incident.spam_from", inc.SpamFrom},
		{"incident.spam_subject", inc.SpamSubject},
		{"smtp.host", s.Host},
	}
	for _, r := range required {
		if strings.TrimSpace(r.value) == "" {
			return &configError{key: r.key, reason: "missing: this key is required"}
		}
	}
	if len(o.Domains) == 0 {
		return &configError{key: "organisation.domains", reason: "missing: list the organisation's own e-mail domains"}
	}
	for i, p := range o.DeskStaff {
		if strings.TrimSpace(p.Name) == "" || strings.TrimSpace(p.Mobile) == "" {
			return &configError{key: fmt.Sprintf("organisation.desk_staff[%d]", i+1),
				reason: `give each member of staff a name and a mobile, like { name = "総務部 桜井 花子", mobile = "090-0000-0001" }`}
		}
	}
	if c.Web.AckLinks {
		u, err := url.Parse(c.Web.PublicURL)
		if err != nil || u.Host == "" || u.Scheme != "https" && u.Scheme != "http" || u.RawQuery != "" {
			return &configError{key: "web.public_url", reason: fmt.Sprintf("%q is not where people reach owabi, like https://owabi.example.jp (needed for web.ack_links)", c.Web.PublicURL)}
		}
		if c.Web.AckLinkTTL.Duration < time.Hour {
			return &configError{key: "web.ack_link_ttl", reason: "must be an hour or more, like 720h"}
		}
	}
	if (c.Web.TLSCert == "") != (c.Web.TLSKey == "") {
		return &configError{key: "web.tls_cert", reason: "set both web.tls_cert and web.tls_key, or neither"}
	}
	if _, _, err := net.SplitHostPort(c.Web.Addr); err != nil {
		return &configError{key: "web.addr", reason: fmt.Sprintf("%q is not host:port like 127.0.0.1:8080", c.Web.Addr)}
	}
	if c.Import.Map != "" {
		if _, err := addrbook.ParseMapping(c.Import.Map); err != nil {
			return &configError{key: "import.map", reason: err.Error()}
		}
	}
	for _, d := range o.Domains {
		if _, err := addrbook.NormalizeDomain(d); err != nil {
			return &configError{key: "organisation.domains", reason: err.Error()}
		}
	}
	for _, a := range []struct{ key, value string }{
		{"organisation.from_address", o.FromAddress}, {"organisation.desk_email", o.DeskEmail}, {"incident.spam_from", inc.SpamFrom},
	} {
		if a.value == "" {
			continue
		}
		if addr, err := mail.ParseAddress(a.value); err != nil || addr.Address != a.value {
			return &configError{key: a.key, reason: fmt.Sprintf("%q is not a bare e-mail address like desk@example.jp", a.value)}
		}
	}
	if strings.EqualFold(o.FromAddress, inc.SpamFrom) {
		return &configError{key: "organisation.from_address", reason: "is the compromised address the spam came from; send from the official address"}
	}
	if !slices.Contains(mailer.Languages, o.Language) {
		return &configError{key: "organisation.language", reason: fmt.Sprintf("%q is not ja or en", o.Language)}
	}
	if _, err := time.LoadLocation(o.TimeZone); err != nil || o.TimeZone == "" {
		return &configError{key: "organisation.time_zone", reason: fmt.Sprintf("%q is not a time zone like Asia/Tokyo", o.TimeZone)}
	}
	if inc.Source != string(notify.OwnBusiness) && inc.Source != string(notify.Contractor) {
		return &configError{key: "incident.source", reason: fmt.Sprintf("%q is not own (in the organisation's own business) or contractor", inc.Source)}
	}
	if inc.SpamSentAt.IsZero() {
		return &configError{key: "incident.spam_sent_at", reason: "missing: when the spam was sent, like 2026-11-20T14:05:00+09:00"}
	}
	switch {
	case s.Port < 0 || s.Port > 65535:
		return &configError{key: "smtp.port", reason: fmt.Sprintf("%d is not a port (1-65535)", s.Port)}
	case s.TLS != "none" && s.TLS != "starttls" && s.TLS != "implicit":
		return &configError{key: "smtp.tls", reason: fmt.Sprintf("%q is not one of none, starttls, implicit", s.TLS)}
	case s.Connections < 1 || s.Connections > 32:
		return &configError{key: "smtp.connections", reason: fmt.Sprintf("%d is not between 1 and 32", s.Connections)}
	case s.PerMinute < 0:
		return &configError{key: "smtp.per_minute", reason: "must be 0 (no limit) or more"}
	case s.PerDay < 0:
		return &configError{key: "smtp.per_day", reason: "must be 0 (no cap) or more"}
	case s.MaxAttempts < 1:
		return &configError{key: "smtp.max_attempts", reason: "must be at least 1"}
	case s.Timeout.Duration <= 0:
		return &configError{key: "smtp.timeout", reason: "must be more than 0"}
	case s.RetryBase.Duration <= 0 || s.RetryMax.Duration < s.RetryBase.Duration:
		return &configError{key: "smtp.retry_max", reason: "must be at least smtp.retry_base, which must be more than 0"}
	case s.Poll.Duration <= 0:
		return &configError{key: "smtp.poll", reason: "must be more than 0"}
	}
	for label, cat := range c.Classify.Labels {
		if !knownCategory(cat) {
			return &configError{key: "classify.labels." + label, reason: fmt.Sprintf("%q is not customer, supplier or employee", cat)}
		}
	}
	for addr, cat := range c.Classify.Overrides {
		if !knownCategory(cat) {
			return &configError{key: "classify.overrides." + addr, reason: fmt.Sprintf("%q is not customer, supplier or employee", cat)}
		}
	}
	if err := c.Resend.validate(c.zone()); err != nil {
		return err
	}
	if _, err := c.dkim(); err != nil {
		return err
	}
	if _, err := c.certificateAuthority("smtp.ca_file", c.SMTP.CAFile); err != nil {
		return err
	}
	if _, err := c.smtpToken(nil); err != nil {
		return err
	}
	if _, err := c.smime(); err != nil {
		return err
	}
	if m := c.IMAP; m.Host != "" {
		switch {
		case m.TLS != "implicit" && m.TLS != "starttls" && m.TLS != "none":
			return &configError{key: "imap.tls", reason: fmt.Sprintf("%q is not one of implicit, starttls, none", m.TLS)}
		case m.Port < 0 || m.Port > 65535:
			return &configError{key: "imap.port", reason: fmt.Sprintf("%d is not a port (1-65535)", m.Port)}
		case m.Username == "":
			return &configError{key: "imap.username", reason: "missing: the mailbox's login"}
		case m.Mailbox == "":
			return &configError{key: "imap.mailbox", reason: "missing: the folder replies arrive in, usually INBOX"}
		case m.Poll.Duration < 10*time.Second:
			return &configError{key: "imap.poll", reason: "must be 10s or more"}
		case m.Timeout.Duration <= 0:
			return &configError{key: "imap.timeout", reason: "must be more than 0"}
		}
		if _, err := c.imapToken(nil); err != nil {
			return err
		}
	}
	switch strings.ToLower(c.Log.Level) {
	case "debug", "info", "warn", "error":
	default:
		return &configError{key: "log.level", reason: fmt.Sprintf("%q is not debug, info, warn or error", c.Log.Level)}
	}
	return nil
}

func (r ResendConfig) validate(zone *time.Location) error {
	if _, err := schedule.Parse(r.Schedule, zone); err != nil {
		return &configError{key: "resend.schedule", reason: err.Error()}
	}
	for _, k := range r.Kinds {
		if !slices.Contains(notify.NoticeKinds, notify.NoticeKind(k)) {
			return &configError{key: "resend.kinds", reason: fmt.Sprintf("%q is not deletion or apology", k)}
		}
	}
	switch {
	case r.After.Duration < time.Hour:
		return &configError{key: "resend.after", reason: "must be an hour or more, like 48h"}
	case r.MaxSends < 1:
		return &configError{key: "resend.max_sends", reason: "must be at least 1 (1: no resend, straight to a call)"}
	}
	if _, err := r.businessHours(zone); err != nil {
		return err
	}
	return nil
}

// weekdays are the names resend.days takes.
var weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// businessHours reads resend.hours and resend.days.
func (r ResendConfig) businessHours(zone *time.Location) (schedule.Hours, error) {
	h := schedule.Hours{Zone: zone}
	from, to, ok := strings.Cut(r.Hours, "-")
	start, err1 := time.Parse("15:04", strings.TrimSpace(from))
	end, err2 := time.Parse("15:04", strings.TrimSpace(to))
	if !ok || err1 != nil || err2 != nil || !end.After(start) {
		return h, &configError{key: "resend.hours", reason: fmt.Sprintf("%q is not business hours like 09:00-18:00", r.Hours)}
	}
	h.Start, h.End = start.Sub(start.Truncate(24*time.Hour)), end.Sub(end.Truncate(24*time.Hour))
	for _, d := range r.Days {
		wd, ok := weekdays[strings.ToLower(d)]
		if !ok {
			return h, &configError{key: "resend.days", reason: fmt.Sprintf("%q is not a day like mon, tue, ... sun", d)}
		}
		h.Days = append(h.Days, wd)
	}
	if len(h.Days) == 0 {
		return h, &configError{key: "resend.days", reason: "name at least one day mail may go out on"}
	}
	return h, nil
}

// resendPolicy is resend's policy in the domain's terms.
func (r ResendConfig) resendPolicy() notify.ResendPolicy {
	p := notify.ResendPolicy{After: r.After.Duration, MaxSends: r.MaxSends}
	for _, k := range r.Kinds {
		p.Kinds = append(p.Kinds, notify.NoticeKind(k))
	}
	return p
}

func knownCategory(c string) bool {
	switch notify.Category(c) {
	case notify.Customer, notify.Supplier, notify.Employee:
		return true
	}
	return false
}

// path resolves a path from the config relative to the config file.
func (c *Config) path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}

// password reads the SMTP password from the environment or a file, never
// from the config itself.
func (c *Config) password(env func(string) string) (string, error) {
	s := c.SMTP
	return c.secret(env, "smtp", s.Username, s.PasswordEnv, s.PasswordFile)
}

// secret reads a section's password: from its file when one is named,
// else from its environment variable, which must be set when there is a
// login.
func (c *Config) secret(env func(string) string, section, username, envName, file string) (string, error) {
	if file != "" {
		return c.secretFile(section+".password_file", file)
	}
	pw := env(envName)
	if pw == "" && username != "" {
		return "", &configError{key: section + ".password_env", reason: fmt.Sprintf("%s.username is set but the environment variable %s is empty", section, envName)}
	}
	return pw, nil
}

// secretFile reads a secret from the first line of file, named key in
// the config.
func (c *Config) secretFile(key, file string) (string, error) {
	b, err := os.ReadFile(c.path(file))
	if err != nil {
		return "", &configError{key: key, reason: err.Error()}
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimRight(first, "\r"), nil
}

// zone is the configured time zone (Validate has checked it).
func (c *Config) zone() *time.Location {
	z, _ := time.LoadLocation(c.Organisation.TimeZone)
	return z
}

// organisation and incident turn the config into the domain's terms.
func (c *Config) organisation() notify.Organisation {
	o := c.Organisation
	var staff []notify.Staff
	for _, s := range o.DeskStaff {
		staff = append(staff, notify.Staff{Name: s.Name, Phone: s.Mobile})
	}
	return notify.Organisation{
		Name: o.Name, NameEn: o.NameEn, Domains: o.Domains, FromAddress: o.FromAddress, FromName: o.FromName, FromNameEn: o.FromNameEn,
		Desk:      notify.Staff{Name: o.DeskName, Phone: o.DeskPhone, Email: o.DeskEmail},
		DeskHours: o.DeskHours, DeskNameEn: o.DeskNameEn, DeskHoursEn: o.DeskHoursEn,
		DeskAddress: o.DeskAddress, DeskFax: o.DeskFax, DeskStaff: staff,
		InternalDesk:       notify.Staff{Name: o.InternalDeskName, Phone: o.InternalDeskPhone, Email: o.InternalDeskEmail},
		InternalDeskNameEn: o.InternalDeskNameEn, InternalFromName: o.InternalFromName,
		Address: o.Address, Representative: o.Representative, CorporateNumber: o.CorporateNumber, PrivacyMark: o.PrivacyMark,
		EraDates: o.EraDates,
	}
}

func (c *Config) incident() notify.Incident {
	i := c.Incident
	return notify.Incident{
		OccurredAt: i.OccurredAt.Time, DiscoveredAt: i.DiscoveredAt.Time, Intentional: i.Intentional, GDPR: i.GDPR,
		Source:   notify.Source(i.Source),
		SpamFrom: i.SpamFrom, SpamSubject: i.SpamSubject, SpamSentAt: i.SpamSentAt.Time, SpamURL: i.SpamURL,
		IncidentText: i.IncidentText, En: i.En,
	}
}

// pace is how fast the mail server lets owabi send.
func (s SMTPConfig) pace() notify.Pace { return notify.Pace{PerMinute: s.PerMinute, PerDay: s.PerDay} }
