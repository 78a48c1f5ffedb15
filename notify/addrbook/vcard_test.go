package addrbook_test

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
)

// readVCard reads every entry of a vCard file as the import does, through
// Decode; it fails the test on a fatal error or if Next does not stop.
// oneCard reads data, as it is (not decoded first), as a vCard book that
// must give one record and no rejection.
func oneCard(t testing.TB, data string) notify.Record {
	t.Helper()
	v, err := addrbook.NewVCard(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	recs, bad := readEntries(t, v, len(data))
	if len(bad) != 0 || len(recs) != 1 {
		t.Fatalf("records %v, rejections %v; want one record", recs, bad)
	}
	return recs[0]
}

func readVCard(t testing.TB, data []byte) ([]notify.Record, []*addrbook.RowError) {
	t.Helper()
	text, _ := addrbook.Decode(bytes.NewReader(data))
	v, err := addrbook.NewVCard(text)
	if err != nil {
		t.Fatalf("NewVCard: %v", err)
	}
	if got := v.Format(); got != addrbook.FormatVCard {
		t.Errorf("Format = %q", got)
	}
	return readEntries(t, v, len(data))
}

// checkBook compares what a file reads as with what it should.
func checkBook(t *testing.T, recs []notify.Record, bad []*addrbook.RowError, want []notify.Record, wantBad []rejected) {
	t.Helper()
	if len(recs) != len(want) {
		t.Errorf("read %d records, want %d", len(recs), len(want))
	}
	for i := range min(len(recs), len(want)) {
		if !reflect.DeepEqual(recs[i], want[i]) {
			t.Errorf("record %d:\n got %+v\nwant %+v", i+1, recs[i], want[i])
		}
	}
	if got := rejections(bad); !reflect.DeepEqual(got, wantBad) {
		t.Errorf("rejected:\n got %+v\nwant %+v", got, wantBad)
	}
}

func TestVCardIPhone(t *testing.T) {
	data := readFile(t, "../../testdata/books/vcard30_iphone.vcf")
	want := []notify.Record{{
		Number: 1, Line: 1,
		Family: "山田", Given: "太郎", FamilyKana: "やまだ", GivenKana: "たろう",
		Company: "さくら印刷株式会社", Department: "営業部", Title: "課長",
		// The third address differs from the first only in case.
		Emails: []string{"taro.yamada@sakura-print.example.jp", "t-yamada@sakura-print.example.jp"},
		Phones: []string{"090-0000-0001", "03-0000-0001"},
		Labels: []string{"顧客", "展示会2023"},
		Notes:  "2023年の展示会で名刺交換。\n見積・請求は経理の佐藤さん（内線 204）宛て。年賀状：毎年送付、宛名は「さくら印刷株式会社 営業部 山田太郎様」。",
	}, {
		Number: 2, Line: 80,
		Family:  "有限会社ひばり茶舗", // no N: the whole name
		Company: "有限会社ひばり茶舗",
		Emails:  []string{"info@hibari-chaho.example.jp"},
		Phones:  []string{"0120-000-000"},
	}, {
		Number: 4, Line: 99,
		Family: "𠮷田", Given: "花子", FamilyKana: "よしだ", GivenKana: "はなこ",
		Company: "Asagiri Paper Co., Ltd.", Department: "資材部",
		Emails: []string{"hanako.yoshida@webmail.example.com", "h-yoshida@asagiri-paper.example.net"},
		Labels: []string{"仕入先"},
	}}
	wantBad := []rejected{{Number: 3, Line: 90, Reason: "no e-mail address"}}
	recs, bad := readVCard(t, data)
	checkBook(t, recs, bad, want, wantBad)

	t.Run("LF line ends", func(t *testing.T) {
		recs, bad := readVCard(t, bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")))
		checkBook(t, recs, bad, want, wantBad)
	})
	t.Run("BOM", func(t *testing.T) {
		recs, bad := readVCard(t, append([]byte("\ufeff"), data...))
		checkBook(t, recs, bad, want, wantBad)
	})
}

func TestVCard40(t *testing.T) {
	recs, bad := readVCard(t, readFile(t, "../../testdata/books/vcard40.vcf"))
	checkBook(t, recs, bad, []notify.Record{{
		Number: 1, Line: 1,
		Family: "佐藤", Given: "花子",
		Company: "朝霧製紙株式会社", Department: "資材部", Title: "主任",
		Emails: []string{"hanako.sato@asagiri-paper.example.net", "hanako@webmail.example.com"},
		Phones: []string{"03-0000-0201", "+81-90-0000-0202"},
		Labels: []string{"仕入先", "紙"},
		Notes:  "請求書は月末締め。\n宛名は「朝霧製紙㈱ 資材部」で。",
	}, {
		Number: 3, Line: 24,
		Family: "伊藤", Given: "健", FamilyKana: "いとう", GivenKana: "けん",
		Company: "Kikyo Foods, Inc.", Department: "Sales; Tokyo", Title: "Manager, Export",
		Emails: []string{"ken.ito@kikyo-foods.example.com"},
	}}, []rejected{
		{Number: 2, Line: 16, Reason: `invalid e-mail address "suzuki@kikyo-foods": the domain has no dot`},
	})
}

func TestVCard21ShiftJISQuotedPrintable(t *testing.T) {
	recs, bad := readVCard(t, readFile(t, "../../testdata/books/vcard21_sjis_qp.vcf"))
	checkBook(t, recs, bad, []notify.Record{{
		Number: 1, Line: 1,
		Family: "髙橋", Given: "健一", FamilyKana: "ﾀｶﾊｼ", GivenKana: "ｹﾝｲﾁ",
		Company: "㈱ＮＫデザイン", Department: "営業部",
		Emails: []string{"ken1.t..@docomo.ne.jp", "ken-takahashi@ezweb.ne.jp"},
		Phones: []string{"09000000301", "0450000302"},
		Notes:  "①見積は毎月１０日まで\n②請求は月末締め",
	}, {
		Number: 2, Line: 25,
		Family: "﨑山", Given: "美咲", FamilyKana: "ｻｷﾔﾏ", GivenKana: "ﾐｻｷ",
		Company: "表参道ソフト㈲", // 表 and ソ end in the byte of a backslash
		Emails:  []string{"misaki_s-0303@ezweb.ne.jp"},
		Phones:  []string{"08000000303"},
	}, {
		Number: 4, Line: 42, // the name holds a docomo emoji: it is left out, the address kept
		Emails:   []string{"mika.0305@docomo.ne.jp"},
		Warnings: []notify.Said{notify.Say("entry.left_out", notify.Say("entry.not_decodable_as", notify.Say("field.name"), "SHIFT_JIS"))},
	}, {
		Number: 5, Line: 47,
		Family: "小林", Given: "翔", FamilyKana: "ｺﾊﾞﾔｼ", GivenKana: "ｼｮｳ",
		Emails: []string{"sho.k-0306@i.softbank.jp"},
		Phones: []string{"09000000306"},
	}}, []rejected{
		{Number: 3, Line: 36, Reason: "no e-mail address"},
	})
}

func TestVCardRawCP932(t *testing.T) {
	data := readFile(t, "../../testdata/books/vcard21_outlook_cp932.vcf")
	if _, enc := addrbook.Decode(bytes.NewReader(data)); enc != addrbook.CP932 {
		t.Fatalf("Decode found %s, want %s", enc, addrbook.CP932)
	}
	recs, bad := readVCard(t, data)
	checkBook(t, recs, bad, []notify.Record{{
		Number: 1, Line: 1,
		Family: "髙橋", Given: "健", Company: "㈱ＮＫデザイン", Department: "営業部", Title: "部長",
		Emails: []string{"k-takahashi@nk-design.example"},
		Phones: []string{"03-0000-0001", "090-0000-0401"},
	}, {
		Number: 2, Line: 17,
		Family: "﨑山", Given: "美咲",
		Emails: []string{"misaki.sakiyama@freemail.example.jp"},
		Notes:  "①見積\n②請求",
	}}, nil)
}

// sjisQP is text in CP932, quoted-printable, as a feature phone writes it.
func sjisQP(t *testing.T, s string) string {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for i := 0; i < len(b); i++ {
		fmt.Fprintf(&out, "=%02X", b[i])
	}
	return out.String()
}

func TestVCardFields(t *testing.T) {
	qp := func(s string) string { return sjisQP(t, s) }
	tests := []struct {
		name, card string
		want       notify.Record
	}{
		{"2.1 bare parameters", "VERSION:2.1\nN:Smith;Bob\nTEL;CELL;VOICE:090-0000-0001\nEMAIL;INTERNET:bob@example.com\nEMAIL;PREF;INTERNET:Bob@Example.com\n",
			notify.Record{Family: "Smith", Given: "Bob", Emails: []string{"bob@example.com"}, Phones: []string{"090-0000-0001"}}},
		{"Android UTF-8 quoted-printable", "VERSION:2.1\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=B1=B1=E7=94=B0;=E5=A4=AA=E9=83=8E;;;\n" +
			"X-PHONETIC-LAST-NAME;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E3=82=84=E3=81=BE=E3=81=A0\nEMAIL;HOME:taro@example.jp\n",
			notify.Record{Family: "山田", Given: "太郎", FamilyKana: "やまだ", Emails: []string{"taro@example.jp"}}},
		{"bare QUOTED-PRINTABLE, soft breaks, lower-case hex", "VERSION:2.1\nFN;QUOTED-PRINTABLE;CHARSET=SHIFT_JIS:" + qp("髙橋")[:6] + "=\n" + qp("髙橋")[6:] + "=\n\nEMAIL;INTERNET:k@example.jp\nNOTE;ENCODING=QUOTED-PRINTABLE:a=3db=0D=0Ac=\n=3b=2c\n",
			notify.Record{Family: "髙橋", Emails: []string{"k@example.jp"}, Notes: "a=b\nc;,"}},
		{"ISO-2022-JP", "VERSION:2.1\nN;CHARSET=ISO-2022-JP;ENCODING=QUOTED-PRINTABLE:=1B$B;3ED=1B(B;=1B$BB@O:=1B(B\nEMAIL:taro@example.jp\n",
			notify.Record{Family: "山田", Given: "太郎", Emails: []string{"taro@example.jp"}}},
		{"base64", "VERSION:2.1\nN;CHARSET=UTF-8;ENCODING=BASE64:5bGx55Sw\n Ozs7Ow==\nEMAIL:taro@example.jp\n",
			notify.Record{Family: "山田", Emails: []string{"taro@example.jp"}}},
		{"escaped separators in a 2.1 structured value", "VERSION:2.1\nORG;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:A=5C;B;" + qp("表") + "\nEMAIL:a@example.jp\n",
			notify.Record{Company: "A;B", Department: "表", Emails: []string{"a@example.jp"}}},
		{"3.0 escapes and case", "version:3.0\nn:O'Brien;Pat\\, Jr.\nfn:Pat\nOrg:A\\\\B\\;C;D\nemail;type=internet:pat@example.ie\nnote:x\\Ny\\;z\\,w\ncategories:a\\,b,,c\n",
			notify.Record{Family: "O'Brien", Given: "Pat, Jr.", Company: `A\B;C`, Department: "D", Emails: []string{"pat@example.ie"}, Labels: []string{"a", "b", "c"}, Notes: "x\ny;z,w"}},
		{"SORT-STRING", "VERSION:3.0\nN:山田;太郎;;;\nSORT-STRING:やまだ たろう\nEMAIL:taro@example.jp\n",
			notify.Record{Family: "山田", Given: "太郎", FamilyKana: "やまだ たろう", Emails: []string{"taro@example.jp"}}},
		{"several N, NOTE and CATEGORIES", "VERSION:4.0\nN;ALTID=1;LANGUAGE=ja:山田;太郎\nN;ALTID=1;LANGUAGE=en:Yamada;Taro\nNOTE:a\nNOTE:b\nCATEGORIES:x\nCATEGORIES:y\nEMAIL:taro@example.jp\n",
			notify.Record{Family: "山田", Given: "太郎", Emails: []string{"taro@example.jp"}, Labels: []string{"x", "y"}, Notes: "a\nb"}},
		{"full-width spaces and empty values", "VERSION:3.0\nN:\u3000山田\u3000;;;;\nEMAIL:\nEMAIL: taro@example.jp \nTEL:\nTEL;VALUE=uri:tel:\n",
			notify.Record{Family: "山田", Emails: []string{"taro@example.jp"}}},
		{"grouped properties and other properties dropped", "VERSION:3.0\nitem1.EMAIL;type=INTERNET:a@example.jp\nitem1.X-ABLabel:x\nADR:;;a;b;c;d;e\nURL:http://example.jp/\nLOGO;VALUE=uri:http://example.jp/logo.png\nKEY;ENCODING=b:AAAA\n AAAA\nSOUND;ENCODING=b:AAAA\nnot a property\n",
			notify.Record{Emails: []string{"a@example.jp"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, bad := readVCard(t, []byte("BEGIN:VCARD\n"+tt.card+"END:VCARD\n"))
			if len(bad) > 0 || len(recs) != 1 {
				t.Fatalf("got %d records and %v, want one record", len(recs), bad)
			}
			tt.want.Number, tt.want.Line = 1, 1
			if !reflect.DeepEqual(recs[0], tt.want) {
				t.Errorf("\n got %+v\nwant %+v", recs[0], tt.want)
			}
		})
	}
}

func TestVCardBadCards(t *testing.T) {
	const good = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:佐藤;花子\r\nEMAIL:hanako@example.jp\r\nEND:VCARD\r\n"
	long := strings.Repeat("あ", 2000)
	tests := []struct {
		name, card, want string
	}{
		{"no address", "N:山田;太郎\nTEL:03-0000-0000\n", "no e-mail address"},
		{"only an empty address", "N:山田;太郎\nEMAIL:\n", "no e-mail address"},
		{"only an invalid address", "EMAIL:taro@example\n", `invalid e-mail address "taro@example": the domain has no dot`},
		{"only an address that cannot be decoded", "EMAIL;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:a=FF@example.jp\n", "the e-mail address has bytes that cannot be decoded as UTF-8"},
		{"only an address in raw Shift_JIS", "EMAIL:\x8e\x52@example.jp\n", "the e-mail address has bytes that cannot be decoded (is the file in another encoding?)"},
		{"address with an unclosed angle bracket", "EMAIL:<x@example.jp\n", `invalid e-mail address "<x@example.jp": it contains an angle bracket`},
		{"two bracketed addresses", "EMAIL:<x@example.jp> <y@example.jp>\n", `invalid e-mail address "<x@example.jp> <y@example.jp>": it contains an angle bracket`},
		{"line break escaped in FN", "N:Smith;Bob\nFN:Bob\\nBcc: victim@example.com\nEMAIL:bob@example.com\n", "the name contains a line break"},
		{"line break escaped as \\N in N", "N:Bob\\NBcc: x@example.com;\nEMAIL:bob@example.com\n", "the name contains a line break"},
		{"CR in quoted-printable name", "N;ENCODING=QUOTED-PRINTABLE:Bob=0DBcc: x@example.com;\nEMAIL:bob@example.com\n", "the name contains a line break"},
		{"bare CR in FN", "FN:Bob\rBcc: x@example.com\nEMAIL:bob@example.com\n", "the name contains a line break"},
		{"line break in the company", "ORG:A\\nB\nEMAIL:a@example.jp\n", "the company name contains a line break"},
		{"line break in the department", "ORG:A;B\\nC\nEMAIL:a@example.jp\n", "the department contains a line break"},
		{"bidi override in the title", "TITLE:課長\u202e\nEMAIL:a@example.jp\n", "the title contains a control character"},
		{"control character in the phonetic name", "X-PHONETIC-FIRST-NAME:た\x00ろう\nEMAIL:a@example.jp\n", "the phonetic name contains a control character"},
		{"long name", "N:" + long + ";太郎\nEMAIL:a@example.jp\n", "the name is longer than 4,096 bytes"},
		{"long notes", "NOTE:" + strings.Repeat(long, 12) + "\nEMAIL:a@example.jp\n", "the note is longer than 65,536 bytes"},
		{"long notes in pieces", strings.Repeat("NOTE:"+long+"\n", 12) + "EMAIL:a@example.jp\n", "the note is longer than 65,536 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The bad card starts on line 7. Not through Decode, so raw
			// Shift_JIS stays what it is in a mostly UTF-8 file.
			data := good + "\r\nBEGIN:VCARD\r\n" + tt.card + "END:VCARD\r\n" + good
			v, err := addrbook.NewVCard(strings.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			recs, bad := readEntries(t, v, len(data))
			checkBook(t, recs, bad, []notify.Record{
				{Number: 1, Line: 1, Family: "佐藤", Given: "花子", Emails: []string{"hanako@example.jp"}},
				{Number: 3, Line: 9 + strings.Count(tt.card, "\n"), Family: "佐藤", Given: "花子", Emails: []string{"hanako@example.jp"}},
			}, []rejected{{Number: 2, Line: 7, Reason: tt.want}})
		})
	}
}

func TestVCardBroken(t *testing.T) {
	const good = "BEGIN:VCARD\nN:佐藤;花子\nEMAIL:hanako@example.jp\nEND:VCARD\n"
	hanako := func(n, line int) notify.Record {
		return notify.Record{Number: n, Line: line, Family: "佐藤", Given: "花子", Emails: []string{"hanako@example.jp"}}
	}
	tests := []struct {
		name    string
		data    string
		want    []notify.Record
		wantBad []rejected
	}{
		{"no END at the end of the file", good + "BEGIN:VCARD\nEMAIL:a@example.jp\n",
			[]notify.Record{hanako(1, 1)}, []rejected{{Number: 2, Line: 5, Reason: "no END:VCARD before the end of the file"}}},
		{"no END before the next card", "BEGIN:VCARD\nEMAIL:a@example.jp\n" + good,
			[]notify.Record{hanako(2, 3)}, []rejected{{Number: 1, Line: 1, Reason: "no END:VCARD before the next BEGIN:VCARD"}}},
		{"text between cards", good + "\nsome notes\nmore notes\n\n" + good + "END:VCARD\n" + good,
			[]notify.Record{hanako(1, 1), hanako(3, 9), hanako(5, 14)}, []rejected{
				{Number: 2, Line: 6, Reason: `text outside BEGIN:VCARD … END:VCARD: "some notes"`},
				{Number: 4, Line: 13, Reason: `text outside BEGIN:VCARD … END:VCARD: "END:VCARD"`},
			}},
		{"text at the end, no line end", good + "x", []notify.Record{hanako(1, 1)},
			[]rejected{{Number: 2, Line: 5, Reason: `text outside BEGIN:VCARD … END:VCARD: "x"`}}},
		{"last END without a line end", good + "  begin:vcard\nEMAIL:b@example.jp\nend:vcard", []notify.Record{hanako(1, 1), {Number: 2, Line: 5, Emails: []string{"b@example.jp"}}}, nil},
		{"soft line break before END", "BEGIN:VCARD\nNOTE;ENCODING=QUOTED-PRINTABLE:a=\nEND:VCARD\n" + good,
			[]notify.Record{hanako(2, 4)}, []rejected{{Number: 1, Line: 1, Reason: "no e-mail address"}}},
		{"fold with nothing to fold onto", "BEGIN:VCARD\n EMAIL:x@example.jp\nEMAIL:a@example.jp\nEND:VCARD\n",
			[]notify.Record{{Number: 1, Line: 1, Emails: []string{"a@example.jp"}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, bad := readVCard(t, []byte(tt.data))
			checkBook(t, recs, bad, tt.want, tt.wantBad)
		})
	}
}

func TestVCardLarge(t *testing.T) {
	const good = "BEGIN:VCARD\nN:佐藤;花子\nEMAIL:hanako@example.jp\nEND:VCARD\n"
	const mib = 1 << 20
	folded := func(prop string, size int) string {
		var b strings.Builder
		b.WriteString(prop)
		for b.Len() < size {
			b.WriteString("\n " + strings.Repeat("A", 74))
		}
		return b.String() + "\n"
	}
	tests := []struct {
		name, card string
		ok         bool
	}{
		{"folded photo of 3 MiB", folded("PHOTO;ENCODING=b;TYPE=JPEG:", 3*mib), true},
		{"photo of 2 MiB on one line", "PHOTO:data:image/jpeg;base64," + strings.Repeat("A", 2*mib) + "\n", true},
		{"2.1 photo without folding", "PHOTO;ENCODING=BASE64;TYPE=JPEG:\n" + strings.Repeat(strings.Repeat("A", 76)+"\n", 30000) + "\n", true},
		{"unknown property of 2 MiB", folded("X-CUSTOM:", 2*mib), true},
		{"folded notes over 1 MiB", folded("NOTE:", mib+100), false},
		{"many addresses", strings.Repeat("EMAIL:someone-with-a-long-address@example.jp\n", mib/40), false},
		{"one line over 1 MiB", "NOTE:" + strings.Repeat("あ", mib/3+1) + "\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := "BEGIN:VCARD\nN:山田;太郎\nEMAIL:taro@example.jp\n" + tt.card + "END:VCARD\n"
			recs, bad := readVCard(t, []byte(good+card+good))
			last := 6 + strings.Count(card, "\n")
			if tt.ok {
				checkBook(t, recs, bad, []notify.Record{
					{Number: 1, Line: 1, Family: "佐藤", Given: "花子", Emails: []string{"hanako@example.jp"}},
					{Number: 2, Line: 5, Family: "山田", Given: "太郎", Emails: []string{"taro@example.jp"}},
					{Number: 3, Line: last - 1, Family: "佐藤", Given: "花子", Emails: []string{"hanako@example.jp"}},
				}, nil)
				return
			}
			checkBook(t, recs, bad, []notify.Record{
				{Number: 1, Line: 1, Family: "佐藤", Given: "花子", Emails: []string{"hanako@example.jp"}},
				{Number: 3, Line: last - 1, Family: "佐藤", Given: "花子", Emails: []string{"hanako@example.jp"}},
			}, []rejected{{Number: 2, Line: 5, Reason: "the entry is larger than 1 MiB"}})
		})
	}
}

func TestNewVCardNotVCard(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", "not a vCard file: the file is empty"},
		{"blank lines", "\r\n\n \n", "not a vCard file: the file is empty"},
		{"CSV", "First Name,Last Name,E-mail 1 - Value\n", "not a vCard file: it does not start with BEGIN:VCARD"},
		{"vCalendar", "BEGIN:VCALENDAR\nEND:VCALENDAR\n", "not a vCard file: it does not start with BEGIN:VCARD"},
		{"text before the first card", "hello\nBEGIN:VCARD\n", "not a vCard file: it does not start with BEGIN:VCARD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := addrbook.NewVCard(strings.NewReader(tt.data))
			wantInvalid(t, err, tt.want)
		})
	}
}

// A field that cannot be decoded loses only itself: the card keeps its
// addresses, with a warning that says what was left out and why.
func TestVCardBadFieldLosesOnlyItself(t *testing.T) {
	tests := []struct {
		name, card, want string
	}{
		{"second address without @", "EMAIL:a@example.jp\nEMAIL;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91=C3=91\n", `invalid e-mail address "ÑÑ": it has no @, so it was left out`},
		{"undecodable Shift_JIS", "N;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:=82=A0=FF;\nEMAIL:a@example.jp\n", "the name has bytes that cannot be decoded as SHIFT_JIS, so it was left out"},
		{"undecodable UTF-8", "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=B1\nEMAIL:a@example.jp\n", "the company name has bytes that cannot be decoded as UTF-8, so it was left out"},
		{"unknown character set", "N;CHARSET=KOI8-R;ENCODING=QUOTED-PRINTABLE:=E9=D7=C1=CE\nEMAIL:a@example.jp\n", `the name is in the character set "KOI8-R", which owabi cannot read, so it was left out`},
		{"bad quoted-printable", "NOTE;ENCODING=QUOTED-PRINTABLE:=ZZ\nEMAIL:a@example.jp\n", "the note is not valid quoted-printable, so it was left out"},
		{"bad base64", "TITLE;ENCODING=B:!!!\nEMAIL:a@example.jp\n", "the title is not valid base64, so it was left out"},
		{"unknown encoding", "N;ENCODING=X-ZIP:abc\nEMAIL:a@example.jp\n", `the name has the unknown encoding "X-ZIP", so it was left out`},
		{"raw Shift_JIS in a UTF-8 file", "N:\x8e\x52\x93\x63;\nEMAIL:a@example.jp\n", "the name has bytes that cannot be decoded (is the file in another encoding?), so it was left out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := "BEGIN:VCARD\r\nVERSION:2.1\r\n" + tt.card + "END:VCARD\r\n"
			rec := oneCard(t, data)
			if got := rec.Emails; !slices.Equal(got, []string{"a@example.jp"}) {
				t.Errorf("Emails = %q, want the good address", got)
			}
			if got := englishAll(rec.Warnings); !slices.Equal(got, []string{tt.want}) {
				t.Errorf("Warnings = %q\nwant       %q", got, tt.want)
			}
		})
	}
}

