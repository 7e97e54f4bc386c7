// Package blocking decides which record pairs the matcher compares.
//
// Comparing every pair of a million records is 5×10¹¹ comparisons; blocking
// compares only pairs that share a blocking key under at least one rule.
// Each Rule is a key function over a normalized record (matching.Record):
//
//	year_province  birth year + new (34-unit) province code, so records from
//	               before and after the July 2025 merger meet; the birth year
//	               comes from the date or, failing that, from the CCCD
//	citizen_id     the citizen identifier (CCCD, CMND or opaque)
//	insurance      the 10-digit BHXH number
//	phone          the normalized phone number
//	given_year     folded given name + birth year (people who moved province)
//	date_family    full birth date + family name initial (wrong birth years
//	               are caught by the other rules; this one catches moves with
//	               a changed given-name spelling)
//
// A pair is a candidate when any rule's keys meet. Blocking caps recall:
// a true pair that shares no key is never compared, so Stats measures pairs
// completeness against a truth file. Keys are short strings, cheap to
// compute and to store, because the online path looks candidates up by
// them.
//
// Example: "Nguyễn Văn An", born 1990-05-07 in Bình Dương (old code 74,
// now part of Hồ Chí Minh, 79), phone 0912345678 has the keys
//
//	yp:1990:79  ph:0912345678  gy:an:1990  df:19900507:n
package blocking
