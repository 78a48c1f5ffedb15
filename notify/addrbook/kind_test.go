package addrbook

import "testing"

func TestAFileThatIsNoBookIsToldWhatItIs(t *testing.T) {
	for _, tt := range []struct {
		head, key string
	}{
		{"%PDF-1.4", "entry.is_pdf"},
		{"PK\x03\x04....xl/worksheets/sheet1.xml", "entry.is_xlsx"},
		{"PK\x03\x04....Contacts.vcf", "entry.is_zip"},
		{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "entry.is_ole"},
		{"!BDN....", "entry.is_pst"},
		{"\x89PNG\r\n\x1a\n", "entry.is_image"},
		{"\xff\xd8\xff\xe1", "entry.is_image"},
		{"GIF89a", "entry.is_image"},
		{"\x00\x00\x00\x18ftypheic", "entry.is_image"},
		{"RIFF\x00\x00\x00\x00WEBPVP8 ", "entry.is_image"},
		{"BEGIN:VCARD", ""},
		{"First Name,Last Name,E-mail Address", ""},
		{"", ""},
	} {
		said, ok := NotABook([]byte(tt.head))
		if ok != (tt.key != "") || said.Key != tt.key {
			t.Errorf("NotABook(%q) = %q, %v; want %q", tt.head, said.Key, ok, tt.key)
		}
	}
}