// Quoted-printable with no CHARSET is UTF-8 when it reads as UTF-8, and
// otherwise Windows-1252, as The Bat! and Outlook write it, with a warning:
// the sender's code page may have been another one.
func TestVCardQuotedPrintableWithoutCharset(t *testing.T) {
	for _, tt := range []struct{ name, value, family, warning string }{
		{"UTF-8", "Mu=C3=B1oz", "Muñoz", ""},
		{"Latin-1", "Mu=F1oz", "Muñoz", "the name was read as Windows-1252 (Western European), as it names no character set and is not UTF-8: check it"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// FN says the same as N, and the warning is given once.
			data := "BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE:" + tt.value + ";Ana\r\nFN;ENCODING=QUOTED-PRINTABLE:Ana " + tt.value + "\r\nEMAIL:ana@example.es\r\nEND:VCARD\r\n"
			rec := oneCard(t, data)
			if rec.Family != tt.family || rec.Given != "Ana" {
				t.Errorf("name = %q %q, want %q Ana", rec.Family, rec.Given, tt.family)
			}
			var want []string
			if tt.warning != "" {
				want = []string{tt.warning}
			}
			if !slices.Equal(englishAll(rec.Warnings), want) {
				t.Errorf("Warnings = %q, want %q", rec.Warnings, want)
			}
		})
	}
}

// An address written as a mail header writes one, with or without a name
// before it, is the address in the brackets: Android's 2.1 cards fold
// EMAIL:"Omega" onto a next line < omega@example.com>.
func TestVCardAddressWithName(t *testing.T) {
	for _, value := range []string{"\"Omega\"\r\n  <omega@example.com>", "Omega <omega@example.com>", "<omega@example.com>", " <Omega@Example.com> "} {
		t.Run(value, func(t *testing.T) {
			data := "BEGIN:VCARD\r\nVERSION:2.1\r\nN:;Omega;;;\r\nEMAIL;INTERNET:" + value + "\r\nEND:VCARD\r\n"
			rec := oneCard(t, data)
			if got := rec.Emails; len(got) != 1 || !strings.EqualFold(got[0], "omega@example.com") {
				t.Errorf("Emails = %q, want omega@example.com", got)
			}
		})
	}
}
