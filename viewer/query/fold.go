package query

import (
	"unicode"
	"unicode/utf8"
)

// IndexFold returns the byte index of the first occurrence of sub in s
// under Unicode simple case folding, -1 when there is none; an empty sub
// is at 0. It allocates nothing.
func IndexFold(s, sub string) int {
	if sub == "" {
		return 0
	}
	for i := 0; i < len(s); {
		if prefixFoldLen(s[i:], sub) > 0 {
			return i
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return -1
}

// FoldPrefixLen returns how many bytes of s match all of prefix under
// simple case folding, 0 when s does not start with it: the length of the
// match [IndexFold] found.
func FoldPrefixLen(s, prefix string) int { return prefixFoldLen(s, prefix) }

// prefixFoldLen returns how many bytes of s match all of prefix under
// simple case folding, 0 when s does not start with it.
func prefixFoldLen(s, prefix string) int {
	i := 0
	for _, pr := range prefix {
		if i >= len(s) {
			return 0
		}
		sr, n := utf8.DecodeRuneInString(s[i:])
		if !equalFoldRune(sr, pr) {
			return 0
		}
		i += n
	}
	return i
}

func equalFoldRune(a, b rune) bool {
	if a == b {
		return true
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		return a == b
	}
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if f == b {
			return true
		}
	}
	return false
}
