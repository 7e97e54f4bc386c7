package date

import "strconv"

// Date is a birth date whose parts may be unknown (0 = unknown). Year 0 means
// no date at all; a Date with a Day always has a Month.
type Date struct {
	Year       uint16
	Month, Day uint8
}

// IsZero reports whether d holds no date at all.
func (d Date) IsZero() bool { return d.Year == 0 }

// String formats d with its known parts: "1990-05-07", "1990-05" or "1990".
// The zero Date prints as "". Parse(d.String()) returns d again.
func (d Date) String() string {
	if d.Year == 0 {
		return ""
	}
	var b [10]byte
	buf := strconv.AppendUint(b[:0], uint64(d.Year), 10)
	if d.Month == 0 {
		return string(buf)
	}
	buf = append(buf, '-', '0'+d.Month/10%10, '0'+d.Month%10)
	if d.Day == 0 {
		return string(buf)
	}
	buf = append(buf, '-', '0'+d.Day/10%10, '0'+d.Day%10)
	return string(buf)
}

// Compare orders dates by year, then month, then day, with unknown parts
// (0) before known ones. It returns -1, 0 or +1.
func (d Date) Compare(o Date) int {
	a := uint32(d.Year)<<16 | uint32(d.Month)<<8 | uint32(d.Day)
	b := uint32(o.Year)<<16 | uint32(o.Month)<<8 | uint32(o.Day)
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// IsLeap reports whether year is a leap year in the Gregorian calendar.
func IsLeap(year int) bool {
	return year%4 == 0 && (year%100 != 0 || year%400 == 0)
}

// DaysIn returns the number of days in month (1..12) of year, or 0 for a
// month out of range.
func DaysIn(year, month int) int {
	switch month {
	case 1, 3, 5, 7, 8, 10, 12:
		return 31
	case 4, 6, 9, 11:
		return 30
	case 2:
		if IsLeap(year) {
			return 29
		}
		return 28
	}
	return 0
}
