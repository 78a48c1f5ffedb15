// The address-book readers and the classifier write in English about
// entries: why an entry was rejected or flagged, and why a contact got its
// category. Those sentences stay English where scripts read them (the
// command line, its JSON, the stored import report); Japanese puts them
// into Japanese for the web app.
//
// Each sentence shape is a pattern with holes. A hole's text is put into
// Japanese in turn (sentences nest: "invalid e-mail address X: it has no
// @"), or word by word for a list. Text that fits no pattern is returned
// as it is, so a new English sentence shows in English rather than not at
// all.

package wording

import (
	"regexp"
	"strings"
)

// Japanese returns msg in Japanese. Several sentences joined by "; " (an
// entry's warnings) are put into Japanese one by one.
func Japanese(msg string) string {
	if len(msg) > maxMessage {
		return msg // no pattern matching over text someone made huge
	}
	parts := strings.Split(msg, "; ")
	for i, p := range parts {
		parts[i] = sentenceJapanese(p)
	}
	return strings.Join(parts, " / ")
}

// maxMessage bounds the text Japanese works on: holes nest, and each level
// tries every pattern.
const maxMessage = 2000

func sentenceJapanese(msg string) string {
	if w, ok := words[msg]; ok {
		return w
	}
	for _, s := range sentences {
		m := s.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		filled := map[string]string{}
		for i, name := range s.re.SubexpNames()[1:] {
			hole := m[i+1]
			switch name[0] {
			case 'r': // a sentence or a word of its own
				hole = sentenceJapanese(hole)
			case 'l': // a list of words: "Latin, Greek and Cyrillic"
				hole = list(hole)
			}
			filled[name] = hole
		}
		// All holes at once: a value from the file may itself hold "{r}".
		return placeholders.ReplaceAllStringFunc(s.ja, func(h string) string { return filled[h[1:len(h)-1]] })
	}
	return msg
}

// placeholders are the holes in a sentence's Japanese.
var placeholders = regexp.MustCompile(`\{[a-z0-9]+\}`)

// list puts each word of an English list into Japanese and joins them the
// Japanese way.
func list(s string) string {
	s = strings.ReplaceAll(s, " and ", ", ")
	parts := strings.Split(s, ", ")
	for i, p := range parts {
		parts[i] = sentenceJapanese(p)
	}
	return strings.Join(parts, "・")
}

// sentence is an English sentence shape and its Japanese. A hole is
// written {name} in both; names starting with r are put into Japanese,
// with l as a list, and any other kept as they are (values quoted from the
// file, numbers).
type sentence struct {
	re *regexp.Regexp
	ja string
}

var holes = regexp.MustCompile(`\\\{([a-z0-9]+)\\\}`)

func shape(en, ja string) sentence {
	re := holes.ReplaceAllString(regexp.QuoteMeta(en), `(?P<$1>.+?)`)
	return sentence{re: regexp.MustCompile("^" + re + "$"), ja: ja}
}

