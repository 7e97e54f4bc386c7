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
