package synth

import (
	"math/rand/v2"
	"time"
)

// day is a calendar date as days since 1 January 1900 (UTC).
type day int32

var epoch = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// dayOf returns the day of a calendar date (normalised like time.Date).
func dayOf(y, m, d int) day {
	return day(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Sub(epoch).Hours() / 24)
}

// epochShift is 1900-01-01 in days since 0000-03-01 (proleptic Gregorian).
const epochShift = 693901 - 1

// ymd returns the calendar date of a day, by Hinnant's civil-from-days
// algorithm (no allocation, no time package).
func (d day) ymd() (y, m, dd int) {
	z := int(d) + epochShift + 1
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, dd
}

// Fixed points of the simulated world: no clock is read.
var (
	today        = dayOf(2026, 3, 31) // the population is observed up to this day
	firstRecord  = dayOf(2014, 1, 1)  // earliest record date
	phoneSwitch  = dayOf(2018, 9, 15) // 11-digit mobiles converted to 10 digits
	chipCCCD     = dayOf(2021, 1, 1)  // chip CCCD roll-out; CMND common before
	mergerDay    = dayOf(2025, 7, 1)  // 63 provinces became 34
	bhytTenDigit = dayOf(2021, 4, 1)  // cards print only the 10-digit BHXH number
)

// ageAt returns the age in whole years on day at of someone born on birth.
func ageAt(birth, at day) int {
	by, bm, bd := birth.ymd()
	y, m, d := at.ymd()
	a := y - by
	if m < bm || (m == bm && d < bd) {
		a--
	}
	return a
}

// birthDay draws a birth date for someone of the given age on today.
func birthDay(r *rand.Rand, age int) day {
	return today - day(age*365) - day(r.IntN(365))
}

// randomDay draws a day uniformly in [lo, hi].
func randomDay(r *rand.Rand, lo, hi day) day {
	if hi <= lo {
		return lo
	}
	return lo + day(r.IntN(int(hi-lo)+1))
}
