// Package mailer writes notices from templates and sends them over SMTP
// sessions that github.com/wneessen/go-mail opens (TLS, every AUTH),
// deciding from the server's reply whether a failure is worth retrying.
// The mail itself is written here (message.go): every notice has one
// shape, and writing it directly is much cheaper than a general composer.
package mailer

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"html"
	"io/fs"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"text/template"
	"time"
	"unicode"
	"unicode/utf8"

	netmail "net/mail"
	"net/textproto"

	"github.com/wneessen/go-mail"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/fieldcheck"
	"github.com/owabi/owabi/notify/wording"
)

// Languages are the languages notices can be written in.
var Languages = []string{"ja", "en"}

// Composer writes notices. It parses every template once, at start, so that a
// broken template stops owabi before the first notice instead of half-way.
type Composer struct {
	Org  notify.Organisation
	Zone *time.Location
	// DKIM, when set, signs every notice for the domain.
	DKIM *DKIM
	// SMIME, when set, signs every notice with S/MIME (go-mail's own
	// signing): the sender's certificate and key. Not with DKIM: a notice
	// carries one signature, the one its tests verify.
	SMIME *tls.Certificate
	// ReturnPath, when set, gives each notice an envelope sender of its
	// own (notify.ReturnPath), so that a bounce says which notice it
	// returns even when it quotes nothing of it.
	ReturnPath string
	tmpl       map[string]*template.Template // by file name, e.g. "ja/deletion_employee.tmpl"
	// incident is what notices tell; a manager may change it while notices go out.
	incident atomic.Pointer[notify.Incident]
}

// SetIncident makes the notices written from now on tell inc.
func (c *Composer) SetIncident(inc notify.Incident) { c.incident.Store(&inc) }