// sentences are tried in order: a longer shape before a shorter one that
// would also fit.
var sentences = []sentence{
	// Where in the file.
	shape("{r} (on line {n})", "{r}（{n} 行目）"),
	// Entries without an address.
	shape("only an internal Exchange (X.500) name, no e-mail address", "Exchange の内部名（X.500）しかなく、メールアドレスがありません"),
	shape("no e-mail address", "メールアドレスがありません"),
	// Fields that cannot be read: left out, the entry kept (or, an address,
	// the reason an entry has none).
	shape("{r}, so it was left out", "{r}。そのため取り込みませんでした"),
	shape("the {r} was read as Windows-1252 (Western European), as it names no character set and is not UTF-8: check it",
		"{r}は文字セットの指定がなく UTF-8 でもないため、Windows-1252（西欧）として読みました。確かめてください"),
	shape("the {r} field has bytes that cannot be decoded (is the file in another encoding?)", "{r}の欄に読めないバイトがあります（ファイルの文字コードが違うのでは？）"),
	shape("the {r} field is longer than {n} bytes", "{r}の欄が {n} バイトを超えています"),
	shape("the {r} has bytes that cannot be decoded (is the file in another encoding?)", "{r}に読めないバイトがあります（ファイルの文字コードが違うのでは？）"),
	shape("the {r} has bytes that cannot be decoded as UTF-8", "{r}に UTF-8 として読めないバイトがあります"),
	shape("the {r} has bytes that cannot be decoded as {c}", "{r}に {c} として読めないバイトがあります"),
	shape("the {r} is in the character set {c}, which owabi cannot read", "{r}の文字セット {c} は読めません"),
	shape("the {r} has the unknown encoding {e}", "{r}のエンコーディング {e} は読めません"),
	shape("the {r} is not valid quoted-printable", "{r}が正しい quoted-printable ではありません"),
	shape("the {r} is not valid base64", "{r}が正しい base64 ではありません"),
	shape("the {r} is longer than {n} bytes", "{r}が {n} バイトを超えています"),
	// Malformed files.
	shape(`malformed CSV: a " in a field that is not quoted`, `CSV の形の誤り: " で囲まれていない欄に " があります`),
	shape(`malformed CSV: a quoted field has a stray " or is never closed`, `CSV の形の誤り: " で囲まれた欄に余分な " があるか、閉じる " がありません`),
	shape("malformed CSV: {r}", "CSV の形の誤り: {r}"),
	shape("malformed vCard: {r}", "vCard の形の誤り: {r}"),
	shape("text outside BEGIN:VCARD … END:VCARD: {q}", "BEGIN:VCARD … END:VCARD の外に文字があります: {q}"),
	shape("the entry is larger than 1 MiB", "項目が 1 MiB を超えています"),
	shape("no END:VCARD before the end of the file", "ファイルの終わりまでに END:VCARD がありません"),
	// An import undone after it failed part-way.
	shape("the import was undone, but kept 1 contact staff had already worked on (number {n})",
		"取り込みは元に戻しましたが、担当者がすでに対応した連絡先 1 件（番号 {n}）は残しました"),
	shape("the import was undone, but kept {n} contacts staff had already worked on (numbers {k})",
		"取り込みは元に戻しましたが、担当者がすでに対応した連絡先 {n} 件（番号 {k}）は残しました"),
	// Addresses.
	shape("invalid e-mail address {q}: {r}", "メールアドレス {q} は使えません: {r}"),
	shape("invalid e-mail domain {q}: {r}", "メールのドメイン {q} は使えません: {r}"),
	shape("it is not valid UTF-8", "UTF-8 として読めません"),
	shape("it is longer than {n} characters", "{n} 文字を超えています"),
	shape("it is longer than {n} bytes", "{n} バイトを超えています"),
	shape("it is empty", "空です"),
	shape("it has no @", "@ がありません"),
	shape("it has more than one @", "@ が 2 つ以上あります"),
	shape("nothing before the @", "@ の前が空です"),
	shape("nothing after the @", "@ の後が空です"),
	shape("the part before the @ is longer than 64 characters", "@ の前が 64 文字を超えています"),
	shape("the part before the @ has non-ASCII characters (SMTPUTF8 addresses are not supported)", "@ の前に半角英数字・記号以外の文字があります（SMTPUTF8 のアドレスには対応していません）"),
	shape("the part before the @ contains {q}", "@ の前に {q} があります"),
	shape("the domain is longer than 253 characters in its xn-- form", "ドメインが xn-- の形で 253 文字を超えています"),
	shape("the domain is longer than 253 characters", "ドメインが 253 文字を超えています"),
	shape("the domain has no dot", "ドメインに「.」がありません"),
	shape("the domain has an empty part (two dots, or a dot at the start or end)", "ドメインに空の部分があります（「.」が続いているか、先頭か末尾にあります）"),
	shape("a part of the domain is longer than 63 characters in its xn-- form", "ドメインの一部が xn-- の形で 63 文字を超えています"),
	shape("a part of the domain is longer than 63 characters", "ドメインの一部が 63 文字を超えています"),
	shape("a part of the domain starts or ends with a hyphen", "ドメインの一部がハイフンで始まるか終わっています"),
	shape("a part of the domain starts with a combining mark", "ドメインの一部が結合文字で始まっています"),
	shape("the domain contains {q}, which domain names may not have", "ドメインに、ドメイン名に使えない {q} があります"),
	shape("the domain contains {q}, and domain names may only have letters, digits and hyphens", "ドメインに {q} があります（ドメイン名に使えるのは文字・数字・ハイフンだけです）"),
	shape("the domain ends in a number (IP addresses are not accepted)", "ドメインが数字で終わっています（IP アドレスは使えません）"),
	shape("the domain part {q} is not valid punycode", "ドメインの {q} は正しい punycode ではありません"),
	shape("the domain part {q} does not decode to a valid international domain name", "ドメインの {q} を国際化ドメイン名として読めません"),
	shape("the domain part {q} is not a valid international domain name", "ドメインの {q} は正しい国際化ドメイン名ではありません"),
	shape("the domain is not a valid international domain name", "ドメインが正しい国際化ドメイン名ではありません"),
	shape("the domain mixes right-to-left letters (such as Arabic or Hebrew) with other characters in a way domain names may not",
		"ドメインの中で、右から左へ書く文字（アラビア文字・ヘブライ文字など）がドメイン名に許されない形でほかの文字と混ざっています"),
	shape("the domain {q} shows as {u}, which mixes {l} letters: it may imitate another domain",
		"ドメイン {q} は {u} と表示され、{l}が混ざっています。別のドメインを装っているおそれがあります"),
	shape("the domain {q} shows as {u}, whose {r} letters all look like Latin ones: it may imitate another domain",
		"ドメイン {q} は {u} と表示され、その{r}はどれもラテン文字に見えます。別のドメインを装っているおそれがあります"),
	// A look-alike of a domain the classifier knows (notify/classify): with
	// the xn-- form first, so that the shorter shape does not swallow it.
	shape("the domain {q} ({x}) may imitate {d}, the organisation's own domain", "ドメイン {q}（{x}）は自社のドメイン {d} に見せかけた可能性があります"),
	shape("the domain {q} ({x}) may imitate {d}, the domain of {m}", "ドメイン {q}（{x}）は {m} のドメイン {d} に見せかけた可能性があります"),
	shape("the domain {q} may imitate {d}, the organisation's own domain", "ドメイン {q} は自社のドメイン {d} に見せかけた可能性があります"),
	shape("the domain {q} may imitate {d}, the domain of {m}", "ドメイン {q} は {m} のドメイン {d} に見せかけた可能性があります"),
	// Fields the notices leave out (notify/fieldcheck).
	shape("the {r} is left out of notices: {r2}", "{r}は通知に載せません: {r2}"),
	shape("it holds a link", "リンクが書かれています"),
	shape("it holds an e-mail address other than the person's own", "本人のもの以外のメールアドレスが書かれています"),
	// Text that may not go into a mail header, and phones left out.
	shape("the phone {q} was left out: {r}", "電話 {q} は取り込みませんでした: {r}"),
	shape("it holds a link or an address", "リンクかアドレスが書かれています"),
	shape("it has fewer than three digits", "数字が 3 つ未満です"),
	shape("it contains {r}", "{r}があります"),
	shape("it {r}", "{r}"),
	shape("contains {r}", "{r}があります"),
	shape("the domain contains {q}", "ドメインに {q} があります"),
	shape("the {r} contains {r2}", "{r}に{r2}があります"),
	// Files that cannot be imported at all.
	shape("{f}: nothing was imported: {r}", "{f}: {r}"),
	shape("not {r}: {r2}", "{r}として読めません: {r2}"),
	shape("the file is empty", "ファイルが空です"),
	shape("it does not start with BEGIN:VCARD", "BEGIN:VCARD で始まっていません"),
	shape("the header is not UTF-8 text", "見出しの行が UTF-8 の文字ではありません"),
	shape("the columns are not named; give a mapping such as --map email=メール,name=氏名",
		"どの列が何か分かりません。設定ファイルの [import] map で列を指定してください（例: email=メール,name=氏名）"),
	shape("{r}. Name the columns with --map, e.g. --map email=メール,name=氏名 (the columns are {q})",
		"{r}。設定ファイルの [import] map で列を指定してください（例: email=メール,name=氏名。このファイルの列: {q}）"),
	shape(`the header has no "E-mail 1 - Value" (Google Contacts), "E-mail Address" or "電子メール アドレス" (Outlook), or "Primary Email" (Thunderbird) column`,
		"見出しに「E-mail 1 - Value」（Google 連絡先）、「E-mail Address」「電子メール アドレス」（Outlook）、「Primary Email」（Thunderbird）の列がありません"),
	shape("the header looks like {f} but has {r}", "見出しは {f} の形ですが、{r}"),
	shape("no {q} and {q2} columns", "{q} と {q2} の列がありません"),
	shape("no {q} or {q2} ({j}) column", "{q} か {q2}（{j}）の列がありません"),
	shape("no {q} ({j}) column", "{q}（{j}）の列がありません"),
	shape("no {q} column", "{q} の列がありません"),
	shape("line {n}: a quote opened in this entry is never closed, so lines {a} to {b} cannot be read as entries (close the quote and import again)",
		`{n} 行目: この項目で開いた " が閉じられていないため、{a}〜{b} 行目を項目として読めません（" を閉じてから取り込み直してください）`),
	shape("an entry is larger than {n} MiB (is a quote never closed?)", `{n} MiB を超える項目があります（" が閉じられていないのでは？）`),
	shape("line {n}: cannot read on after malformed CSV: {r}", "{n} 行目: CSV の形の誤りのため、その先を読めません: {r}"),
	shape("reading the entry after line {n}: {e}", "{n} 行目の次の項目を読めません: {e}"),
	shape("line {n}: {r}", "{n} 行目: {r}"),
	// The database (store's messages).
	shape("the database is locked by another program; try again when it has finished ({c})", "データベースをほかのプログラムが使っています。終わってからやり直してください（{c}）"),
	shape("the disk is full ({c})", "ディスクがいっぱいです（{c}）"),
	shape("the database is read-only; check the file's permissions ({c})", "データベースに書き込めません。ファイルの権限を確かめてください（{c}）"),
	shape("the database file could not be read or written (is the disk full, failing or removed?) ({c})", "データベースのファイルを読み書きできませんでした（ディスクがいっぱいか、故障か、取り外されたのでは？）（{c}）"),
	// Why a contact has its category (notify/classify).
	shape("domain {r} ({c} {m})", "ドメイン {r}（{c} {m}）"),
	shape("company {q} ({c} {m})", "会社名 {q}（{c} {m}）"),
	shape("labels disagree: {l}", "ラベルが食い違っています: {l}"),
	shape("{d} under {p}", "{d}（{p} の配下）"),
	shape("column {n}", "{n} 列目"),
	// A file's name before what went wrong with it.
	shape("{f}: {r}", "{f}: {r}"),
}

