package query

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a parse error: Offset is the byte offset in the query of the
// character that could not be understood (len(query) for "ended too soon").
type Error struct {
	Offset int
	Msg    string
}

// Error formats the error with its offset.
func (e *Error) Error() string { return fmt.Sprintf("query: at %d: %s", e.Offset, e.Msg) }

type tokKind int

const (
	tokEOF tokKind = iota
	tokWord
	tokString
	tokOp
	tokLParen
	tokRParen
	tokNot // "!" alone
	tokAnd // "&&"
	tokOr  // "||"
)

type token struct {
	kind tokKind
	text string // the word, the unquoted string, the operator
	pos  int    // byte offset of the token's first character
	end  int    // byte offset one past it
}

// special are the characters that end a bare word.
const special = `()"=!<>~&|`

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// lex splits src into tokens.
func lex(src string) ([]token, error) {
	var out []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case isSpace(c):
			i++
		case c == '(':
			out = append(out, token{kind: tokLParen, pos: i, end: i + 1})
			i++
		case c == ')':
			out = append(out, token{kind: tokRParen, pos: i, end: i + 1})
			i++
		case c == '"':
			s, n, err := unquote(src, i)
			if err != nil {
				return nil, err
			}
			out = append(out, token{kind: tokString, text: s, pos: i, end: i + n})
			i += n
		case c == '&' || c == '|':
			if i+1 < len(src) && src[i+1] == c {
				k := tokAnd
				if c == '|' {
					k = tokOr
				}
				out = append(out, token{kind: k, text: src[i : i+2], pos: i, end: i + 2})
				i += 2
				continue
			}
			return nil, &Error{Offset: i, Msg: fmt.Sprintf("%q alone means nothing: write %q", string(c), strings.Repeat(string(c), 2))}
		case c == '=' || c == '~':
			out = append(out, token{kind: tokOp, text: string(c), pos: i, end: i + 1})
			i++
		case c == '!' || c == '<' || c == '>':
			if i+1 < len(src) && (src[i+1] == '=' || (c == '!' && src[i+1] == '~')) {
				out = append(out, token{kind: tokOp, text: src[i : i+2], pos: i, end: i + 2})
				i += 2
				continue
			}
			if c == '!' {
				out = append(out, token{kind: tokNot, text: "!", pos: i, end: i + 1})
			} else {
				out = append(out, token{kind: tokOp, text: string(c), pos: i, end: i + 1})
			}
			i++
		default:
			j := i
			for j < len(src) && !isSpace(src[j]) && strings.IndexByte(special, src[j]) < 0 {
				j++
			}
			if !utf8.ValidString(src[i:j]) {
				return nil, &Error{Offset: i, Msg: "invalid UTF-8"}
			}
			out = append(out, token{kind: tokWord, text: src[i:j], pos: i, end: j})
			i = j
		}
	}
	out = append(out, token{kind: tokEOF, pos: len(src), end: len(src)})
	return out, nil
}

// unquote reads the quoted string starting at src[at] (a '"'): escapes are
// \" and \\. It returns the string and the bytes read, quotes included.
func unquote(src string, at int) (string, int, error) {
	var b strings.Builder
	for i := at + 1; i < len(src); i++ {
		switch c := src[i]; c {
		case '"':
			s := b.String()
			if !utf8.ValidString(s) {
				return "", 0, &Error{Offset: at, Msg: "invalid UTF-8 in the quoted string"}
			}
			return s, i + 1 - at, nil
		case '\\':
			if i+1 >= len(src) {
				return "", 0, &Error{Offset: i, Msg: "the quoted string ends with a lone backslash"}
			}
			if n := src[i+1]; n != '"' && n != '\\' {
				return "", 0, &Error{Offset: i, Msg: `unknown escape: only \" and \\ are allowed`}
			}
			b.WriteByte(src[i+1])
			i++
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, &Error{Offset: at, Msg: "unterminated quoted string"}
}
