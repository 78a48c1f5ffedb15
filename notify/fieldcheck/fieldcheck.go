// Package fieldcheck decides whether a field of an address-book entry may
// be printed in a notice. The person who broke into the account could edit
// its contacts, and the notice is the organisation's signed, official word:
// a company "【重要】パスワード再設定のお願い https://evil.example/reset" must not
// reach its first line, nor a 4,000-character name its To: header.
//
// A field is unsafe when it holds a link (a scheme such as https:// or
// hxxp:, www., or a bare host such as evil.example/reset, full-width
// forms included), an e-mail address other than the one the notice goes
// to, or more characters than the field ever needs.
//
// An unsafe field is left out, not defanged: the notice must still read as
// a correct, polite letter, and 「ご担当者 様」 or "Dear Sir or Madam," is
// both, where 「hxxps://evil[.]example/reset 山田 太郎 様」 is neither, and
// still carries the attacker's words. The import report flags the entry,
// and the contact page tells the manager what is left out and why.
package fieldcheck

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/unicode/norm"

	"github.com/owabi/owabi/notify"
)

// Field is a field a notice may print.
type Field string

const (
	Name       Field = "name" // family and given name, printed together
	Kana       Field = "kana"
	Company    Field = "company"
	Department Field = "department"
	Title      Field = "title"
	Phone      Field = "phone" // a member of staff's, printed in their customers' notices
)

// Said names the field, as the import report says it.
func (f Field) Said() notify.Said { return notify.Say("field." + string(f)) }

// Fields are the fields of an entry a notice may print, in the order a
// manager reads them. The notes and labels are not among them: they are
// the account owner's own remarks, and no notice prints them.
var Fields = []Field{Name, Kana, Company, Department, Title}

// Problem is what makes a field unsafe to print.
type Problem string

const (
	Link    Problem = "link"     // a URL or a host a mail program would make a link of
	Email   Problem = "email"    // an e-mail address other than the recipient's
	TooLong Problem = "too_long" // longer than Limit
)

// Problems lists every problem.
var Problems = []Problem{Link, Email, TooLong}

// Limit is the most characters a field may have. A person's name in Japan
// is rarely over 20 characters, a Western one in katakana or Latin letters
// rarely over 50; registered company names and department names run to
// about 60. Anything longer is not a name but pasted text. The bound on a
// name also keeps the To: header short: 60 kanji are 180 octets of UTF-8,
// about 660 once Q-encoded, so the header stays inside RFC 5322's 998
// octets even unfolded, a 254-character address included.
func Limit(f Field) int {
	switch f {
	case Company, Department:
		return 100
	case Phone:
		return 64
	}
	return 60
}

// Check says what makes value unsafe to print as field f in a notice to
// recipient, or "" when it is safe. A link is named before an address,
// and an address before the length: a manager would want to know the
// worst.
func Check(f Field, value, recipient string) Problem {
	if plain(value) { // most names: no link or address can hide here
		return tooLong(f, value)
	}
	text := fold(value)
	// The recipient's own address is theirs to see (Outlook writes it as the
	// name when there is none); any other is someone's the attacker chose.
	foreign := false
	if strings.Contains(text, "@") {
		text = emailPattern.ReplaceAllStringFunc(text, func(e string) string {
			if recipient == "" || !strings.EqualFold(e, fold(recipient)) {
				foreign = true
			}
			return " " // so that its domain is not taken for a link
		})
	}
	switch {
	case hasLink(text, f):
		return Link
	case foreign:
		return Email
	}
	return tooLong(f, value)
}

func tooLong(f Field, value string) Problem {
	if utf8.RuneCountInString(strings.TrimSpace(value)) > Limit(f) {
		return TooLong
	}
	return ""
}

// plain reports whether s has no dot, colon or at sign, nor any character
// that folds into one (ｈｔｔｐｓ：, ㏂, ⒈), nor a bracket that defangs one:
// below U+2000 only those characters themselves do, and kana and the
// common kanji never do. An import asks this of every field, so it must
// be quick.
func plain(s string) bool {
	for _, r := range s {
		switch {
		case r == '.', r == ':', r == '@', r == '。', r == '[', r == '(', r == '{': // the brackets of [.], (dot), [at]
			return false
		case r < 0x2000, 0x3000 <= r && r <= 0x30ff, 0x4e00 <= r && r <= 0x9fff:
		default:
			return false
		}
	}
	return true
}

// fold puts s in the form a reader sees: NFKC, so that ｈｔｔｐｓ：／／ and ＠
// are https:// and @; lower case; the invisible format characters that
// could split a link taken out; and the defanged dots, colons and at signs
// people write ([.], (dot), [at]) made real, because a person can still
// type such a link.
func fold(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	if strings.IndexFunc(s, invisible) >= 0 {
		s = strings.Map(func(r rune) rune {
			if invisible(r) {
				return -1
			}
			return r
		}, s)
	}
	if strings.ContainsAny(s, "[({") {
		s = defanged.Replace(s)
	}
	if strings.Contains(s, "。") {
		s = ideographicDots(s)
	}
	return s
}

