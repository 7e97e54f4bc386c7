package place

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// The derived tables; see data/README.md and data/LICENSE.
var (
	//go:embed data/provinces.tsv
	provincesTSV string
	//go:embed data/old_provinces.tsv
	oldProvincesTSV string
	//go:embed data/wards.tsv
	wardsTSV string
	//go:embed data/old_wards.tsv
	oldWardsTSV string
)

// codeSpace is the number of 5-digit codes; ward codes index arrays of this size.
const codeSpace = 100000

// national is the scope index of the name index that spans all provinces.
const national = 34

type province struct {
	code, name string
	old        []string // old codes merged into this one, ascending
}

type ward struct {
	code, name string
	accent     string // accentKey of the name without its type prefix
	prov       uint8  // index into table.provinces
	kind       wardKind
}

type oldWard struct {
	accent  string // accentKey of the name without its type prefix
	kind    wardKind
	targets []uint16 // indexes into table.wards, ascending by code
}

// candidate is one unit a folded ward name may denote: a ward of the new list or an old commune.
type candidate struct {
	idx  uint16 // into table.wards or, when old, table.oldWards
	old  bool
	kind wardKind
}

// table is the parsed form of the embedded data. It is built once by tables and only read afterwards.
type table struct {
	provinces  []province       // the 34, ascending by code
	provByCode [100]uint8       // 2-digit code (old or new) -> 1 + index into provinces; 0 if none
	isOld      [100]bool        // the code is one of the 63 old codes
	provByName map[string]uint8 // folded compact name -> 1 + index into provinces

	wards     []ward
	oldWards  []oldWard
	wardByNum []uint16 // 5-digit new code -> 1 + index into wards; 0 if none
	oldByNum  []uint16 // 5-digit old code -> 1 + index into oldWards; 0 if none
	// wardNames[p] maps a folded compact ward name (type prefix removed) to the units it may denote in
	// province index p; wardNames[national] spans all provinces.
	wardNames [national + 1]map[string][]candidate
}

// errData reports embedded data that does not parse: a build defect, never caused by the caller's input.
var errData = errors.New("place: embedded data is malformed")

// tables parses the embedded data on first use; later calls return the same read-only table.
var tables = sync.OnceValues(parse)

func parse() (*table, error) {
	t := &table{
		provByName: make(map[string]uint8, 300),
		wardByNum:  make([]uint16, codeSpace),
		oldByNum:   make([]uint16, codeSpace),
	}
	for i := range t.wardNames {
		t.wardNames[i] = make(map[string][]candidate)
	}
	if err := t.parseProvinces(); err != nil {
		return nil, err
	}
	if err := t.parseWards(); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *table) parseProvinces() error {
	for f := range rows(provincesTSV) {
		n, ok := code2(f[0])
		if len(f) != 2 || !ok || t.provByCode[n] != 0 {
			return fmt.Errorf("%w: provinces.tsv", errData)
		}
		t.provinces = append(t.provinces, province{code: f[0], name: f[1]})
		t.provByCode[n] = uint8(len(t.provinces))
	}
	if len(t.provinces) != national {
		return fmt.Errorf("%w: provinces.tsv", errData)
	}
	var oldNames [][2]string // old name, new code
	for f := range rows(oldProvincesTSV) {
		o, ok1 := code2(f[0])
		n, ok2 := code2(f[1])
		if len(f) != 3 || !ok1 || !ok2 || t.isOld[o] || t.provByCode[n] == 0 {
			return fmt.Errorf("%w: old_provinces.tsv", errData)
		}
		p := t.provByCode[n]
		if q := t.provByCode[o]; q != 0 && q != p {
			return fmt.Errorf("%w: old_provinces.tsv: a kept code moved", errData)
		}
		t.provByCode[o] = p
		t.isOld[o] = true
		t.provinces[p-1].old = append(t.provinces[p-1].old, f[0])
		oldNames = append(oldNames, [2]string{f[2], f[1]})
	}
	for _, p := range t.provinces {
		if err := t.addProvinceName(p.name, p.code); err != nil {
			return err
		}
	}
	for _, o := range oldNames {
		if err := t.addProvinceName(o[0], o[1]); err != nil {
			return err
		}
	}
	for _, a := range provinceAliases {
		if err := t.addProvinceName(a.name, a.code); err != nil {
			return err
		}
	}
	return nil
}

// addProvinceName indexes name, with and without its administrative prefix, under the new code.
func (t *table) addProvinceName(name, code string) error {
	n, _ := code2(code)
	p := t.provByCode[n]
	f := fold(nil, name)
	for {
		k := string(compact(nil, f))
		if q, ok := t.provByName[k]; ok && q != p {
			return fmt.Errorf("%w: province name %q names two provinces", errData, name)
		}
		t.provByName[k] = p
		var cut bool
		if f, cut = cutProvincePrefix(f); !cut {
			return nil
		}
	}
}

// rows yields the tab-separated fields of each non-empty line of s.
func rows(s string) func(func([]string) bool) {
	return func(yield func([]string) bool) {
		for line := range strings.Lines(s) {
			line = strings.TrimRight(line, "\r\n")
			if line != "" && !yield(strings.Split(line, "\t")) {
				return
			}
		}
	}
}

// code2 parses a 2-digit code.
func code2(s string) (int, bool) {
	if len(s) != 2 || !isDigit(s[0]) || !isDigit(s[1]) {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}

// code5 parses a 5-digit code.
func code5(s string) (int, bool) {
	if len(s) != 5 {
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

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
