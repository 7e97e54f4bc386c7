package blocking

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vnhealth/mpi/matching"
)

func norm(raw matching.Raw) matching.Record { return matching.Normalize(&raw) }

func TestKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  matching.Raw
		want []string
	}{
		{
			name: "full record, old province code",
			raw: matching.Raw{FullName: "Nguyễn Văn An", Gender: "Nam", BirthDate: "07/05/1990",
				Phone: "0912345678", Province: "74"},
			want: []string{"yp:1990:79:m:a", "ph:0912345678", "gy:an:1990:n", "df:19900507:n",
				"dp:19900507:79", "dg:0507:an:79", "np:an nguyen van:79"},
		},
		{
			name: "year only: no date keys",
			raw:  matching.Raw{FullName: "Trần Thị Hoa", Gender: "F", BirthDate: "1950", Province: "Hà Nội"},
			want: []string{"yp:1950:01:f:h", "gy:hoa:1950:t", "np:hoa thi tran:01"},
		},
		{
			name: "unknown sex: no year_province key",
			raw:  matching.Raw{FullName: "Lê Minh", BirthDate: "2001-02-03", Province: "79"},
			want: []string{"gy:minh:2001:l", "df:20010203:l", "dp:20010203:79", "dg:0203:minh:79", "np:le minh:79"},
		},
		{
			name: "junk name KHONG RO keeps only non-name keys",
			raw:  matching.Raw{FullName: "KHÔNG RÕ", Gender: "M", BirthDate: "2001-02-03", Province: "79"},
			want: []string{"dp:20010203:79"},
		},
		{
			name: "one-letter given name",
			raw:  matching.Raw{FullName: "Nguyễn V.", Gender: "M", BirthDate: "2001-02-03", Province: "79"},
			want: []string{"df:20010203:n", "dp:20010203:79"},
		},
		{
			name: "placeholder identifiers give no key",
			raw: matching.Raw{FullName: "Phạm Thu", Gender: "F", CitizenID: "000000000000",
				Phone: "0123456789", InsuranceNo: "0000000000"},
			want: nil,
		},
		{
			name: "junk opaque province",
			raw:  matching.Raw{FullName: "Phạm Thu", Gender: "F", BirthDate: "1980", Province: "không rõ"},
			want: []string{"gy:thu:1980:p"},
		},
		{
			name: "birth year from the CCCD",
			raw:  matching.Raw{FullName: "Đỗ Hùng", CitizenID: "001090012345", Province: "01"},
			want: []string{"yp:1990:01:m:h", "id:001090012345", "gy:hung:1990:d", "np:do hung:01"},
		},
		{name: "empty record", raw: matching.Raw{}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := norm(tt.raw)
			got := Keys(nil, &rec)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Keys mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSortedWordsOrderFree(t *testing.T) {
	t.Parallel()
	a, b := norm(matching.Raw{FullName: "Phan Công Sơn", Province: "66"}), norm(matching.Raw{FullName: "Sơn Phan Công", Province: "66"})
	ka, kb := Keys(nil, &a), Keys(nil, &b)
	if diff := cmp.Diff(ka[len(ka)-1], kb[len(kb)-1]); diff != "" {
		t.Errorf("name_province keys of a reordered name mismatch (-want +got):\n%s", diff)
	}
}

func TestRuleOfAndFields(t *testing.T) {
	t.Parallel()
	for r := range NumRules {
		got, ok := RuleOf(prefixes[r] + "x")
		if !ok || got != r {
			t.Errorf("RuleOf(%q) = %v, %v; want %v", prefixes[r]+"x", got, ok, r)
		}
		if len(r.Fields()) == 0 {
			t.Errorf("%v.Fields() is empty", r)
		}
		if strings.Contains(r.String(), "?") {
			t.Errorf("rule %d has no name", r)
		}
	}
	if _, ok := RuleOf("zz:1"); ok {
		t.Error(`RuleOf("zz:1") found a rule`)
	}
}

// FuzzKeys: no panic; at most one key per rule, each with its rule's
// prefix, printable ASCII, and the same keys for the same record.
func FuzzKeys(f *testing.F) {
	f.Add("Nguyễn Văn An", "Nam", "07/05/1990", "001090012345", "DN4790123456789", "0912345678", "74")
	f.Add("KHÔNG RÕ", "", "", "0", "", "0000000000", "không rõ")
	f.Add("CON BÀ Lê Thị Lan", "F", "2025-01-01", "", "", "", "Ha Noi")
	f.Fuzz(func(t *testing.T, name, sex, birth, id, ins, phone, prov string) {
		rec := norm(matching.Raw{FullName: name, Gender: sex, BirthDate: birth, CitizenID: id, InsuranceNo: ins, Phone: phone, Province: prov})
		keys := Keys(nil, &rec)
		seen := map[Rule]bool{}
		for _, k := range keys {
			r, ok := RuleOf(k)
			if !ok || seen[r] {
				t.Fatalf("key of no rule or second key of rule %v", r)
			}
			seen[r] = true
			if len(k) <= len(prefixes[r]) {
				t.Fatalf("empty key of rule %v", r)
			}
			for i := 0; i < len(k); i++ {
				if k[i] < ' ' || k[i] > '~' {
					t.Fatalf("key of rule %v holds a byte outside printable ASCII", r)
				}
			}
		}
		if diff := cmp.Diff(keys, Keys(nil, &rec)); diff != "" {
			t.Fatalf("Keys not deterministic (-first +second):\n%s", diff)
		}
	})
}

func TestStreetKey(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"12 colebatch place brentwood vlge": "12 colebatc",
		"12 colebatchplace brentwood vlge":  "12 colebatc", // words run together
		"2 denovan circuit brackenl eigh":   "2 denovanb",
		"so 261 duong quang trung phuong 5": "261 quangtru",
		"thon trung xa lam trach":           "", // no house number
		"so 12 duong le loi":                "", // fewer letters than a key holds
		"":                                  "",
	}
	for in, want := range tests {
		if got := streetKey(in); got != want {
			t.Errorf("streetKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAddressKey(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"so 261 duong quang trung phuong 5":        "261 quang trung",
		"261 d quang trung p 5":                    "261 quang trung",
		"2 quiros street naranda arana hills 2250": "2 quiros naranda",
		"thon trung xa lam trach":                  "", // no house number: a hamlet shared by thousands
		"ap 9":                                     "", // too short
		"":                                         "",
	}
	for in, want := range tests {
		if got := addressKey(in); got != want {
			t.Errorf("addressKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKeyHashes(t *testing.T) {
	t.Parallel()
	raw := matching.Raw{Source: "BV01", LocalID: "1", FullName: "Nguyễn Văn An", BirthDate: "1990-05-17", Gender: "M",
		CitizenID: "001090012345", Phone: "0912345678", Province: "01", Address: "12 Hàng Bạc"}
	rec := matching.Normalize(&raw)
	keys := Keys(nil, &rec)
	hs := KeyHashes(nil, &rec)
	if len(hs) != len(keys) || len(hs) == 0 {
		t.Fatalf("KeyHashes gave %d hashes for %d keys", len(hs), len(keys))
	}
	for i, k := range keys {
		if hs[i] != hashKey(k) || hs[i] == 0 {
			t.Errorf("hash %d = %d, want hashKey of the key", i, hs[i])
		}
	}
	// Stores keep these hashes: a change of the hash function is caught here.
	if got := hashKey("id:001090012345"); got != 0xe47f2650d7084931 {
		t.Errorf("hashKey changed: %#x", got)
	}
}

// TestKeyHashesAndIDs: all of KeyHashes, and of them the hashes of a
// record's citizen-ID and insurance-number keys — not its phone's, which
// a family shares — and none for a record without those identifiers.
func TestKeyHashesAndIDs(t *testing.T) {
	t.Parallel()
	raw := matching.Raw{Source: "BV01", LocalID: "1", FullName: "Nguyễn Văn An", BirthDate: "1990-05-17", Gender: "M",
		CitizenID: "001090012345", InsuranceNo: "DN4797912345678", Phone: "0912345678", Province: "01", Address: "12 Hàng Bạc"}
	rec := matching.Normalize(&raw)
	var want []uint64
	for _, k := range Keys(nil, &rec) {
		if strings.HasPrefix(k, "id:") || strings.HasPrefix(k, "si:") {
			want = append(want, hashKey(k))
		}
	}
	if len(want) != 2 {
		t.Fatalf("the record has %d citizen-ID and insurance keys, want 2: %q", len(want), Keys(nil, &rec))
	}
	all, ids := KeyHashesAndIDs(nil, nil, &rec)
	if d := cmp.Diff(want, ids); d != "" {
		t.Errorf("KeyHashesAndIDs' identifier hashes mismatch (-want +got):\n%s", d)
	}
	if d := cmp.Diff(KeyHashes(nil, &rec), all); d != "" {
		t.Errorf("KeyHashesAndIDs' hashes differ from KeyHashes' (-want +got):\n%s", d)
	}
	for _, h := range ids {
		if !slices.Contains(all, h) {
			t.Errorf("hash %#x is not one of KeyHashes'", h)
		}
	}
	raw.CitizenID, raw.InsuranceNo = "", ""
	rec = matching.Normalize(&raw)
	if _, got := KeyHashesAndIDs(nil, nil, &rec); len(got) != 0 {
		t.Errorf("a record with a phone but no citizen ID or insurance number: %d hashes, want none", len(got))
	}
}
