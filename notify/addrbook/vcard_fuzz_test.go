package addrbook_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode"

	"github.com/owabi/owabi/notify/addrbook"
)

func FuzzVCard(f *testing.F) {
	for _, name := range []string{"vcard30_iphone.vcf", "vcard40.vcf", "vcard21_sjis_qp.vcf", "vcard21_outlook_cp932.vcf"} {
		if data, err := readFileBytes("../../testdata/books/" + name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		text, _ := addrbook.Decode(bytes.NewReader(data))
		v, err := addrbook.NewVCard(text)
		if err != nil {
			return
		}
		// Every call consumes at least one line of input or ends the file.
		for range len(data) + 2 {
			rec, err := v.Next()
			var re *addrbook.RowError
			switch {
			case err == io.EOF:
				if _, err := v.Next(); err != io.EOF {
					t.Fatalf("Next after io.EOF: %v", err)
				}
				return
			case errors.As(err, &re):
				if re.Line < 1 || re.Number < 1 || re.Reason == "" {
					t.Fatalf("RowError %+v: line, number or reason out of range", re)
				}
				continue
			case err != nil:
				t.Fatalf("fatal error reading from memory: %v", err)
			}
			if rec.Line < 1 || rec.Number < 1 || len(rec.Emails) == 0 {
				t.Fatalf("record %+v: line, number or addresses out of range", rec)
			}
			for _, e := range rec.Emails {
				n, err := addrbook.NormalizeEmail(e)
				if err != nil || n != e {
					t.Fatalf("address %q re-normalises to %q, %v", e, n, err)
				}
			}
			for _, s := range []string{rec.Family, rec.Given, rec.FamilyKana, rec.GivenKana, rec.Company, rec.Department, rec.Title} {
				if strings.IndexFunc(s, func(r rune) bool {
					return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\ufffd'
				}) >= 0 {
					t.Fatalf("record %+v: control character or line break in %q", rec, s)
				}
			}
		}
		t.Fatalf("Next did not return io.EOF after %d calls", len(data)+2)
	})
}
