package synth

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func generateBytes(t *testing.T, o Options) []byte {
	t.Helper()
	recs, err := Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteRecords(&b, recs); err != nil {
		t.Fatal(err)
	}
	if err := WriteTruth(&b, recs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	a := generateBytes(t, Options{Persons: 3000, Seed: 42})
	b := generateBytes(t, Options{Persons: 3000, Seed: 42})
	c := generateBytes(t, Options{Persons: 3000, Seed: 43})
	if !bytes.Equal(a, b) {
		t.Error("same seed gave different bytes")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds gave identical bytes")
	}
}

func TestGenerateRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{{}, {Persons: -1}, {Persons: 10, Sources: 2}, {Persons: 10, MeanRecords: 0.5}, {Persons: 10, TwinRate: -1}} {
		if _, err := Generate(o); err == nil {
			t.Errorf("Generate(%+v) succeeded, want an error", o)
		}
	}
}

// population regenerates the persons Generate drew for o.
func populationFor(t *testing.T, o Options) []person {
	t.Helper()
	o, err := o.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	return newPopulation(r, o).build()
}

func TestGenerateInvariants(t *testing.T) {
	t.Parallel()
	o := Options{Persons: 20000, Seed: 7}
	recs, err := Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	persons := populationFor(t, o)

	keys := map[string]bool{}
	roleOf := map[string]string{}
	for _, rec := range recs {
		k := rec.Source + "\x00" + rec.LocalID
		if keys[k] {
			t.Fatalf("duplicate source/local_id %s/%s", rec.Source, rec.LocalID)
		}
		keys[k] = true
		if rec.Source == "" || rec.LocalID == "" || rec.PersonID == "" || rec.HouseholdID == "" {
			t.Fatalf("record without identity or truth: %+v", rec)
		}
		if r, ok := roleOf[rec.PersonID]; ok && r != rec.Role {
			t.Fatalf("person %s has roles %q and %q", rec.PersonID, r, rec.Role)
		}
		roleOf[rec.PersonID] = rec.Role
	}
	if len(roleOf) < o.Persons*95/100 {
		t.Errorf("%d of %d persons have records", len(roleOf), o.Persons)
	}
	mean := float64(len(recs)) / float64(o.Persons)
	if mean < 2 || mean > 3 {
		t.Errorf("mean records per person = %.2f, want 2..3", mean)
	}

	counts := map[string]int{}
	for _, r := range roleOf {
		counts[r]++
	}
	bounds := map[string][2]float64{
		RoleTwin: {0.005, 0.04}, RoleNewborn: {0.01, 0.08}, RoleFatherSon: {0.001, 0.02},
		RoleNamesake: {0.002, 0.03}, RoleMover: {0.01, 0.08}, RoleMother: {0.01, 0.08},
	}
	for role, b := range bounds {
		share := float64(counts[role]) / float64(o.Persons)
		if share < b[0] || share > b[1] {
			t.Errorf("share of %s = %.4f, want %.3f..%.3f", role, share, b[0], b[1])
		}
	}

	var nguyen, women, thi int
	for _, p := range persons {
		if p.family == "Nguyễn" {
			nguyen++
		}
		if p.female && ageAt(p.birth, today) >= 18 {
			women++
			if strings.HasPrefix(p.middle, "Thị") {
				thi++
			}
		}
	}
	if s := float64(nguyen) / float64(len(persons)); s < 0.3 || s > 0.4 {
		t.Errorf("Nguyễn share = %.3f, want 0.30..0.40", s)
	}
	if s := float64(thi) / float64(women); s < 0.5 || s > 0.8 {
		t.Errorf("Thị share among adult women = %.3f, want 0.50..0.80", s)
	}
}

func TestTwins(t *testing.T) {
	t.Parallel()
	persons := populationFor(t, Options{Persons: 20000, Seed: 3})
	byHH := map[int][]person{}
	for _, p := range persons {
		if p.role == RoleTwin {
			byHH[p.household] = append(byHH[p.household], p)
		}
	}
	if len(byHH) == 0 {
		t.Fatal("no twins")
	}
	for hh, ts := range byHH {
		if len(ts) < 2 {
			continue // father/son or namesake roles can win in rare cases; a pair may be cut by the size limit
		}
		a, b := ts[0], ts[1]
		type shared struct {
			Family, Middle, Street, Phone string
			Birth                         day
		}
		if diff := cmp.Diff(shared{a.family, a.middle, a.street, a.phone, a.birth}, shared{b.family, b.middle, b.street, b.phone, b.birth}); diff != "" {
			t.Errorf("household %d twins differ (-a +b):\n%s", hh, diff)
		}
		if a.given == b.given {
			t.Errorf("household %d twins share the given name", hh)
		}
		if a.cccd != "" && a.cccd == b.cccd {
			t.Errorf("household %d twins share a CCCD", hh)
		}
	}
}

func TestNewbornPlaceholdersHaveNoIDs(t *testing.T) {
	t.Parallel()
	recs, err := Generate(Options{Persons: 20000, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, rec := range recs {
		if rec.Role != RoleNewborn || !isPlaceholder(rec.FullName) {
			continue
		}
		found++
		if rec.CitizenID != "" || rec.InsuranceNo != "" {
			t.Errorf("placeholder record %s/%s carries an ID", rec.Source, rec.LocalID)
		}
	}
	if found == 0 {
		t.Error("no newborn placeholder records")
	}
}

func isPlaceholder(name string) bool {
	for _, s := range []string{name, fromTCVN3(name), fromVNI(name)} {
		u := strings.ToUpper(stripMarks(s))
		for _, p := range []string{"CON BA ", "CB ", "BE GAI", "BE TRAI", "SO SINH"} {
			if strings.HasPrefix(u, p) {
				return true
			}
		}
	}
	return false
}

func TestCCCDStructure(t *testing.T) {
	t.Parallel()
	o := Options{Persons: 20000, Seed: 5}
	recs, err := Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	persons := populationFor(t, o)
	var full, consistent int
	for _, rec := range recs {
		id := rec.CitizenID
		if len(id) != 12 {
			continue
		}
		full++
		i, err := strconv.Atoi(rec.PersonID[1:])
		if err != nil {
			t.Fatal(err)
		}
		p := persons[i-1]
		g := int(id[3] - '0')
		yy, _ := strconv.Atoi(id[4:6])
		year := 1900 + 100*(g/2) + yy
		by, _, _ := p.birth.ymd()
		if year == by && (g%2 == 1) == p.female && id == p.cccd {
			consistent++
		}
	}
	if full == 0 {
		t.Fatal("no 12-digit CCCDs")
	}
	// Only the rare one-digit typo may break the structure.
	if share := float64(consistent) / float64(full); share < 0.98 {
		t.Errorf("%.3f of 12-digit CCCDs match the person's birth year and sex, want >= 0.98", share)
	}
}

func BenchmarkGenerate10k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(Options{Persons: 10000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
