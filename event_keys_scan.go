package mohalla

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// scanProductKeys reads a product event's ids and version straight from its
// JSON, without encoding/json: every projection of every node asks
// SubjectsOf of each event, and a batch write appends a thousand product
// events at once, whose decoding (a validating pass, then reflection skipping
// the names, prices and changes) was about 3 µs a call, the most of what
// SubjectsOf cost. It checks the whole text as JSON's grammar does, and
// answers ok only where json.Unmarshal into productKeys would give the same
// result without error: a top-level object whose keys named productId, shopId
// and version are spelt exactly so, the first two plain strings (no escape)
// and the version a plain integer. Anything else (a key in another case, an
// escape in one of the three values, null, a fraction) returns !ok, and the
// caller decodes the usual way.
func scanProductKeys(data []byte) (d productKeys, ok bool) {
	s := keyScanner{b: data}
	s.space()
	if !s.byte('{') {
		return d, false
	}
	s.space()
	if s.byte('}') {
		return d, s.end()
	}
	for {
		s.space()
		key, plain, good := s.str()
		if !good || !s.colon() {
			return d, false
		}
		start := s.i
		if !s.value() {
			return d, false
		}
		val := data[start:s.i]
		switch {
		case !plain:
			return d, false // an escaped key may spell one of ours: json decides
		case string(key) == "productId" || string(key) == "shopId":
			v, ok := plainString(val)
			if !ok {
				return d, false
			}
			if string(key) == "productId" {
				d.ProductID = v
			} else {
				d.ShopID = v
			}
		case string(key) == "version":
			n, err := strconv.ParseInt(string(val), 10, 64)
			if err != nil || !plainInt(val) {
				return d, false
			}
			d.Version = n
		case mayBeOurKey(key):
			return d, false // another spelling, which json matches without case
		}
		s.space()
		if s.byte('}') {
			return d, s.end()
		}
		if !s.byte(',') {
			return d, false
		}
	}
}

// mayBeOurKey reports whether an unescaped key could name one of
// productKeys' fields in encoding/json's case-insensitive matching: equal to
// one without case, or holding a non-ASCII letter (json folds the Kelvin
// sign to k, the long s to s).
func mayBeOurKey(key []byte) bool {
	for _, c := range key {
		if c >= 0x80 {
			return true
		}
	}
	switch len(key) { // ASCII folds only to ASCII of the same length
	case len("productId"):
		return bytes.EqualFold(key, []byte("productId"))
	case len("shopId"):
		return bytes.EqualFold(key, []byte("shopId"))
	case len("version"):
		return bytes.EqualFold(key, []byte("version"))
	}
	return false
}

// plainString returns the text of a JSON string token with no escapes and
// valid UTF-8 (json would replace an invalid byte with U+FFFD).
func plainString(tok []byte) (string, bool) {
	if len(tok) < 2 || tok[0] != '"' || bytes.IndexByte(tok, '\\') >= 0 || !utf8.Valid(tok) {
		return "", false
	}
	return string(tok[1 : len(tok)-1]), true
}

// plainInt reports whether a number token is an integer without fraction or exponent.
func plainInt(tok []byte) bool {
	return !bytes.ContainsAny(tok, ".eE")
}

// keyScanner walks JSON text, checking it as it goes.
type keyScanner struct {
	b []byte
	i int
}

func (s *keyScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *keyScanner) byte(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *keyScanner) end() bool {
	s.space()
	return s.i == len(s.b)
}

func (s *keyScanner) colon() bool {
	s.space()
	if !s.byte(':') {
		return false
	}
	s.space()
	return true
}

// str reads a string token, returning its raw contents and whether it held
// no escape.
func (s *keyScanner) str() (raw []byte, plain, ok bool) {
	if !s.byte('"') {
		return nil, false, false
	}
	start, plain := s.i, true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], plain, true
		case c < 0x20:
			return nil, false, false
		case c == '\\':
			plain = false
			s.i++
			if s.i >= len(s.b) {
				return nil, false, false
			}
			switch s.b[s.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i++
			case 'u':
				if s.i+5 > len(s.b) {
					return nil, false, false
				}
				for _, h := range s.b[s.i+1 : s.i+5] {
					if !isHex(h) {
						return nil, false, false
					}
				}
				s.i += 5
			default:
				return nil, false, false
			}
		default:
			s.i++
		}
	}
	return nil, false, false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// value reads any JSON value, checking its grammar, nested ones included.
func (s *keyScanner) value() bool {
	return s.valueDepth(0)
}

// maxDepth bounds nesting; a deeper text (encoding/json allows 10,000
// levels) is left to json.
const maxDepth = 100

func (s *keyScanner) valueDepth(depth int) bool {
	if depth > maxDepth || s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		_, _, ok := s.str()
		return ok
	case c == '{':
		s.i++
		s.space()
		if s.byte('}') {
			return true
		}
		for {
			s.space()
			if _, _, ok := s.str(); !ok || !s.colon() || !s.valueDepth(depth+1) {
				return false
			}
			s.space()
			if s.byte('}') {
				return true
			}
			if !s.byte(',') {
				return false
			}
		}
	case c == '[':
		s.i++
		s.space()
		if s.byte(']') {
			return true
		}
		for {
			s.space()
			if !s.valueDepth(depth + 1) {
				return false
			}
			s.space()
			if s.byte(']') {
				return true
			}
			if !s.byte(',') {
				return false
			}
		}
	case c == 't':
		return s.word("true")
	case c == 'f':
		return s.word("false")
	case c == 'n':
		return s.word("null")
	case c == '-' || '0' <= c && c <= '9':
		return s.number()
	}
	return false
}

func (s *keyScanner) word(w string) bool {
	if len(s.b)-s.i >= len(w) && string(s.b[s.i:s.i+len(w)]) == w {
		s.i += len(w)
		return true
	}
	return false
}

// number reads a number as JSON's grammar has it:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *keyScanner) number() bool {
	s.byte('-')
	switch {
	case s.byte('0'):
	case s.i < len(s.b) && '1' <= s.b[s.i] && s.b[s.i] <= '9':
		s.digits()
	default:
		return false
	}
	if s.byte('.') && !s.digits() {
		return false
	}
	if s.byte('e') || s.byte('E') {
		if !s.byte('+') {
			s.byte('-')
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

// digits reads one or more digits.
func (s *keyScanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}
