package place

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrAmbiguous is wrapped by the error of Ward when a name denotes several wards in the scope it was looked up in
// (a common name without a province, or several old communes of one name that went to different new wards).
var ErrAmbiguous = errors.New("place: ambiguous")

var (
	errUnknownWard   = fmt.Errorf("place: ward: %w", ErrUnknown)
	errAmbiguousWard = fmt.Errorf("place: ward: %w", ErrAmbiguous)
)

// Ward returns the 5-digit code of the new ward (commune-level unit in force since 1/7/2025) that s denotes within
// the province prov. prov may be "" (all of Vietnam) or anything Province accepts; an unknown prov is an error
// wrapping ErrUnknown. s may be
//   - a code of up to 5 digits (left-padded with zeros, as when stored as an integer). A code of the new list is
//     returned as is; otherwise an old commune code maps to its successor. When the old commune was split among
//     several new wards (within prov, when given), Ward returns the lowest of their codes and split=true. New codes
//     reuse old ones, so a code of both lists is read as new.
//   - a name, with or without diacritics and a type prefix ("Phường Bến Nghé", "P. Bến Nghé", "Xã …", "Thị trấn …",
//     "TT …", "Đặc khu …"). Names of the new list win; then names of old communes, mapped as codes are. When a name
//     denotes several wards, a prefix that agrees with one unit's type breaks the tie, then (for input written with
//     diacritics) an exact diacritic match ("Văn Lăng" vs "Văn Lang"); otherwise the error wraps ErrAmbiguous.
//
// A code or name that lies outside prov, or matches nothing, is an error wrapping ErrUnknown.
func Ward(prov, s string) (code string, split bool, err error) {
	t, err := tables()
	if err != nil {
		return "", false, err
	}
	scope := national
	if strings.TrimSpace(prov) != "" {
		p, ok := t.province(prov)
		if !ok {
			return "", false, errUnknownProvince
		}
		scope = p
	}
	s = strings.TrimSpace(s)
	if n, ok := wardNumber(s); ok {
		return t.wardByCode(scope, n)
	}
	if len(s) > maxInput {
		return "", false, errUnknownWard
	}
	var fbuf, kbuf [maxInput]byte
	full := fold(fbuf[:0], s)
	f, kind := cutWardPrefix(full)
	code, split, err = t.wardByName(scope, compact(kbuf[:0], f), kind, func() string { return inputAccent(s, tokenCount(f)) })
	if errors.Is(err, ErrUnknown) && kind != kindNone {
		// The "prefix" may belong to the name itself ("Xà Phìn" folds to "xa phin").
		code, split, err = t.wardByName(scope, compact(kbuf[:0], full), kindNone, func() string { return inputAccent(s, -1) })
	}
	return code, split, err
}

// inputAccent is the accent key of the input, or "" when it is plain ASCII: text without diacritics may have lost
// them, so it must not prefer the ward whose official name happens to have none ("Thanh An" over "Thạnh An").
func inputAccent(s string, n int) string {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return accentKey(s, n)
		}
	}
	return ""
}

// wardNumber parses a ward code of 1 to 5 digits.
func wardNumber(s string) (int, bool) {
	if len(s) == 0 || len(s) > 5 {
		return 0, false
	}
	n := 0
	for i := range len(s) {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func (t *table) wardByCode(scope, n int) (string, bool, error) {
	if w := t.wardByNum[n]; w != 0 {
		if w := &t.wards[w-1]; scope == national || int(w.prov) == scope {
			return w.code, false, nil
		}
	}
	if o := t.oldByNum[n]; o != 0 {
		if code, split, ok := t.successor(scope, &t.oldWards[o-1]); ok {
			return code, split, nil
		}
	}
	return "", false, errUnknownWard
}

// successor returns the lowest successor of an old commune within scope and whether it has several there.
func (t *table) successor(scope int, o *oldWard) (code string, split, ok bool) {
	n := 0
	for _, i := range o.targets {
		if w := &t.wards[i]; scope == national || int(w.prov) == scope {
			if n == 0 {
				code = w.code
			}
			n++
		}
	}
	return code, n > 1, n > 0
}

// wardByName resolves a folded compact name: new names before old ones, and at each stage candidates of the
// announced kind before all candidates. When a stage finds several wards, the one whose name agrees with the input
// diacritic for diacritic (accent, computed only then) wins; failing that the name is ambiguous.
func (t *table) wardByName(scope int, key []byte, kind wardKind, accent func() string) (string, bool, error) {
	cands := t.wardNames[scope][string(key)]
	for _, stage := range [...]struct{ old, typed bool }{{false, true}, {true, true}, {false, false}, {true, false}} {
		if stage.typed && kind == kindNone {
			continue
		}
		code, split, n, ambiguous := t.pick(scope, cands, stage.old, stage.typed, kind, "")
		if ambiguous {
			if code, split, n, ambiguous = t.pick(scope, cands, stage.old, stage.typed, kind, accent()); n == 0 || ambiguous {
				return "", false, errAmbiguousWard
			}
		}
		if n > 0 {
			return code, split, nil
		}
	}
	return "", false, errUnknownWard
}

// pick returns the ward that the candidates of one stage denote, and how many candidates matched; ambiguous when
// they denote several. A non-empty accent admits only candidates with that accent key.
func (t *table) pick(scope int, cands []candidate, old, typed bool, kind wardKind, accent string) (code string, split bool, n int, ambiguous bool) {
	for _, c := range cands {
		if c.old != old || (typed && c.kind != kind) {
			continue
		}
		var cc, ca string
		var cs bool
		if c.old {
			var ok bool
			o := &t.oldWards[c.idx]
			if cc, cs, ok = t.successor(scope, o); !ok {
				continue
			}
			ca = o.accent
		} else {
			cc, ca = t.wards[c.idx].code, t.wards[c.idx].accent
		}
		if accent != "" && ca != accent {
			continue
		}
		switch {
		case n == 0:
			code = cc
		case cc != code:
			ambiguous = true
		}
		split = split || cs
		n++
	}
	if ambiguous {
		return "", false, n, true
	}
	return code, split, n, false
}

// WardProvince returns the new province code of a 5-digit code of the new ward list, or "" when wardCode is not one.
func WardProvince(wardCode string) string {
	if w := lookupWard(wardCode); w != nil {
		t, _ := tables()
		return t.provinces[w.prov].code
	}
	return ""
}

// WardName returns the official name of a 5-digit code of the new ward list, or "" when wardCode is not one.
func WardName(wardCode string) string {
	if w := lookupWard(wardCode); w != nil {
		return w.name
	}
	return ""
}

func lookupWard(code string) *ward {
	t, err := tables()
	n, ok := code5(code)
	if err != nil || !ok || t.wardByNum[n] == 0 {
		return nil
	}
	return &t.wards[t.wardByNum[n]-1]
}
