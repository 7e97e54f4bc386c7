// Package blocking decides which record pairs the matcher compares.
//
// Comparing every pair of a million records is 5×10¹¹ comparisons; blocking
// compares only pairs that share a blocking key under at least one rule.
// Each Rule is a key function over a normalized record (matching.Record);
// a pair is a candidate when any rule's keys meet:
//
//	year_province  birth year + new (34-unit) province code + sex + given-name
//	               initial. The design's base rule: records from before and
//	               after the July 2025 merger meet, and the birth year comes
//	               from the date or, failing that, from the CCCD.
//	citizen_id     the citizen identifier (CCCD, CMND or opaque)
//	insurance      the 10-digit BHXH number
//	phone          the normalized phone number
//	given_year     given name + birth year + family-name initial (moves)
//	date_family    full birth date + family-name initial (moves with a
//	               changed given name)
//	date_province  full birth date + province (a newborn first recorded
//	               under the mother's name, names in Western order)
//	day_given      birth month and day + given name + province (wrong
//	               birth year)
//	name_province  the sorted words of the full name + province (no or a
//	               wrong birth date, names in any order)
//	address        the first three non-administrative words of the address
//	               (house number and street): one address's records whose
//	               names and dates were mangled. Added last: it raised pairs
//	               completeness on FEBRL 4 from 0.9958 to 0.9978, FEBRL 3
//	               0.9893 → 0.9914, 1 M generated records 0.9970 → 0.9976,
//	               for 13 % more pairs (18.3 M → 20.6 M at 1 M records).
//
// # Why these rules
//
// Birth year + province alone grows with the population: on 1 M generated
// records (mpictl gen --persons 400000 --seed 3) its blocks reach p99 772
// records, 94 blocks exceed the cap of 1,000, and it makes 162 M pairs for
// a pairs completeness of 0.70; given name + birth year makes another 83 M.
// The union was 247 M pairs at completeness 0.9946 (capped blocks lose true
// pairs). Refined — year_province by sex and given initial, given_year by
// family initial — they make 18 M and 21 M pairs and lose almost nothing
// that no other rule finds. The true pairs still missed were, by category:
// newborns recorded under the mother's name (same date, same place, other
// name), names written in Western order ("son phan cong"), wrong birth years
// with the same name and place, and records without a birth date: the last
// three rules find them at under 14 M pairs together. Measured with
// `mpictl blocks --truth`:
//
//	                     union pairs  completeness  max block  reduction
//	50 k persons (124 k)   1,031,858      0.9982          93    0.999867
//	400 k persons (1 M)   53,270,421      0.9976         710    0.999893
//
// The last 0.24 % are pairs that share no value a key could use (a wrong
// year and a changed name and a move at once), mostly the hard cases the
// generator plants on purpose.
//
// # Adaptive sub-blocking
//
// Even refined, a block keyed on a birth year, a given name or a province
// holds a fixed share of the population, so its pairs grow with the square
// of it: the table above is 75× the pairs for 8× the records. A block
// larger than Options.SplitBlock (32) is therefore split by a further
// component of its rule, and each part still larger by the next one, until
// the parts are small or the components run out (split.go):
//
//	year_province  family initial, birth month, given name, birth day
//	given_year     sex, birth month, middle initial, birth day
//	date_family    sex, given initial, middle initial
//	date_province  sex, ward
//	day_given      sex, family initial, birth decade
//	name_province  sex, birth decade, ward
//	address        province, family initial, birth decade
//
// Records missing a component form a part of their own. No rule is split
// by what its purpose says may differ (given_year, for moves, never by
// province). Only blocks above the size are split, so a small population
// is compared as before and the pairs a split loses are those of a big
// block that disagree on the component — most of them found by another
// rule. Rule.Fields does not name the components: pairs of blocks that
// were not split need not agree on them. Stats reports per rule how many
// blocks were split and the largest (Split, SplitMax), never a value. The
// online path, which looks candidates up by Keys, sees the unsplit keys.
//
// Measured with `mpictl blocks --truth` on the same data, before → after:
//
//	                     union pairs              completeness     max block
//	40 k persons (100 k)   709,182 →    647,682   0.9983 → 0.9982    93 → 32
//	50 k persons (124 k) 1,031,858 →    901,293   0.9982 → 0.9982    93 → 32
//	400 k persons (1 M)  53,270,421 → 18,257,901  0.9976 → 0.9970   710 → 35
//	FEBRL dataset4a+4b       5,645 →      5,645   0.9958 → 0.9958
//	FEBRL dataset3           6,621 →      6,621   0.9893 → 0.9893
//
// (40 k persons: mpictl gen --persons 40000 --seed 5; 50 k: --seed 7.)
// `mpictl dedupe` on the 1 M records takes 29 s instead of 39 s (score
// 12.5 s instead of 20 s; 100 k records take 2.8 s), at precision 0.9995
// and recall 0.9535 as before. A split size of 24 gives 15.0 M pairs at
// 0.9968, 64 gives 27.9 M at 0.9973.
//
// # Junk values and caps
//
// Values that say "unknown" give no key (see stoplist.go): the vnid parsers
// already reject placeholder IDs and phones; blocking stop-lists names such
// as "KHÔNG RÕ", one-letter given names and junk opaque provinces. A block
// larger than Options.MaxBlock (1,000) — or MaxIDBlock (100) for the
// identifier rules, where such a block is a facility's own phone number
// typed for every patient — is skipped for that rule and reported in Stats
// by rule and size only, never by key value.
//
// # Keys
//
// Keys are short ASCII strings, cheap to compute and to store, because the
// online path looks candidates up by them; the Index keeps a 64-bit hash of
// each. Example: "Nguyễn Văn An", male, born 1990-05-07 in Bình Dương (old
// code 74, now part of Hồ Chí Minh, 79), phone 0912345678 has the keys
//
//	yp:1990:79:m:a  ph:0912345678  gy:an:1990:n  df:19900507:n
//	dp:19900507:79  dg:0507:an:79  np:an nguyen van:79
//
// Stats computes blocks, size percentiles, pairs, reduction ratio and, with
// a truth function, pairs completeness per rule and in union; the union
// pairs are counted in parallel without being stored.
package blocking
