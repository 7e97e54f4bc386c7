package synth

import "math/rand/v2"

// recMeta is what Generate needs about a record after shuffling.
type recMeta struct {
	fac int32
	at  day
}

// Generate builds a synthetic population from opts and returns its records
// in a shuffled, deterministic order, each with its truth.
func Generate(opts Options) ([]Record, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	persons := newPopulation(r, o).build()
	fs := newFacilities(r, o.Sources)
	vt := newVisitTables(fs)
	g := &renderer{r: r, scale: o.ErrorScale, persons: persons}

	n := int(float64(o.Persons)*o.MeanRecords) + o.Persons/10 + 16
	recs := make([]Record, 0, n)
	meta := make([]recMeta, 0, n)
	lastHH, hid := -1, ""
	var used []int
	for i := range persons {
		x := &persons[i]
		pid := "P" + zeroPad(i+1, 7)
		if x.household != lastHH { // households are contiguous
			lastHH, hid = x.household, "H"+zeroPad(x.household+1, 7)
		}
		emit := func(fac int, at day, placeholder bool) {
			recs = append(recs, Record{Raw: g.raw(i, &fs[fac], at, placeholder), PersonID: pid, HouseholdID: hid, Role: x.role})
			meta = append(meta, recMeta{fac: int32(fac), at: at})
			used = append(used, fac)
		}
		used = used[:0]
		k := 1 + poisson(r, o.MeanRecords-1)
		lo := max(firstRecord, x.birth)
		if x.newborn {
			emit(vt.birth(r, x.prov), x.birth+day(r.IntN(4)), true)
			k--
			if k > 0 && chance(r, 0.2) {
				emit(vt.visit(r, x.prov), x.birth+day(r.IntN(20)), true)
				k--
			}
			lo = x.birth + 30 + day(r.IntN(60))
		}
		for ; k > 0 && lo <= today; k-- {
			at := randomDay(r, lo, today)
			var fac int
			if x.bhxh != "" && at >= dayOf(2016, 1, 1) && chance(r, 0.25) && !contains(used, 0) {
				fac = 0
			} else {
				fac = vt.visit(r, g.residence(x, at))
				if contains(used, fac) && chance(r, 0.85) { // most re-visits reuse the local ID
					fac = vt.visit(r, g.residence(x, at))
				}
			}
			emit(fac, at, false)
		}
	}
	r.Shuffle(len(recs), func(a, b int) {
		recs[a], recs[b] = recs[b], recs[a]
		meta[a], meta[b] = meta[b], meta[a]
	})
	for i := range recs {
		y, _, _ := meta[i].at.ymd()
		recs[i].LocalID = fs[meta[i].fac].nextLocalID(y)
	}
	return recs, nil
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
