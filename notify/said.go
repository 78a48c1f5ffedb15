package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"time"
)

// Said is something owabi says to people, as a text of the catalogue
// (notify/wording) with its values, so that each reader reads it in their
// own language and time zone: what the audit trail says happened, why an
// address-book entry was rejected or is to be checked, why a contact has
// its category. A value is a string (shown as it is), an int (a count,
// written 1,234), an ID (a number that names a notice, a call, an import,
// written 1234), a time (shown in the reader's zone), a Said itself (a
// word of the catalogue, such as a role or a field's name), a list of
// them, or a list of strings (values from a file, listed the reader's
// way). More are further sentences, said after it.
type Said struct {
	Key  string
	Args []any
	More []Said
}

// Say is the text key with its values.
func Say(key string, args ...any) Said { return Said{Key: key, Args: args} }

// IsZero says whether s says nothing.
func (s Said) IsZero() bool { return s.Key == "" }

// And is s with more sentences after it; empty ones are left out.
func (s Said) And(more ...Said) Said {
	for _, m := range more {
		if m.Key != "" {
			s.More = append(s.More, m)
		}
	}
	return s
}

// said is how a Said is stored: JSON, with a time as {"at": …} and a word
// as {"say": …}. The audit trail hashes and seals the stored text.
type said struct {
	Say  string            `json:"say"`
	Args []json.RawMessage `json:"args,omitempty"`
	More []said            `json:"more,omitempty"`
}

type saidTime struct {
	At time.Time `json:"at"`
}

// ID is a number that names a thing: a notice, a call, an import. Unlike
// a count it is written without separators.
type ID int64

type saidID struct {
	ID int64 `json:"id"`
}

func (s Said) stored() (said, error) {
	out := said{Say: s.Key}
	for _, a := range s.Args {
		var v any
		switch a := a.(type) {
		case string, int, int64:
			v = a
		case []string:
			v = a
			if a == nil {
				v = []string{}
			}
		case time.Time:
			v = saidTime{a.UTC()}
		case ID:
			v = saidID{int64(a)}
		case Said:
			in, err := a.stored()
			if err != nil {
				return said{}, err
			}
			v = in
		case []Said:
			list := []said{}
			for _, x := range a {
				in, err := x.stored()
				if err != nil {
					return said{}, err
				}
				list = append(list, in)
			}
			v = list
		default:
			return said{}, fmt.Errorf("notify.Said %s: a value of type %T cannot be said", s.Key, a)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return said{}, err
		}
		out.Args = append(out.Args, b)
	}
	for _, m := range s.More {
		in, err := m.stored()
		if err != nil {
			return said{}, err
		}
		out.More = append(out.More, in)
	}
	return out, nil
}

// Text is s as the audit trail stores it.
func (s Said) Text() (string, error) {
	st, err := s.stored()
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(st)
	return string(b), err
}

// ParseSaid reads what Text wrote; ok is false for any other text (an
// entry written in English before entries were said, or purged).
func ParseSaid(text string) (s Said, ok bool) {
	if len(text) == 0 || text[0] != '{' {
		return Said{}, false
	}
	var st said
	d := json.NewDecoder(bytes.NewReader([]byte(text)))
	d.UseNumber()
	if d.Decode(&st) != nil || st.Say == "" {
		return Said{}, false
	}
	return st.said()
}

func (st said) said() (Said, bool) {
	s := Said{Key: st.Say}
	for _, raw := range st.Args {
		v, ok := valueOf(raw)
		if !ok {
			return Said{}, false
		}
		s.Args = append(s.Args, v)
	}
	for _, m := range st.More {
		in, ok := m.said()
		if !ok {
			return Said{}, false
		}
		s.More = append(s.More, in)
	}
	return s, true
}

// valueOf reads one stored value back as the type it was said as.
func valueOf(raw json.RawMessage) (any, bool) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return nil, false
	}
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		n, err := v.Int64()
		return int(n), err == nil
	case []any:
		if texts := []string{}; len(v) > 0 && json.Unmarshal(raw, &texts) == nil {
			return texts, true
		}
		var list []said
		if json.Unmarshal(raw, &list) != nil {
			return nil, false
		}
		out := []Said{}
		for _, st := range list {
			x, ok := st.said()
			if !ok {
				return nil, false
			}
			out = append(out, x)
		}
		return out, true
	case map[string]any:
		if _, ok := v["say"]; ok {
			var st said
			if json.Unmarshal(raw, &st) != nil {
				return nil, false
			}
			return st.said()
		}
		if _, ok := v["id"]; ok && len(v) == 1 {
			var id saidID
			return ID(id.ID), json.Unmarshal(raw, &id) == nil
		}
		var t saidTime
		return t.At, json.Unmarshal(raw, &t) == nil
	}
	return nil, false
}

// AsWritten is the key of a text shown as it was written, in every
// language: a text stored before owabi said it through the catalogue (the
// key's value is from when those were English), or typed by a person.
const AsWritten = "english"

// Written is text shown as it was written.
func Written(text string) Said { return Say(AsWritten, text) }

// written is the text s is, when it is text as it was written.
func (s Said) written() (string, bool) {
	if s.Key != AsWritten || len(s.Args) != 1 || len(s.More) > 0 {
		return "", false
	}
	text, ok := s.Args[0].(string)
	return text, ok
}

// ReadSaid is what a stored text says: what Text wrote, or any other text
// (written before it was said, or typed by a person) as it was written;
// Purged where a purge erased it.
func ReadSaid(text string) Said {
	if text == "" {
		return Said{}
	}
	if s, ok := ParseSaid(text); ok {
		return s
	}
	if text == Purged {
		return Say("purged")
	}
	return Written(text)
}

// Stored is s as Text writes it, to store; "" when s says nothing, and
// text as it was written as that text, which ReadSaid reads back as such.
// A Said that cannot be stored (a value of a type it does not take) is a
// mistake in owabi, and panics.
func (s Said) Stored() string {
	if s.IsZero() {
		return ""
	}
	if text, ok := s.written(); ok && reflect.DeepEqual(ReadSaid(text), s) {
		return text // as typed, unless it would read back as something else
	}
	if s.Key == "purged" && len(s.Args) == 0 && len(s.More) == 0 {
		return Purged
	}
	text, err := s.Text()
	if err != nil {
		panic(err)
	}
	return text
}

// SaidReply is what the audit trail says of a server's reply: its meaning
// and its codes, never its words, which may name the address.
func SaidReply(r ServerReply) Said {
	meaning := Say("problem." + string(r.Problem()))
	if c := r.Codes(); c != "" {
		return Say("audit.reply", meaning, c)
	}
	return meaning
}
