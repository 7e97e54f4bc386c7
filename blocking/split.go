package blocking

import (
	"slices"
	"strconv"

	"github.com/vnhealth/mpi/matching"
)

// Adaptive sub-blocking. A rule's blocks grow in proportion to the
// population (one birth year, one given name, one province hold a fixed
// share of it), so comparing them all-to-all makes pairs grow with its
// square. A block larger than Options.SplitBlock is therefore split by the
// rule's next component (splits below), and each part larger than the
// limit again by the one after, until the parts are small enough or the
// components run out. Small blocks — all blocks of a small population —
// are left whole, so a split costs only the pairs of a big block that
// disagree on the component, and most of those are found by another rule.
//
// A record whose component is missing goes to the part of the records
// missing it. Parts keep record order, so the result is deterministic.

// component is one sub-blocking component: a short value of the record,
// "" when missing.
type component func(r *matching.Record) string

// splits lists, per rule, the components a big block is split by, in
// order. The identifier rules are not split: their big blocks are junk and
// capped. Each rule avoids the components its purpose says may differ:
// given_year (moves) is never split by province, date_province (newborns
// under the mother's name) never by name.
var splits = [NumRules][]component{
	RuleYearProvince: {familyInitial, birthMonth, givenName, birthDay},
	RuleGivenYear:    {sexOf, birthMonth, middleInitial, birthDay},
	RuleDateFamily:   {sexOf, givenInitial, middleInitial},
	RuleDateProvince: {sexOf, wardOf},
	RuleDayGiven:     {sexOf, familyInitial, birthDecade},
	RuleNameProvince: {sexOf, birthDecade, wardOf},
	RuleAddress:      {provinceOf, familyInitial, birthDecade},
	RuleStreet:       {provinceOf, familyInitial, birthDecade},
}

func provinceOf(r *matching.Record) string { return province(r) }

func familyInitial(r *matching.Record) string {
	if junkName(r) || r.Name.Family == "" {
		return ""
	}
	return r.Name.Family[:1]
}

func givenInitial(r *matching.Record) string {
	if junkName(r) || r.Name.Given == "" {
		return ""
	}
	return r.Name.Given[:1]
}

func middleInitial(r *matching.Record) string {
	if junkName(r) || r.Name.Middle == "" {
		return ""
	}
	return r.Name.Middle[:1]
}

func givenName(r *matching.Record) string {
	if junkName(r) {
		return ""
	}
	return r.Name.Given
}

func sexOf(r *matching.Record) string { return sexCode(r.Sex) }

func birthMonth(r *matching.Record) string {
	if r.Birth.Month == 0 {
		return ""
	}
	return twoDigits(r.Birth.Month)
}

func birthDay(r *matching.Record) string {
	if r.Birth.Day == 0 {
		return ""
	}
	return twoDigits(r.Birth.Day)
}

func birthDecade(r *matching.Record) string {
	y := r.BirthYear()
	if y < 1000 || y > 9999 {
		return ""
	}
	return strconv.Itoa(y / 10)
}

func wardOf(r *matching.Record) string { return r.Ward }

// extendHash continues the FNV-1a hash h of a key with a separator and one
// more component; 0 stays reserved for "no key".
func extendHash(h uint64, s string) uint64 {
	h ^= '|'
	h *= 1099511628211
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	if h == 0 {
		h = 1
	}
	return h
}

// group calls fn for every run of equal hashes in entries (sorted by hash),
// after splitting each run larger than split by rule r's components from
// depth on. A split rewrites the hashes of the run in place; fn sees the
// final parts, with their number of splits behind them.
func (ix *Index) group(recs []matching.Record, r Rule, entries []entry, depth int, fn func(run []entry, depth int)) {
	for lo := 0; lo < len(entries); {
		hi := lo + 1
		for hi < len(entries) && entries[hi].h == entries[lo].h {
			hi++
		}
		run := entries[lo:hi]
		if len(run) > ix.splitBlock && depth < len(splits[r]) {
			if depth == 0 {
				ix.splitSizes[r] = append(ix.splitSizes[r], len(run))
			}
			comp := splits[r][depth]
			for k := range run {
				run[k].h = extendHash(run[k].h, comp(&recs[run[k].idx]))
			}
			slices.SortStableFunc(run, func(a, b entry) int {
				switch {
				case a.h < b.h:
					return -1
				case a.h > b.h:
					return 1
				}
				return 0
			})
			ix.group(recs, r, run, depth+1, fn)
		} else {
			fn(run, depth)
		}
		lo = hi
	}
}
