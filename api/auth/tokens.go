package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// File is the tokens file: the principals and how each authenticates.
type File struct {
	Principals []Entry `json:"principals"`
}

// Entry is one principal of the tokens file.
type Entry struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	// Sources: the source codes of an ingest principal (at least one;
	// none for other roles).
	Sources []string `json:"sources,omitempty"`
	// TokenSHA256 holds the hex SHA-256 of each bearer token of the
	// principal (several while a token is being rotated).
	TokenSHA256 []string `json:"token_sha256,omitempty"`
	// ClientCerts holds the names (URI SAN or subject common name) of
	// client certificates that stand for the principal.
	ClientCerts []string `json:"client_certs,omitempty"`
}

// TokenPrefix starts every token NewToken makes, so that a leaked token
// is recognisable by secret scanners.
const TokenPrefix = "mpi_"

// NewToken returns a fresh random bearer token (256 bits) and its hex
// SHA-256, the form the tokens file keeps.
func NewToken() (token, hash string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", err
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token), nil
}

// HashToken returns the hex SHA-256 of a token.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// validName: principal names, source codes and certificate names are
// printable ASCII without spaces or quotes, so that they are safe in logs.
func validName(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// Validate checks the file: names present and unique, known roles,
// sources on ingest principals only, well-formed hashes, no hash or
// certificate name listed twice. Errors name the principal by position
// and name, never a hash.
func (f *File) Validate() error {
	names := map[string]bool{}
	hashes := map[string]bool{}
	certs := map[string]bool{}
	for i, e := range f.Principals {
		at := fmt.Sprintf("principals[%d]", i)
		if !validName(e.Name, 128) {
			return fmt.Errorf("%s.name: required, printable ASCII without spaces, at most 128 bytes", at)
		}
		at += " (" + e.Name + ")"
		if names[e.Name] {
			return fmt.Errorf("%s.name: listed twice", at)
		}
		names[e.Name] = true
		if _, err := ParseRole(string(e.Role)); err != nil {
			return fmt.Errorf("%s.role: %v", at, err)
		}
		switch {
		case e.Role == RoleIngest && len(e.Sources) == 0:
			return fmt.Errorf("%s.sources: an ingest principal needs at least one source code", at)
		case e.Role != RoleIngest && len(e.Sources) > 0:
			return fmt.Errorf("%s.sources: only ingest principals are scoped to sources", at)
		}
		for j, s := range e.Sources {
			if !validName(s, 64) {
				return fmt.Errorf("%s.sources[%d]: printable ASCII without spaces, at most 64 bytes", at, j)
			}
		}
		if len(e.TokenSHA256) == 0 && len(e.ClientCerts) == 0 {
			return fmt.Errorf("%s: no token_sha256 and no client_certs: the principal could never authenticate", at)
		}
		for j, h := range e.TokenSHA256 {
			b, err := hex.DecodeString(h)
			if err != nil || len(b) != sha256.Size {
				return fmt.Errorf("%s.token_sha256[%d]: not 64 hex digits", at, j)
			}
			h = strings.ToLower(h)
			if hashes[h] {
				return fmt.Errorf("%s.token_sha256[%d]: the same token is listed twice", at, j)
			}
			hashes[h] = true
		}
		for j, c := range e.ClientCerts {
			if !validName(c, 512) {
				return fmt.Errorf("%s.client_certs[%d]: printable ASCII without spaces, at most 512 bytes", at, j)
			}
			if certs[c] {
				return fmt.Errorf("%s.client_certs[%d]: listed twice", at, j)
			}
			certs[c] = true
		}
	}
	return nil
}

// ReadFile reads and validates a tokens file.
func ReadFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseFile(b)
}

// ParseFile parses and validates a tokens file's content.
func ParseFile(b []byte) (*File, error) {
	var f File
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("tokens file: %w", err)
	}
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("tokens file: %w", err)
	}
	return &f, nil
}

// WriteFile validates f and writes it to path with mode 0600, atomically
// (a temporary file in the same directory renamed over path).
func WriteFile(path string, f *File) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("tokens file: %w", err)
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tokens-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// AddToken adds a principal with a new token to f (or a new token to the
// principal of that name, which must have that role and sources) and
// returns the token, which the file does not keep.
func (f *File) AddToken(name string, role Role, sources []string) (string, error) {
	token, hash, err := NewToken()
	if err != nil {
		return "", err
	}
	for i := range f.Principals {
		e := &f.Principals[i]
		if e.Name != name {
			continue
		}
		if e.Role != role || !slices.Equal(e.Sources, sources) {
			return "", fmt.Errorf("principal %s exists with another role or other sources", name)
		}
		e.TokenSHA256 = append(e.TokenSHA256, hash)
		return token, f.Validate()
	}
	f.Principals = append(f.Principals, Entry{Name: name, Role: role, Sources: sources, TokenSHA256: []string{hash}})
	if err := f.Validate(); err != nil {
		f.Principals = f.Principals[:len(f.Principals)-1]
		return "", err
	}
	return token, nil
}

// ErrUnknownToken: no principal holds the token.
var ErrUnknownToken = errors.New("unknown token")

// ErrUnknownCertificate: no principal lists the client certificate.
var ErrUnknownCertificate = errors.New("client certificate not registered")

// Table is a tokens file ready for look-ups. It is immutable.
type Table struct {
	tokens []tokenEntry
	certs  map[string]*Principal
}

type tokenEntry struct {
	hash [sha256.Size]byte
	p    *Principal
}

// NewTable indexes a validated file.
func NewTable(f *File) (*Table, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	t := &Table{certs: map[string]*Principal{}}
	for _, e := range f.Principals {
		byToken := &Principal{Name: e.Name, Role: e.Role, Sources: slices.Clone(e.Sources), Via: "token"}
		byCert := &Principal{Name: e.Name, Role: e.Role, Sources: slices.Clone(e.Sources), Via: "certificate"}
		for _, h := range e.TokenSHA256 {
			var te tokenEntry
			hex.Decode(te.hash[:], []byte(h)) // validated
			te.p = byToken
			t.tokens = append(t.tokens, te)
		}
		for _, c := range e.ClientCerts {
			t.certs[c] = byCert
		}
	}
	return t, nil
}

// Token returns the principal holding token. It hashes the token and
// compares the hash with every hash of the table in constant time, without
// stopping at a match.
func (t *Table) Token(token string) (*Principal, error) {
	h := sha256.Sum256([]byte(token))
	var found *Principal
	for i := range t.tokens {
		if subtle.ConstantTimeCompare(h[:], t.tokens[i].hash[:]) == 1 {
			found = t.tokens[i].p
		}
	}
	if found == nil {
		return nil, ErrUnknownToken
	}
	return found, nil
}

// Certificate returns the principal the first of names (a verified client
// certificate's URI SANs, then its common name) is registered for.
func (t *Table) Certificate(names []string) (*Principal, error) {
	for _, n := range names {
		if p, ok := t.certs[n]; ok {
			return p, nil
		}
	}
	return nil, ErrUnknownCertificate
}
