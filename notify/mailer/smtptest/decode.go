package smtptest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Decoded is a message as a person reads it: decoded headers and bodies.
type Decoded struct {
	Header  mail.Header
	Subject string
	From    string
	To      string
	Text    string
	HTML    string
}

var words = new(mime.WordDecoder)

// Decode parses an accepted message and decodes its subject, addresses and
// text and HTML parts.
func (m Message) Decode() (Decoded, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return Decoded{}, err
	}
	d := Decoded{Header: msg.Header}
	for _, h := range []struct {
		dst  *string
		name string
	}{{&d.Subject, "Subject"}, {&d.From, "From"}, {&d.To, "To"}} {
		if *h.dst, err = words.DecodeHeader(msg.Header.Get(h.name)); err != nil {
			return d, fmt.Errorf("%s: %w", h.name, err)
		}
	}
	return d, d.readPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}

func (d *Decoded) readPart(contentType, encoding string, body io.Reader) error {
	media, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(media, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := d.readPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	switch media {
	case "text/plain":
		d.Text += string(text)
	case "text/html":
		d.HTML += string(text)
	}
	return nil
}
