package httpapi

import (
	"encoding/json"
	"io"
)

// lexer reads the tokens of a JSON text that json.Valid has accepted, as
// json.Decoder's Token does with UseNumber (strings unquoted, numbers as
// json.Number, delimiters as json.Delim), but from the bytes in place:
// checkBody walks every request body, a batch's thousand items included,
// and the decoder's Token, which buffers, scans and boxes each token, was
// most of its cost (bench import: a seventh of the node's CPU a product).
// Since the text is valid, commas and colons are only skipped, and a
// string is unquoted by encoding/json only when it holds an escape.
type lexer struct {
	data []byte
	pos  int
}

// skip moves past white space and the separators between tokens.
func (l *lexer) skip() {
	for l.pos < len(l.data) {
		switch l.data[l.pos] {
		case ' ', '\t', '\n', '\r', ',', ':':
			l.pos++
		default:
			return
		}
	}
}

// More reports whether the array or object being read has another element.
func (l *lexer) More() bool {
	l.skip()
	return l.pos < len(l.data) && l.data[l.pos] != ']' && l.data[l.pos] != '}'
}

// Token returns the next token, or io.EOF after the last.
func (l *lexer) Token() (json.Token, error) {
	l.skip()
	if l.pos >= len(l.data) {
		return nil, io.EOF
	}
	switch c := l.data[l.pos]; c {
	case '{', '}', '[', ']':
		l.pos++
		return json.Delim(c), nil
	case '"':
		start, escaped := l.pos, false
		l.pos++
		for l.pos < len(l.data) && l.data[l.pos] != '"' {
			if l.data[l.pos] == '\\' {
				escaped = true
				l.pos++
			}
			l.pos++
		}
		l.pos++ // the closing quote
		raw := l.data[start:min(l.pos, len(l.data))]
		if !escaped {
			return string(raw[1 : len(raw)-1]), nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return s, nil
	case 't':
		l.pos += len("true")
		return true, nil
	case 'f':
		l.pos += len("false")
		return false, nil
	case 'n':
		l.pos += len("null")
		return nil, nil
	}
	start := l.pos
	for l.pos < len(l.data) && numberByte(l.data[l.pos]) {
		l.pos++
	}
	return json.Number(l.data[start:l.pos]), nil
}

// numberByte reports whether c may be part of a JSON number.
func numberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}
