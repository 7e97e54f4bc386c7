package vnid

// oldProvince reports whether code (0..99) is one of the 63 two-digit province codes of the
// statistics office's list in force before the July 2025 merger. The personal identification
// number (CCCD) embeds these codes, with a leading 0, as the place of birth registration:
//
//	01 02 04 06 08 10 11 12 14 15 17 19 20 22 24 25 26 27 30 31 33
//	34 35 36 37 38 40 42 44 45 46 48 49 51 52 54 56 58 60 62 64 66
//	67 68 70 72 74 75 77 79 80 82 83 84 86 87 89 91 92 93 94 95 96
func oldProvince(code int) bool {
	if code < 0 || code > 99 {
		return false
	}
	return oldProvinceSet[code] == '1'
}

// oldProvinceSet holds one byte per code 00..99: '1' for a code of the old 63-province list.
const oldProvinceSet = "" +
	"0110101010" + // 00-09: 01 02 04 06 08
	"1110110101" + // 10-19: 10 11 12 14 15 17 19
	"1010111100" + // 20-29: 20 22 24 25 26 27
	"1101111110" + // 30-39: 30 31 33 34 35 36 37 38
	"1010111011" + // 40-49: 40 42 44 45 46 48 49
	"0110101010" + // 50-59: 51 52 54 56 58
	"1010101110" + // 60-69: 60 62 64 66 67 68
	"1010110101" + // 70-79: 70 72 74 75 77 79
	"1011101101" + // 80-89: 80 82 83 84 86 87 89
	"0111111000" //   90-99: 91 92 93 94 95 96

// provinceCode returns the two-digit code held in the ASCII digits a and b, or -1.
func provinceCode(a, b byte) int {
	if !isDigit(a) || !isDigit(b) {
		return -1
	}
	return int(a-'0')*10 + int(b-'0')
}