// NewComposer loads the templates; files in the earlier file systems win.
func NewComposer(org notify.Organisation, inc notify.Incident, zone *time.Location, sources ...fs.FS) (*Composer, error) {
	c := &Composer{Org: org, Zone: zone, tmpl: map[string]*template.Template{}}
	c.SetIncident(inc)
	for i := len(sources) - 1; i >= 0; i-- {
		files, err := fs.Glob(sources[i], "mail/*/*.tmpl")
		if err != nil {
			return nil, err
		}
		for _, name := range files {
			body, err := fs.ReadFile(sources[i], name)
			if err != nil {
				return nil, err
			}
			key := strings.TrimPrefix(name, "mail/")
			lang := strings.SplitN(key, "/", 2)[0]
			t, err := template.New(key).Funcs(funcs(lang, zone)).Option("missingkey=error").Parse(string(body))
			if err != nil {
				return nil, fmt.Errorf("template %s: %w", name, err)
			}
			if t.Lookup("subject") == nil {
				return nil, fmt.Errorf("template %s: no {{define \"subject\"}}", name)
			}
			c.tmpl[key] = t
		}
	}
	for _, lang := range Languages {
		for _, kind := range notify.NoticeKinds {
			if _, err := c.template(lang, kind, notify.Customer); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// template finds the most specific template: kind_category, then kind.
func (c *Composer) template(lang string, kind notify.NoticeKind, cat notify.Category) (*template.Template, error) {
	for _, name := range []string{fmt.Sprintf("%s/%s_%s.tmpl", lang, kind, cat), fmt.Sprintf("%s/%s.tmpl", lang, kind)} {
		if t, ok := c.tmpl[name]; ok {
			return t, nil
		}
	}
	return nil, notify.Errorf(notify.ENOTFOUND, "no %s template for the %s notice (mail/%s/%s.tmpl)", lang, kind, lang, kind)
}

// Data is what a notice template sees.
type Data struct {
	Lang       string
	Kind       notify.NoticeKind
	Category   notify.Category
	Employee   bool           // write in the internal tone
	Salutation string         // 会社名 氏名 様, or the English equivalent
	Contact    notify.Contact // as a notice may print it: no field fieldcheck finds unsafe, no notes
	Email      string         // the address this notice goes to
	Owner      notify.Staff   // who the person should call; no Name when unknown or unsafe (templates then name the desk only)
	Org        notify.Organisation
	Incident   notify.Incident
	Ref        string // the reference code a person can quote
	AckLink    string // the personal confirmation page; "" when links are off
	AckHost    string // its host, named in the text that says which link is genuine
	// FromDomain is the domain the organisation's mail comes from (of
	// organisation.from_address): the notices tell people that genuine
	// mail comes only from it. Empty when the spam came from one of the
	// organisation's own domains (a company mailbox taken over): saying
	// so then would vouch for the spam.
	FromDomain string
	// SMIME: the notice is signed with S/MIME, which mail readers list as
	// an attachment (smime.p7s); the notice says so, to stay true.
	SMIME bool
}

// Rendered is a written notice.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

// Render writes the notice for one delivery.
func (c *Composer) Render(d notify.Delivery) (Rendered, error) {
	return c.render(printable(d))
}

// printable is d with the contact and owner as a notice may print them:
// the book is the attacker's, so a field fieldcheck finds unsafe (a link,
// another address, pasted text) is left out, and the templates fall back
// to 「ご担当者 様」, "Dear Sir or Madam," or the desk alone.
func printable(d notify.Delivery) notify.Delivery {
	d.Contact = fieldcheck.Printable(d.Contact, d.Email)
	d.Owner = fieldcheck.Staff(d.Owner, d.Email)
	return d
}

func (c *Composer) render(d notify.Delivery) (Rendered, error) {
	t, err := c.template(d.Lang, d.Kind, d.Contact.Category)
	if err != nil {
		return Rendered{}, err
	}
	data := Data{
		Lang: d.Lang, Kind: d.Kind, Category: d.Contact.Category, Employee: d.Contact.Category == notify.Employee,
		Salutation: salutation(d.Lang, d.Contact), Contact: d.Contact, Email: d.Email,
		Owner: d.Owner, Org: c.Org.For(d.Lang, d.Contact.Category), Incident: c.incident.Load().In(d.Lang), Ref: d.Ref(), AckLink: d.AckLink,
	}
	if u, err := url.Parse(d.AckLink); err == nil {
		data.AckHost = u.Host
	}
	data.SMIME = c.SMIME != nil
	if domain := domainOf(c.Org.FromAddress); domain != "" && !c.ownDomain(domainOf(data.Incident.SpamFrom)) {
		data.FromDomain = domain
	}
	var subject, text bytes.Buffer
	text.Grow(8 << 10) // a notice's length: one allocation, not one per doubling
	if err := t.ExecuteTemplate(&subject, "subject", data); err != nil {
		return Rendered{}, err
	}
	if err := t.Execute(&text, data); err != nil {
		return Rendered{}, err
	}
	r := Rendered{Subject: oneLine(subject.String()), Text: strings.TrimLeft(text.String(), "\n")}
	r.HTML = textToHTML(d.Lang, r.Subject, r.Text)
	return r, nil
}

// domainOf is the domain of the address in s ("営業部 <a@b.example>" or
// "a@b.example"), lower-cased; "" when s holds none.
func domainOf(s string) string {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ">"))
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(s[at+1:])
}

// ownDomain says whether domain is the organisation's: its From
// address's, or one of its own domains.
func (c *Composer) ownDomain(domain string) bool {
	if domain == "" {
		return false
	}
	return domain == domainOf(c.Org.FromAddress) || slices.ContainsFunc(c.Org.Domains, func(d string) bool { return strings.EqualFold(d, domain) })
}

// salutation addresses a person as a business letter in lang does: a
// Japanese one names the company first, and a colleague with さん; an
// English one puts a name written in Latin letters given name first, and
// keeps one written in Japanese family name first, as its owner writes it.
func salutation(lang string, c notify.Contact) string {
	name := oneLine(c.Name())
	if lang == "en" && !inJapaneseScript(c.Family+c.Given) {
		name = oneLine(strings.TrimSpace(c.Given + " " + c.Family))
	}
	switch {
	case c.Category == notify.Employee && name == "":
		return wording.Say(lang, "salute.employees")
	case c.Category == notify.Employee:
		return wording.Say(lang, "salute.employee", name)
	case name == "":
		name = wording.Say(lang, "salute.someone")
	}
	if lang != "en" {
		name = strings.TrimSpace(oneLine(c.Company) + " " + name)
	}
	return wording.Say(lang, "salute.person", name)
}

// inJapaneseScript says whether s has a kanji or kana in it.
func inJapaneseScript(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
	}) >= 0
}

