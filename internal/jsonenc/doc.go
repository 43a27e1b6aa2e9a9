// Package jsonenc appends JSON strings and numbers exactly as encoding/json
// writes them, byte for byte, without reflection. The span, OTLP and cache
// encoders write their objects by hand from these pieces so that their
// output stays the one json.Marshal gives, which stored digests (resource
// ids), stored sizes and the tests compare against.
package jsonenc
