package store_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/vnhealth/mpi/store"
)

func TestEIDFromSeq(t *testing.T) {
	t.Parallel()
	seen := make(map[store.EID]uint64)
	for seq := range uint64(20000) {
		e, err := store.EIDFromSeq(seq)
		if err != nil {
			t.Fatal(err)
		}
		if !e.Valid() {
			t.Fatalf("EIDFromSeq(%d) = %q is not a valid EID", seq, e)
		}
		if prev, ok := seen[e]; ok {
			t.Fatalf("EIDFromSeq(%d) = EIDFromSeq(%d) = %q", seq, prev, e)
		}
		seen[e] = seq
	}
	if _, err := store.EIDFromSeq(store.MaxEIDSeq); err != nil {
		t.Errorf("MaxEIDSeq: %v", err)
	}
	if _, err := store.EIDFromSeq(store.MaxEIDSeq + 1); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("beyond MaxEIDSeq: err = %v, want ErrInvalid", err)
	}
}

// TestEIDCheckSymbol: every single wrong symbol and every swap of two
// different neighbours is caught.
func TestEIDCheckSymbol(t *testing.T) {
	t.Parallel()
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXY"
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		e, err := store.EIDFromSeq(rng.Uint64N(store.MaxEIDSeq))
		if err != nil {
			t.Fatal(err)
		}
		s := []byte(e)
		for i := range s {
			for j := range len(alphabet) {
				if alphabet[j] == s[i] {
					continue
				}
				typo := append([]byte(nil), s...)
				typo[i] = alphabet[j]
				if _, err := store.ParseEID(string(typo)); !errors.Is(err, store.ErrEIDCheck) {
					t.Fatalf("%s with symbol %d changed to %c: err = %v, want ErrEIDCheck", e, i, alphabet[j], err)
				}
			}
			if i+1 < len(s) && s[i] != s[i+1] {
				swap := append([]byte(nil), s...)
				swap[i], swap[i+1] = swap[i+1], swap[i]
				if _, err := store.ParseEID(string(swap)); !errors.Is(err, store.ErrEIDCheck) {
					t.Fatalf("%s with symbols %d and %d swapped: err = %v, want ErrEIDCheck", e, i, i+1, err)
				}
			}
		}
	}
}

func TestParseEID(t *testing.T) {
	t.Parallel()
	e, err := store.EIDFromSeq(12345)
	if err != nil {
		t.Fatal(err)
	}
	lower := []byte(e.Display())
	for i := range lower {
		if lower[i] >= 'A' && lower[i] <= 'Z' {
			lower[i] += 'a' - 'A'
		}
	}
	tests := []struct {
		in      string
		want    store.EID
		wantErr error
	}{
		{string(e), e, nil},
		{e.Display(), e, nil},
		{string(lower), e, nil},
		{"", "", store.ErrEIDLength},
		{string(e[:8]), "", store.ErrEIDLength},
		{string(e) + "0", "", store.ErrEIDLength},
		{string(e[:8]) + "Z", "", store.ErrEIDSymbol},
		{string(e[:8]) + "!", "", store.ErrEIDSymbol},
	}
	for _, tt := range tests {
		got, err := store.ParseEID(tt.in)
		if !errors.Is(err, tt.wantErr) || got != tt.want {
			t.Errorf("ParseEID(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	// Read-alikes: O for 0, I and L for 1.
	zeroOne, err := store.EIDFromSeq(0)
	if err != nil {
		t.Fatal(err)
	}
	alike := []byte(zeroOne)
	for i, c := range alike {
		switch c {
		case '0':
			alike[i] = 'O'
		case '1':
			alike[i] = 'l'
		}
	}
	if got, err := store.ParseEID(string(alike)); err != nil || got != zeroOne {
		t.Errorf("ParseEID(%q) = %q, %v; want %q", alike, got, err, zeroOne)
	}
}

func FuzzParseEID(f *testing.F) {
	for _, s := range []string{"", "0000-0000-0", "K7Q2-M9XP-4", "zzzzzzzzz", "ol1i"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := store.ParseEID(s)
		if err != nil {
			if e != "" {
				t.Fatalf("error %v with a result %q", err, e)
			}
			return
		}
		if !e.Valid() {
			t.Fatalf("ParseEID(%q) = %q, not canonical", s, e)
		}
		if again, err := store.ParseEID(e.Display()); err != nil || again != e {
			t.Fatalf("Display round trip of %q: %q, %v", e, again, err)
		}
	})
}
