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
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/unicode/norm"

	"github.com/owabi/owabi/notify"
)

// Field is a field a notice may print. The values are the English words
// the import report uses (notify/wording knows them).
type Field string

const (
	Name       Field = "name" // family and given name, printed together
	Kana       Field = "phonetic name"
	Company    Field = "company name"
	Department Field = "department"
	Title      Field = "title"
	Phone      Field = "phone number" // a member of staff's, printed in their customers' notices
)

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

// Limit is the most characters a field may have. A person's name in Japan
// is rarely over 20 characters, a Western one in katakana or Latin letters
// rarely over 50; registered company names and department names run to
// about 60. Anything longer is not a name but pasted text. The bounds also
// keep the To: header short: 60 characters are at most 240 octets of
// UTF-8, about 800 once Q-encoded, inside RFC 5322's 998 even unfolded.
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
	text := fold(value)
	if !strings.ContainsAny(text, ".:@") { // most names: no link or address can hide here
		return tooLong(f, value)
	}
	// The recipient's own address is theirs to see (Outlook writes it as the
	// name when there is none); any other is someone's the attacker chose.
	foreign := false
	text = emailPattern.ReplaceAllStringFunc(text, func(e string) string {
		if recipient == "" || !strings.EqualFold(e, fold(recipient)) {
			foreign = true
		}
		return " " // so that its domain is not taken for a link
	})
	switch {
	case hasLink(text):
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

// fold puts s in the form a reader sees: NFKC, so that ｈｔｔｐｓ：／／ and ＠
// are https:// and @; lower case; the invisible format characters that
// could split a link taken out; and the defanged dots, colons and at signs
// people write ([.], (dot), [at]) made real, because a person can still
// type such a link.
func fold(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
	s = defanged.Replace(s)
	// 。 between Latin letters or digits is a dot: domain names accept it.
	return ideographicDot.ReplaceAllString(s, "$1.$2")
}

var defanged = strings.NewReplacer(
	"[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "(dot)", ".", "{dot}", ".",
	"[:]", ":", "[://]", "://", "[at]", "@", "(at)", "@", "{at}", "@",
)

var ideographicDot = regexp.MustCompile(`([a-z0-9])。([a-z0-9])`)

// emailPattern is e-mail-looking text: something@host.tld.
var emailPattern = regexp.MustCompile(`[\p{L}\p{N}.!#$%&'*+=?^_{|}~-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+`)

// A scheme: any followed by ://, or one of those that open something
// without the slashes (hxxp: is how a link is written so as not to be
// clicked, and how it is then copied).
var schemePattern = regexp.MustCompile(`[a-z][a-z0-9+.-]*://|(?:^|[^a-z])(?:h[tx*]{2}ps?|ftp|javascript|vbscript|mailto)\s*:`)

// hostPattern is a host name: labels of letters, digits and hyphens joined
// by dots. Group 1 is the last label: Latin letters, the ASCII form of an
// international one, or letters of any script; so evil.jp株式会社 ends in
// jp, as a mail program that makes links would read it. Group 2 is what
// follows: the start of a path or a port.
var hostPattern = regexp.MustCompile(`(?:^|[^\p{L}\p{N}.-])(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+(xn--[a-z0-9-]+|[a-z]{2,63}|\p{L}{2,63})([/?#]|:\d)?`)

var ipv4 = regexp.MustCompile(`(?:^|[^\p{L}\p{N}.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?:$|[^\p{N}])`)

// hasLink reports whether folded text holds something a mail program
// would make a link of, or a person could type as one.
func hasLink(s string) bool {
	if schemePattern.MatchString(s) || strings.Contains(s, "www.") || ipv4.MatchString(s) {
		return true
	}
	for _, m := range hostPattern.FindAllStringSubmatch(s, -1) {
		host, tld, after := m[0], m[1], m[2]
		switch {
		case after != "":
			return true // a path or a port: evil.example/reset
		case companyAbbreviations(host):
			continue // Co.Ltd. is a company's form, not a host
		case knownTLD(tld):
			return true
		}
	}
	return false
}

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

// companyAbbreviations reports whether host is only the abbreviations a
// company's name ends in (Co.Ltd, Co.Inc), which read as a host whose
// top-level domain (.ltd, .inc) is real.
func companyAbbreviations(host string) bool {
	for _, l := range strings.Split(strings.Trim(host, " ,./:?#()[]"), ".") {
		switch strings.TrimLeftFunc(l, func(r rune) bool { return !unicode.IsLetter(r) }) {
		case "co", "corp", "inc", "ltd", "llc", "plc", "gmbh", "ag", "kk":
		default:
			return false
		}
	}
	return true
}

// Finding is one field a notice leaves out, and why.
type Finding struct {
	Field   Field
	Problem Problem
}

// String says it in English, for the import report (notify/wording puts
// it into Japanese): "the company name is left out of notices: it holds
// a link".
func (f Finding) String() string {
	why := "it holds a link"
	switch f.Problem {
	case Email:
		why = "it holds an e-mail address other than the person's own"
	case TooLong:
		why = "it is longer than " + strconv.Itoa(Limit(f.Field)) + " characters"
	}
	return "the " + string(f.Field) + " is left out of notices: " + why
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
