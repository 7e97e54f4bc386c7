// Package date parses the birth dates Vietnamese sources actually send into a
// Date whose parts may be unknown.
//
// Elderly patients often have only a birth year, claims XML writes unknown
// parts as zeros, and hospital systems mix ISO dates with the dd/mm/yyyy
// order people write by hand. Parse accepts all of these and keeps what is
// known: a missing day or month is 0, never a made-up 1 January, so that a
// comparison can tell "born in 1950" from "born on 1 January 1950".
//
// Parse works on the bytes of the string without allocating. It first strips
// surrounding spaces and an ISO time part ("T00:00:00Z"), then picks the
// layout from the length and the separators:
//
//	"1990-05-07"    YYYY-MM-DD (also "1990-05", YYYY-MM)
//	"07/05/1990"    dd/mm/yyyy; the separator may be /, - or . and day and month may have one digit
//	"05/1990"       mm/yyyy
//	"1990"          YYYY
//	"19900507"      yyyymmdd
//	"199005070000"  yyyymmddHHMM from claims XML; the time is ignored
//
// Zeros stand for unknown parts: "195000000000", "19500000", "00/00/1950" and
// "1950-00-00" all give Date{Year: 1950}. An all-zero date ("00000000") is
// no date at all. A day without a month is rejected. The known parts are
// checked: month 1..12, a day that exists in that month of that year (29
// February only in leap years), and a year in 1850..2100.
//
// Worked example: Parse(" 29/02/2000 ") trims the spaces, sees two
// separators of the same kind with a four-digit year last, reads day 29,
// month 2, year 2000, and accepts the day because 2000 is a leap year
// (divisible by 400): Date{Year: 2000, Month: 2, Day: 29}, printed
// "2000-02-29". Parse("29/02/1900") fails with ErrInvalid and the problem
// "day out of range", because 1900 is not a leap year.
//
// Errors wrap ErrInvalid and name the problem only, never the value, so they
// may be logged without leaking patient data.
package date