// ideographicDots makes a dot of each 。 with a Latin letter or digit on
// either side: domain names accept it (evil。example。com, evil。中国), and
// Japanese text seldom puts one there.
func ideographicDots(s string) string {
	var b strings.Builder
	for i, r := range s {
		if end := i + len("。"); r == '。' && i > 0 && end < len(s) && (latinOrDigit(s[i-1]) || latinOrDigit(s[end])) {
			b.WriteByte('.')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func latinOrDigit(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// invisible is true of the characters a link can hide behind: format
// characters (zero-width spaces, soft hyphens) and marks that combine with
// the letter before them (evil̸.com), which NFKC leaves where nothing is
// composed from them.
func invisible(r rune) bool { return r >= 0x80 && unicode.In(r, unicode.Cf, unicode.Mn) }

var defanged = strings.NewReplacer(
	"[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "(dot)", ".", "{dot}", ".",
	"[:]", ":", "[://]", "://", "[at]", "@", "(at)", "@", "{at}", "@",
)

// emailPattern is e-mail-looking text: something@host.tld.
var emailPattern = regexp.MustCompile(`[\p{L}\p{N}.!#$%&'*+=?^_{|}~-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+`)

// A scheme: any followed by ://, or one of those that open something
// without the slashes (hxxp: is how a link is written so as not to be
// clicked, and how it is then copied).
var schemePattern = regexp.MustCompile(`[a-z][a-z0-9+.-]*://|(?:^|[^a-z])(?:h[tx*]{2}ps?|ftp|javascript|vbscript|mailto)\s*:`)

// hasLink reports whether folded text, the value of field f, holds
// something a mail program would make a link of, or a person could type as
// one.
func hasLink(s string, f Field) bool {
	if strings.Contains(s, ":") && schemePattern.MatchString(s) || strings.Contains(s, "www.") {
		return true
	}
	for i := 0; i < len(s); {
		j := i + strings.IndexFunc(s[i:], hostRune)
		if j < i {
			break
		}
		end := len(s)
		if k := strings.IndexFunc(s[j:], notHostRune); k >= 0 {
			end = j + k
		}
		if isHost(strings.Trim(s[j:end], ".-"), s[end:], f) {
			return true
		}
		i = end
	}
	return false
}

func hostRune(r rune) bool    { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' }
func notHostRune(r rune) bool { return !hostRune(r) }

// isHost reports whether tok, a run of letters, digits, hyphens and dots
// in field f, is a host a mail program would make a link of, when followed
// by after: an IPv4 address; labels joined by dots followed by a path or a
// port (evil.example/reset, intranet.corp:8080); or labels ending in a
// known top-level domain, unless they are a name's initials (T.Suzuki, in
// a name) or a company's form (ABC.Inc, Nakamura.Co, in a company's
// fields), which a mail program may link but an attacker cannot own. The
// last label counts from its Latin letters only when other letters follow
// them, so evil.jp株式会社 ends in jp, as a mail program reads it.
func isHost(tok, after string, f Field) bool {
	if !strings.Contains(tok, ".") {
		return false
	}
	labels := strings.Split(tok, ".")
	if len(labels) == 4 && !slices.ContainsFunc(labels, notOctet) {
		return true
	}
	tld := labels[len(labels)-1]
	if latin := strings.IndexFunc(tld, notLatinLetter); !strings.HasPrefix(tld, "xn--") && latin > 0 {
		if r, _ := utf8.DecodeRuneInString(tld[latin:]); !unicode.IsLetter(r) {
			return false // abc123: no top-level domain
		}
		tld, after = tld[:latin], ""
	}
	if utf8.RuneCountInString(tld) < 2 || !strings.HasPrefix(tld, "xn--") && strings.IndexFunc(tld, notLetter) >= 0 {
		return false
	}
	switch {
	case strings.HasPrefix(after, "/") || strings.HasPrefix(after, "?") || strings.HasPrefix(after, "#"),
		len(after) > 1 && after[0] == ':' && '0' <= after[1] && after[1] <= '9':
		return true // a path or a port
	case companyAbbreviations(labels[1:]) && (f != Name && f != Kana || len(labels) > 2),
		(f == Name || f == Kana) && initials(labels):
		return false
	}
	return knownTLD(tld)
}

// initials reports whether labels are a person's initials and name:
// single letters, then a name of three letters or more (T.Suzuki,
// J.R.Smith). A one-letter domain is kept back by its registry, so no
// attacker holds t.suzuki or j.smith.
func initials(labels []string) bool {
	last := labels[len(labels)-1]
	return utf8.RuneCountInString(last) >= 3 && !slices.ContainsFunc(labels[:len(labels)-1], func(l string) bool { return utf8.RuneCountInString(l) != 1 })
}

func notOctet(l string) bool {
	return l == "" || len(l) > 3 || strings.IndexFunc(l, func(r rune) bool { return r < '0' || r > '9' }) >= 0
}
func notLatinLetter(r rune) bool { return r < 'a' || r > 'z' }
func notLetter(r rune) bool      { return !unicode.IsLetter(r) }

// knownTLD reports whether tld is a top-level domain a mail program would
// make a link of: one ICANN delegates, or one reserved for examples and
// tests (RFC 2606), which is what an attack is rehearsed with.
func knownTLD(tld string) bool {
	switch tld {
	case "example", "test", "invalid", "localhost", "local", "onion":
		return true
	}
	ascii, err := idna.Lookup.ToASCII(tld)
	if err != nil {
		return false
	}
	_, icann := publicsuffix.PublicSuffix("x." + ascii)
	return icann
}

// companyAbbreviations reports whether labels are only the abbreviations a
// company's name ends in (the Co.Ltd of ABC Co.Ltd, the Inc of ABC.Inc),
// which read as a host whose top-level domain (.ltd, .inc) is real.
func companyAbbreviations(labels []string) bool {
	for _, l := range labels {
		switch l {
		case "co", "corp", "inc", "ltd", "llc", "plc", "gmbh", "ag", "kk", "pty":
		default:
			return false
		}
	}
	return true
}

// Finding is one field a notice leaves out, and why.
type Finding struct {
	Field   Field   `json:"field"`
	Problem Problem `json:"problem"`
}

// Said is what the import report says of it: "the company name is left
// out of notices: it holds a link".
func (f Finding) Said() notify.Said {
	why := notify.Say("entry.holds_link")
	switch f.Problem {
	case Email:
		why = notify.Say("entry.holds_other_address")
	case TooLong:
		why = notify.Say("entry.longer_than_chars", Limit(f.Field))
	}
	return notify.Say("entry.left_out_of_notices", f.Field.Said(), why)
}

// Value is the text of field f of r as a notice prints it.
func Value(r notify.Record, f Field) string {
	switch f {
	case Name:
		return r.Name()
	case Kana:
		return strings.TrimSpace(r.FamilyKana + " " + r.GivenKana)
	case Company:
		return r.Company
	case Department:
		return r.Department
	case Title:
		return r.Title
	}
	return ""
}

// Notice lists the fields of r that a notice to recipient leaves out.
func Notice(r notify.Record, recipient string) []Finding {
	var out []Finding
	for _, f := range Fields {
		if p := Check(f, Value(r, f), recipient); p != "" {
			out = append(out, Finding{f, p})
		}
	}
	return out
}

// Record lists the fields of r that some notice to it leaves out: r gets
// one notice at each of its addresses, and a field holding one of them is
// fine in that notice only.
func Record(r notify.Record) []Finding {
	recipients := r.Emails
	if len(recipients) == 0 {
		recipients = []string{""}
	}
	var out []Finding
	for _, f := range Fields {
		v := Value(r, f)
		p := Check(f, v, "")
		if p == Email { // fine in the notice to the address it holds, and only there
			p = ""
			for _, to := range recipients {
				if p = Check(f, v, to); p != "" {
					break
				}
			}
		}
		if p != "" {
			out = append(out, Finding{f, p})
		}
	}
	return out
}

// Printable is c as a notice to recipient may print it: each field with a
// finding emptied, the phones that are not phone numbers left out, and
// none of the account owner's notes, labels or the classifier's working.
func Printable(c notify.Contact, recipient string) notify.Contact {
	out := notify.Contact{ID: c.ID, Category: c.Category, Record: notify.Record{
		Family: c.Family, Given: c.Given, FamilyKana: c.FamilyKana, GivenKana: c.GivenKana,
		Company: c.Company, Department: c.Department, Title: c.Title, Emails: c.Emails,
	}}
	for _, f := range Notice(c.Record, recipient) {
		switch f.Field {
		case Name:
			out.Family, out.Given = "", ""
		case Kana:
			out.FamilyKana, out.GivenKana = "", ""
		case Company:
			out.Company = ""
		case Department:
			out.Department = ""
		case Title:
			out.Title = ""
		}
	}
	for _, p := range c.Phones {
		if Check(Phone, p, recipient) == "" {
			out.Phones = append(out.Phones, p)
		}
	}
	return out
}

// Staff is the member of staff as a notice to recipient may name them:
// their name and phone come from their own entry in the book, which the
// attacker could edit too.
func Staff(s notify.Staff, recipient string) notify.Staff {
	if Check(Name, s.Name, recipient) != "" {
		s.Name = ""
	}
	if Check(Phone, s.Phone, recipient) != "" {
		s.Phone = ""
	}
	return s
}
