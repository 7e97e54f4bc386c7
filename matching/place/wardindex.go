package place

import (
	"fmt"
	"slices"
	"strings"
)

// parseWards reads the new wards and the old communes and builds the code and name indexes.
func (t *table) parseWards() error {
	for f := range rows(wardsTSV) {
		if len(f) != 3 {
			return fmt.Errorf("%w: wards.tsv", errData)
		}
		n, ok1 := code5(f[0])
		p, ok2 := t.newProvince(f[1])
		if !ok1 || !ok2 || t.wardByNum[n] != 0 {
			return fmt.Errorf("%w: wards.tsv", errData)
		}
		key, kind, accent := wardKey(f[2])
		t.wards = append(t.wards, ward{code: f[0], name: f[2], accent: accent, prov: uint8(p), kind: kind})
		i := uint16(len(t.wards) - 1)
		t.wardByNum[n] = i + 1
		c := candidate{idx: i, kind: kind}
		t.addWardName(p, key, c)
		t.addWardName(national, key, c)
	}
	for f := range rows(oldWardsTSV) {
		if len(f) != 4 {
			return fmt.Errorf("%w: old_wards.tsv", errData)
		}
		n, ok := code5(f[0])
		if !ok || t.oldByNum[n] != 0 {
			return fmt.Errorf("%w: old_wards.tsv", errData)
		}
		key, kind, accent := wardKey(f[2])
		o := oldWard{accent: accent, kind: kind}
		var provs []int
		for code := range strings.FieldsSeq(f[3]) {
			m, ok := code5(code)
			if !ok || t.wardByNum[m] == 0 {
				return fmt.Errorf("%w: old_wards.tsv: unknown successor", errData)
			}
			w := t.wardByNum[m] - 1
			o.targets = append(o.targets, w)
			if p := int(t.wards[w].prov); !slices.Contains(provs, p) {
				provs = append(provs, p)
			}
		}
		if len(o.targets) == 0 {
			return fmt.Errorf("%w: old_wards.tsv: no successor", errData)
		}
		t.oldWards = append(t.oldWards, o)
		i := uint16(len(t.oldWards) - 1)
		t.oldByNum[n] = i + 1
		c := candidate{idx: i, old: true, kind: kind}
		for _, p := range provs {
			t.addWardName(p, key, c)
		}
		t.addWardName(national, key, c)
	}
	return nil
}

func (t *table) addWardName(scope int, key string, c candidate) {
	t.wardNames[scope][key] = append(t.wardNames[scope][key], c)
}

// wardKey returns the index key of an official ward name, the kind its prefix announces and the accent key of the
// name without the prefix.
func wardKey(name string) (key string, kind wardKind, accent string) {
	f, kind := cutWardPrefix(fold(nil, name))
	return string(compact(nil, f)), kind, accentKey(name, tokenCount(f))
}
