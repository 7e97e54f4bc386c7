package auth

import (
	"crypto/rand"
	"encoding/hex"
)

// RequestIDHeader is the metadata key (and HTTP header) of the request ID.
const RequestIDHeader = "x-request-id"

// SaneRequestID reports whether a caller's request ID may be kept: 1 to
// 64 bytes of ASCII letters, digits and . _ : -, nothing that could forge
// a log line or carry data.
func SaneRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

// NewRequestID returns a random request ID (32 hex digits).
func NewRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// RequestIDOr returns id when it is sane, else a new one.
func RequestIDOr(id string) string {
	if SaneRequestID(id) {
		return id
	}
	return NewRequestID()
}