// words are the names of fields and scripts that holes hold.
var words = map[string]string{
	"name": "氏名", "phonetic name": "ふりがな", "company name": "会社名", "department": "部署", "title": "役職",
	"e-mail address": "メールアドレス", "phone number": "電話番号", "categories": "分類", "note": "メモ",
	"a line break": "改行", "a space": "空白", "a control character": "制御文字", "a double quote": `二重引用符（"）`,
	"a comma": "カンマ", "an angle bracket": "山かっこ（< >）", "@": "@",
	"purged":                       "（削除済み）", // what a purge leaves where personal data was (notify.Purged)
	"wrong number of fields":       "欄の数がほかの行と違います",
	"a Google Contacts CSV export": "Google 連絡先の CSV", "an Outlook CSV export": "Outlook の CSV",
	"a CSV address book": "CSV のアドレス帳", "a vCard file": "vCard ファイル",
	"UTF-8 with BOM": "UTF-8（BOM 付き）",
	"Latin":          "ラテン文字", "Greek": "ギリシャ文字", "Cyrillic": "キリル文字", "Armenian": "アルメニア文字",
	"Han": "漢字", "Hiragana": "ひらがな", "Katakana": "カタカナ", "Hangul": "ハングル", "Bopomofo": "注音符号",
	"Arabic": "アラビア文字", "Hebrew": "ヘブライ文字", "Thai": "タイ文字", "Cherokee": "チェロキー文字",
}
