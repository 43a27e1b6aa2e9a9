package otlp

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode/utf8"
)

// Protobuf wire types.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireFixed32 = 5
)

// sizeVarint is the length of v as a base-128 varint.
func sizeVarint(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }

// sizeLen is the length of a length-delimited payload of n bytes, length
// prefix included, tag excluded.
func sizeLen(n int) int { return sizeVarint(uint64(n)) + n }

func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendFixed64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }

func appendFixed32(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }

// appendLen appends tag and the length prefix of an n-byte payload.
func appendLen(b []byte, tag byte, n int) []byte {
	return appendVarint(append(b, tag), uint64(n))
}

// sizeStr is the encoded length of s as a proto3 string: invalid UTF-8 is
// sent as U+FFFD per bad byte, exactly as encoding/json does in MarshalJSON
// (a proto3 string must be UTF-8; strict decoders reject it otherwise).
func sizeStr(s string) int {
	if utf8.ValidString(s) {
		return len(s)
	}
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			n += utf8.RuneLen(utf8.RuneError)
		} else {
			n += size
		}
		i += size
	}
	return n
}

// appendStr appends s, length-prefixed after tag, made valid as sizeStr
// describes.
func appendStr(b []byte, tag byte, s string) []byte {
	if utf8.ValidString(s) {
		return append(appendLen(b, tag, len(s)), s...)
	}
	b = appendLen(b, tag, sizeStr(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// sizeStrField is the length of a string field with a one-byte tag, 0 for
// the empty string (proto3 omits it).
func sizeStrField(s string) int {
	if s == "" {
		return 0
	}
	return 1 + sizeLen(sizeStr(s))
}

// appendStrField appends a string field unless s is empty.
func appendStrField(b []byte, tag byte, s string) []byte {
	if s == "" {
		return b
	}
	return appendStr(b, tag, s)
}

// beginMsg appends tag and a one-byte length placeholder for a nested
// message whose size the caller did not keep; endMsg back-patches it.
// It returns where the payload starts.
func beginMsg(b []byte, tag byte) ([]byte, int) {
	b = append(b, tag, 0)
	return b, len(b)
}

// endMsg writes the length of the payload appended since beginMsg. A
// payload of 128 bytes or more needs a longer varint: the payload moves up.
// MarshalProto sizes its buffer exactly, so this never reallocates there.
func endMsg(b []byte, start int) []byte {
	n := len(b) - start
	if n < 0x80 {
		b[start-1] = byte(n)
		return b
	}
	k := sizeVarint(uint64(n))
	b = append(b, make([]byte, k-1)...)
	copy(b[start+k-1:], b[start:start+n])
	appendVarint(b[:start-1], uint64(n))
	return b
}

// validHex reports whether id is n hex digits (either case).
func validHex(id string, n int) bool {
	if len(id) != n {
		return false
	}
	for i := 0; i < len(id); i++ {
		if unhex[id[i]] > 0xf {
			return false
		}
	}
	return true
}

// appendHex appends the bytes of id, which validHex accepted.
func appendHex(b []byte, id string) []byte {
	n := len(b)
	b = slices.Grow(b, len(id)/2)[:n+len(id)/2]
	dst := b[n:]
	for i := range dst {
		dst[i] = unhex[id[2*i]]<<4 | unhex[id[2*i+1]]
	}
	return b
}

// unhex maps a hex digit to its value and any other byte to 0xff.
var unhex = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i, c := range "0123456789abcdef" {
		t[c] = byte(i)
	}
	for i, c := range "ABCDEF" {
		t[c] = byte(i + 10)
	}
	return t
}()

// eachField calls fn for every field of the protobuf message msg, with the
// varint or fixed value in v or the length-delimited payload in p. It
// reports whether msg was well-formed and fn accepted every field (fn
// returns false for a field it cannot take, such as a wrong wire type).
// Groups, which OTLP never uses, count as malformed.
func eachField(msg []byte, fn func(num uint64, wire int, v uint64, p []byte) bool) bool {
	for len(msg) > 0 {
		tag, n := readVarint(msg)
		if n == 0 || tag>>3 == 0 {
			return false
		}
		msg = msg[n:]
		num, wire := tag>>3, int(tag&7)
		var v uint64
		var p []byte
		switch wire {
		case wireVarint:
			if v, n = readVarint(msg); n == 0 {
				return false
			}
			msg = msg[n:]
		case wireFixed64:
			if len(msg) < 8 {
				return false
			}
			v, msg = binary.LittleEndian.Uint64(msg), msg[8:]
		case wireFixed32:
			if len(msg) < 4 {
				return false
			}
			v, msg = uint64(binary.LittleEndian.Uint32(msg)), msg[4:]
		case wireBytes:
			l, n := readVarint(msg)
			if n == 0 || l > uint64(len(msg)-n) {
				return false
			}
			p, msg = msg[n:n+int(l)], msg[n+int(l):]
		default:
			return false
		}
		if !fn(num, wire, v, p) {
			return false
		}
	}
	return true
}

// readVarint decodes a varint at the start of b and returns it with its
// length, or a length of 0 when b does not start with a valid varint.
func readVarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		c := b[i]
		if i == 9 && c > 1 {
			return 0, 0
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}