// oneLine removes line breaks and other control characters, so that text
// from an address book can never start a new mail header.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s))
}

// textToHTML renders the text body as simple HTML: the same words, so the
// two parts can never disagree. The text is wrapped by hand for plain-text
// readers; in HTML a paragraph's wrapped lines flow again, so that a phone
// wraps them at its own width. Lines that stand on their own keep their
// break: items (indented or listed), addresses of pages, and the signature
// (the last paragraph, or one under a rule). Lines starting with ■ become
// headings; no text becomes a link.
func textToHTML(lang, subject, text string) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/4 + 512) // the text, escaped, and the tags
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>%s</title></head>\n", lang, html.EscapeString(subject))
	b.WriteString(`<body style="font-family:sans-serif;line-height:1.7;max-width:42em">` + "\n")
	paras := strings.Split(strings.TrimSpace(text), "\n\n")
	for n, para := range paras {
		lines := strings.Split(strings.Trim(para, "\n"), "\n")
		if strings.HasPrefix(lines[0], "■") {
			fmt.Fprintf(&b, "<h3 style=\"margin:1.2em 0 0.2em\">%s</h3>\n", html.EscapeString(lines[0]))
			lines = lines[1:]
		}
		if len(lines) == 0 {
			continue
		}
		signature := n == len(paras)-1 || isRule(lines[0])
		b.WriteString(`<p style="margin:0 0 1em">`)
		for i, l := range lines {
			if i > 0 {
				switch prev := lines[i-1]; {
				case signature || standsAlone(prev) || standsAlone(l):
					b.WriteString("<br>\n")
				case needsSpace(prev, l):
					b.WriteString(" ")
				}
			}
			b.WriteString(html.EscapeString(l))
		}
		b.WriteString("</p>\n")
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

// standsAlone says whether a line of the text is one of its own, not a
// wrapped part of a sentence: an item, a page's address or a rule.
func standsAlone(line string) bool {
	r, _ := utf8.DecodeRuneInString(line)
	return unicode.IsSpace(r) || strings.ContainsRune("・-*※①②③④⑤", r) || isRule(line) ||
		strings.HasPrefix(line, "http://") || strings.HasPrefix(line, "https://")
}

// isRule says whether a line is a rule drawn above a signature: "--" or a
// line of dashes.
func isRule(line string) bool {
	line = strings.TrimSpace(line)
	return line != "" && strings.Trim(line, "-―─") == ""
}

// needsSpace says whether two wrapped lines join with a space: between
// words of English, not between Japanese characters, which have none.
func needsSpace(before, after string) bool {
	last, _ := utf8.DecodeLastRuneInString(before)
	first, _ := utf8.DecodeRuneInString(after)
	return !wide(last) && !wide(first)
}

// wide says whether r is written without spaces around it: Japanese or
// Chinese script, or full-width punctuation.
func wide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

// Compose writes the mail for one delivery, with the Message-ID fixed when
// it was queued.
func (c *Composer) Compose(d notify.Delivery, at time.Time) (*Message, error) {
	d = printable(d)
	r, err := c.render(d)
	if err != nil {
		return nil, errComposing{err}
	}
	if strings.ContainsAny(d.Email, "\r\n") {
		return nil, errComposing{fmt.Errorf("the address %q has a line break", d.Email)}
	}
	from, err := netmail.ParseAddress(c.Org.FromAddress)
	if err != nil || from.Name != "" {
		return nil, fmt.Errorf("sender address %q: not a bare address", c.Org.FromAddress)
	}
	m := &Message{From: from.Address, To: d.Email}
	if c.ReturnPath != "" && d.RefCode != "" {
		rp, err := netmail.ParseAddress(notify.ReturnPath(c.ReturnPath, d.RefCode))
		if err != nil {
			return nil, fmt.Errorf("return path: %w", err)
		}
		m.From = rp.Address
	}
	var h headers
	h.add("From", address(oneLine(c.Org.For(d.Lang, d.Contact.Category).FromName), from.Address))
	// The name is printable's, so within fieldcheck.Limit: the header
	// stays short, and an unsafe name leaves the address alone.
	h.add("To", address(oneLine(d.Contact.Name()), d.Email))
	h.add("Subject", encoded(r.Subject))
	h.add("Date", date(at.In(c.Zone)))
	h.add("Message-ID", "<"+d.MessageID+">")
	if n := len(d.Thread); n > 0 {
		// A resend answers the notice before it, so mail programs show the
		// rounds as one conversation.
		refs := make([]string, n)
		for i, id := range d.Thread {
			refs[i] = "<" + id + ">"
		}
		h.add("In-Reply-To", refs[n-1])
		h.add("References", strings.Join(refs, " "))
	}
	h.add("MIME-Version", "1.0")
	h.add("X-Mailer", "owabi")
	switch {
	case c.DKIM != nil && c.SMIME != nil:
		return nil, fmt.Errorf("sign with DKIM or S/MIME, not both")
	case c.SMIME != nil:
		contentType, body, err := signedBody(c.SMIME, r)
		if err != nil {
			return nil, fmt.Errorf("s/mime: %w", err)
		}
		h.add("Content-Type", contentType)
		h.b.WriteString("\r\n")
		h.b.Write(body)
	default:
		boundary := boundaryFor(d.MessageID)
		h.add("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
		h.b.WriteString("\r\n")
		alternative(&h.b, boundary, r.Text, r.HTML)
	}
	m.Data = h.b.Bytes()
	if c.DKIM != nil {
		sig, err := c.DKIM.signature(m.Data)
		if err != nil {
			return nil, err
		}
		m.Data = append([]byte(sig), m.Data...)
	}
	return m, nil
}

// signedBody is the notice's body signed with S/MIME, and its
// Content-Type (multipart/signed): go-mail's signing, the one part of a
// notice go-mail writes. The headers around it are the notice's own.
func signedBody(cert *tls.Certificate, r Rendered) (contentType string, body []byte, err error) {
	m := mail.NewMsg(mail.WithEncoding(mail.EncodingB64), mail.WithCharset(mail.CharsetUTF8), mail.WithNoDefaultUserAgent())
	m.SetBodyString(mail.TypeTextPlain, r.Text)
	m.AddAlternativeString(mail.TypeTextHTML, r.HTML)
	if err := m.SignWithTLSCertificate(cert); err != nil {
		return "", nil, err
	}
	var raw bytes.Buffer
	if _, err := m.WriteTo(&raw); err != nil {
		return "", nil, err
	}
	header, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw.Bytes()))).ReadMIMEHeader()
	if err != nil {
		return "", nil, err
	}
	_, body, ok := bytes.Cut(raw.Bytes(), []byte("\r\n\r\n"))
	if !ok || header.Get("Content-Type") == "" {
		return "", nil, fmt.Errorf("go-mail wrote no signed body")
	}
	return header.Get("Content-Type"), body, nil
}
