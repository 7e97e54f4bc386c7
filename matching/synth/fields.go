package synth

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// Field habits of a facility; the order of each block matches the weights
// in newFacilities.
const (
	dateDMY = iota
	dateISO
	dateDMYNoPad
	dateClaims
	dateDashDMY
)

const (
	genderMF = iota
	genderNamNu
	genderClaims
	genderEnglish
	genderNamNuASCII
)

const (
	phonePlain = iota
	phonePlus84
	phone84
	phoneSpaced
	phoneDotted
)

const (
	provCode2 = iota
	provCode3
	provNamePrefix
	provName
	provASCII
	provAbbrev
)

const (
	wardCode = iota
	wardName
	wardNone
)

const (
	addrStreet = iota
	addrFull
	addrAbbrev
	addrNone
)

const (
	ins15 = iota
	ins10
	insMixed
)

const (
	recISO = iota
	recSpace
	recNone
	recClaims
)

func pad2(b *strings.Builder, n int) {
	if n < 10 {
		b.WriteByte('0')
	}
	b.WriteString(strconv.Itoa(n))
}

// formatDate writes y-m-d in a date habit; m == 0 means year only.
func formatDate(form, y, m, d int) string {
	var b strings.Builder
	ys := strconv.Itoa(y)
	if m == 0 {
		if form == dateClaims {
			return ys + "00000000"
		}
		return ys
	}
	switch form {
	case dateISO:
		b.WriteString(ys)
		b.WriteByte('-')
		pad2(&b, m)
		b.WriteByte('-')
		pad2(&b, d)
	case dateDMYNoPad:
		b.WriteString(strconv.Itoa(d) + "/" + strconv.Itoa(m) + "/" + ys)
	case dateClaims:
		b.WriteString(ys)
		pad2(&b, m)
		pad2(&b, d)
		b.WriteString("0000")
	case dateDashDMY:
		pad2(&b, d)
		b.WriteByte('-')
		pad2(&b, m)
		b.WriteByte('-')
		b.WriteString(ys)
	default:
		pad2(&b, d)
		b.WriteByte('/')
		pad2(&b, m)
		b.WriteByte('/')
		b.WriteString(ys)
	}
	return b.String()
}

var genderWords = [5][2]string{{"M", "F"}, {"Nam", "Nữ"}, {"1", "2"}, {"male", "female"}, {"Nam", "Nu"}}

// formatGender writes a sex in a gender habit.
func formatGender(form int, female bool) string {
	return genderWords[form][b2i(female)]
}

// formatPhone writes a phone number in a facility's phone habit.
func formatPhone(f *facility, num string) string {
	if f.intStore {
		return strings.TrimLeft(num, "0")
	}
	switch f.phone {
	case phonePlus84:
		return "+84" + num[1:]
	case phone84:
		return "84" + num[1:]
	case phoneSpaced:
		if len(num) == 11 {
			return num[:4] + " " + num[4:7] + " " + num[7:]
		}
		return num[:3] + " " + num[3:6] + " " + num[6:]
	case phoneDotted:
		return num[:4] + "." + num[4:7] + "." + num[7:]
	}
	return num
}

// mutateDigit changes one random digit of s.
func mutateDigit(r *rand.Rand, s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	i := r.IntN(len(b))
	if b[i] >= '0' && b[i] <= '9' {
		b[i] = '0' + (b[i]-'0'+byte(1+r.IntN(9)))%10
	}
	return string(b)
}

// provinceAbbrevs are the informal names of the two big cities.
var provinceAbbrevs = map[int][]string{
	1:  {"HN", "Ha Noi", "TP Hà Nội", "Hà Nội"},
	79: {"TP.HCM", "HCM", "TP HCM", "Sài Gòn", "Tp. Hồ Chí Minh"},
}

// formatProvince writes a province (old or new unit) in a province habit.
func formatProvince(r *rand.Rand, form, code int, name string, city bool) string {
	switch form {
	case provCode2:
		return pad2s(code)
	case provCode3:
		return "0" + pad2s(code)
	case provNamePrefix:
		return provincePrefix(city) + name
	case provASCII:
		return stripMarks(name)
	case provAbbrev:
		if a, ok := provinceAbbrevs[code]; ok {
			return a[r.IntN(len(a))]
		}
	}
	return name
}

func provincePrefix(city bool) string {
	if city {
		return "Thành phố "
	}
	return "Tỉnh "
}

func pad2s(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// addressAbbrev shortens the administrative words of an address.
var addressAbbrev = strings.NewReplacer("Phường ", "P.", "Xã ", "X.", "Thị trấn ", "TT.", "Thành phố ", "TP.",
	"Tỉnh ", "T.", "đường ", "Đ.", "ngõ ", "ng.", "Số ", "", "khu phố ", "KP", "Thôn ", "Th.", "Ấp ", "A.")

// bhytGroup is the beneficiary group and benefit level of a person at an age.
func bhytGroup(age int, bhxh string) (string, byte) {
	job := bhxh[len(bhxh)-1] - '0'
	switch {
	case age < 6:
		return "TE", '1'
	case age < 18:
		return "HS", '4'
	case age < 22 && job < 5:
		return "SV", '4'
	case age >= 80:
		return "CT", '2'
	case age >= 60 && job < 5:
		return "HT", '3'
	}
	switch {
	case job < 4:
		return "DN", '4'
	case job == 4:
		return "HC", '4'
	case job == 8:
		return "HN", '1'
	case job == 9:
		return "CN", '3'
	}
	return "GD", '4'
}
