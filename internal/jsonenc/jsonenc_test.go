package jsonenc_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"unicode/utf8"

	"github.com/spanfall/spanfall/internal/jsonenc"
)

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal(%#v): %v", v, err)
	}
	return string(b)
}

func checkString(t *testing.T, s string) {
	t.Helper()
	got := string(jsonenc.AppendString([]byte("prefix"), s))
	if want := "prefix" + marshal(t, s); got != want {
		t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
	}
}

func TestAppendString(t *testing.T) {
	for _, tc := range []struct{ name, s, want string }{
		{"empty", "", `""`},
		{"plain", "GET /api", `"GET /api"`},
		{"quote and backslash", `a"b\c`, `"a\"b\\c"`},
		{"html", "<a href='x'>&</a>", `"\u003ca href='x'\u003e\u0026\u003c/a\u003e"`},
		{"short escapes", "\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"other control characters", "\x00\x01\x1f\x0b", `"\u0000\u0001\u001f\u000b"`},
		{"delete is kept", "\x7f", "\"\x7f\""},
		{"line and paragraph separators", "a\u2028b\u2029c", `"a\u2028b\u2029c"`},
		{"multi-byte runes are kept", "é日本🙂", `"é日本🙂"`},
		{"invalid bytes", "a\xffb\xc3", `"a\ufffdb\ufffd"`},
		{"truncated three-byte rune", "\xe2\x80", `"\ufffd\ufffd"`},
		{"surrogate half", "\xed\xa0\x80", `"\ufffd\ufffd\ufffd"`},
		{"overlong encoding", "\xc0\xaf", `"\ufffd\ufffd"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(jsonenc.AppendString(nil, tc.s)); got != tc.want {
				t.Errorf("AppendString(%q) = %s, want %s", tc.s, got, tc.want)
			}
			checkString(t, tc.s)
		})
	}
}

// TestAppendStringEveryByte compares every byte alone and between text,
// and every two-byte sequence, with encoding/json.
func TestAppendStringEveryByte(t *testing.T) {
	for c := range 256 {
		checkString(t, string([]byte{byte(c)}))
		checkString(t, "ab"+string([]byte{byte(c)})+"cd")
		for d := range 256 {
			checkString(t, string([]byte{byte(c), byte(d)}))
		}
	}
}

// TestAppendStringRunes compares runes around every UTF-8 length boundary
// and the escaped separators, alone and in text.
func TestAppendStringRunes(t *testing.T) {
	for _, r := range []rune{0x7f, 0x80, 0x7ff, 0x800, 0x2027, 0x2028, 0x2029, 0x202a, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, utf8.MaxRune} {
		s := string(r)
		checkString(t, s)
		checkString(t, "<"+s+">")
		for i := 1; i < len(s); i++ {
			checkString(t, s[:i]+"x")
		}
	}
}

func TestAppendFloat(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    float64
		want string
	}{
		{"zero", 0, "0"},
		{"negative zero", math.Copysign(0, -1), "-0"},
		{"integer", 200, "200"},
		{"fraction", 0.1, "0.1"},
		{"unix nanos", 1.7000000001234568e18, "1700000000123456800"},
		{"just below 1e21", 999999999999999900000, "999999999999999900000"},
		{"1e21", 1e21, "1e+21"},
		{"1e-6", 1e-6, "0.000001"},
		{"just below 1e-6", 9.99e-7, "9.99e-7"},
		{"small", 1e-7, "1e-7"},
		{"two-digit exponent", 1.5e-10, "1.5e-10"},
		{"negative small", -2e-9, "-2e-9"},
		{"largest", math.MaxFloat64, "1.7976931348623157e+308"},
		{"smallest", math.SmallestNonzeroFloat64, "5e-324"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := jsonenc.AppendFloat([]byte("x"), tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(b); got != "x"+tc.want {
				t.Errorf("AppendFloat(%v) = %s, want x%s", tc.f, got, tc.want)
			}
			if want := marshal(t, tc.f); tc.want != want {
				t.Errorf("the table says %s, encoding/json %s", tc.want, want)
			}
		})
	}
}

// TestAppendFloatRandom compares random bit patterns and random decimals
// of every magnitude with encoding/json.
func TestAppendFloatRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200_000 {
		f := math.Float64frombits(r.Uint64())
		if i%2 == 0 {
			f = r.NormFloat64() * math.Pow(10, float64(r.IntN(60)-30))
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		b, err := jsonenc.AppendFloat(nil, f)
		if err != nil {
			t.Fatalf("AppendFloat(%v): %v", f, err)
		}
		if want := marshal(t, f); string(b) != want {
			t.Fatalf("AppendFloat(%v) = %s, want %s", f, b, want)
		}
	}
}

func TestAppendFloatNonFinite(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		b, err := jsonenc.AppendFloat([]byte("x"), f)
		if string(b) != "x" {
			t.Errorf("AppendFloat(%v) appended %q", f, b[1:])
		}
		var got *json.UnsupportedValueError
		if !errors.As(err, &got) {
			t.Fatalf("AppendFloat(%v) error %v, want a *json.UnsupportedValueError", f, err)
		}
		if _, want := json.Marshal(f); err.Error() != want.Error() {
			t.Errorf("AppendFloat(%v) error %q, encoding/json %q", f, err, want)
		}
	}
}
