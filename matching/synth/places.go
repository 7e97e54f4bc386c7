package synth

import (
	_ "embed"
	"strings"
)

// province is one of the 63 pre-July-2025 provinces.
type province struct {
	code    int     // old 2-digit statistics code
	name    string  // old name without prefix
	city    bool    // centrally governed city ("Thành phố")
	pop     float64 // population in millions (2019 census, rounded): sampling weight
	newCode int     // code of the post-2025 province it merged into
}

// provinces lists the old provinces with their 2025 successor (VIETNAM.md section 2).
var provinces = []province{
	{1, "Hà Nội", true, 8.05, 1}, {2, "Hà Giang", false, 0.85, 8}, {4, "Cao Bằng", false, 0.53, 4},
	{6, "Bắc Kạn", false, 0.31, 19}, {8, "Tuyên Quang", false, 0.78, 8}, {10, "Lào Cai", false, 0.73, 15},
	{11, "Điện Biên", false, 0.6, 11}, {12, "Lai Châu", false, 0.46, 12}, {14, "Sơn La", false, 1.25, 14},
	{15, "Yên Bái", false, 0.82, 15}, {17, "Hòa Bình", false, 0.85, 25}, {19, "Thái Nguyên", false, 1.29, 19},
	{20, "Lạng Sơn", false, 0.78, 20}, {22, "Quảng Ninh", false, 1.32, 22}, {24, "Bắc Giang", false, 1.8, 24},
	{25, "Phú Thọ", false, 1.46, 25}, {26, "Vĩnh Phúc", false, 1.15, 25}, {27, "Bắc Ninh", false, 1.37, 24},
	{30, "Hải Dương", false, 1.89, 31}, {31, "Hải Phòng", true, 2.03, 31}, {33, "Hưng Yên", false, 1.25, 33},
	{34, "Thái Bình", false, 1.86, 33}, {35, "Hà Nam", false, 0.85, 37}, {36, "Nam Định", false, 1.78, 37},
	{37, "Ninh Bình", false, 0.98, 37}, {38, "Thanh Hóa", false, 3.64, 38}, {40, "Nghệ An", false, 3.33, 40},
	{42, "Hà Tĩnh", false, 1.29, 42}, {44, "Quảng Bình", false, 0.9, 44}, {45, "Quảng Trị", false, 0.63, 44},
	{46, "Thừa Thiên Huế", false, 1.13, 46}, {48, "Đà Nẵng", true, 1.13, 48}, {49, "Quảng Nam", false, 1.5, 48},
	{51, "Quảng Ngãi", false, 1.23, 51}, {52, "Bình Định", false, 1.49, 52}, {54, "Phú Yên", false, 0.87, 66},
	{56, "Khánh Hòa", false, 1.23, 56}, {58, "Ninh Thuận", false, 0.59, 56}, {60, "Bình Thuận", false, 1.23, 68},
	{62, "Kon Tum", false, 0.54, 51}, {64, "Gia Lai", false, 1.51, 52}, {66, "Đắk Lắk", false, 1.87, 66},
	{67, "Đắk Nông", false, 0.62, 68}, {68, "Lâm Đồng", false, 1.3, 68}, {70, "Bình Phước", false, 0.99, 75},
	{72, "Tây Ninh", false, 1.17, 80}, {74, "Bình Dương", false, 2.46, 79}, {75, "Đồng Nai", false, 3.1, 75},
	{77, "Bà Rịa - Vũng Tàu", false, 1.15, 79}, {79, "Hồ Chí Minh", true, 8.99, 79}, {80, "Long An", false, 1.69, 80},
	{82, "Tiền Giang", false, 1.76, 82}, {83, "Bến Tre", false, 1.29, 86}, {84, "Trà Vinh", false, 1.01, 86},
	{86, "Vĩnh Long", false, 1.02, 86}, {87, "Đồng Tháp", false, 1.6, 82}, {89, "An Giang", false, 1.91, 91},
	{91, "Kiên Giang", false, 1.72, 91}, {92, "Cần Thơ", true, 1.24, 92}, {93, "Hậu Giang", false, 0.73, 92},
	{94, "Sóc Trăng", false, 1.2, 92}, {95, "Bạc Liêu", false, 0.91, 96}, {96, "Cà Mau", false, 1.19, 96},
}

// newProvinceNames are the names of the 34 post-2025 provinces; newCities
// marks those that are centrally governed cities.
var (
	newProvinceNames = map[int]string{
		1: "Hà Nội", 4: "Cao Bằng", 8: "Tuyên Quang", 11: "Điện Biên", 12: "Lai Châu", 14: "Sơn La", 15: "Lào Cai",
		19: "Thái Nguyên", 20: "Lạng Sơn", 22: "Quảng Ninh", 24: "Bắc Ninh", 25: "Phú Thọ", 31: "Hải Phòng",
		33: "Hưng Yên", 37: "Ninh Bình", 38: "Thanh Hóa", 40: "Nghệ An", 42: "Hà Tĩnh", 44: "Quảng Trị", 46: "Huế",
		48: "Đà Nẵng", 51: "Quảng Ngãi", 52: "Gia Lai", 56: "Khánh Hòa", 66: "Đắk Lắk", 68: "Lâm Đồng", 75: "Đồng Nai",
		79: "Hồ Chí Minh", 80: "Tây Ninh", 82: "Đồng Tháp", 86: "Vĩnh Long", 91: "An Giang", 92: "Cần Thơ", 96: "Cà Mau",
	}
	newCities = map[int]bool{1: true, 31: true, 46: true, 48: true, 75: true, 79: true, 92: true}
)

// provinceIndex maps an old code to its index in provinces.
var provinceIndex = func() map[int]int {
	m := make(map[int]int, len(provinces))
	for i, p := range provinces {
		m[p.code] = i
	}
	return m
}()

// provinceTable draws an old province index by population.
var provinceTable = func() table[int] {
	idx := make([]int, len(provinces))
	w := make([]float64, len(provinces))
	for i, p := range provinces {
		idx[i], w[i] = i, p.pop
	}
	return newTable(idx, w)
}()

// commune is one pre-2025 commune with the post-2025 commune it maps to.
type commune struct {
	oldCode, oldName string // 5-digit code, "Phường Phúc Xá"
	newCode, newName string
}

//go:embed communes.tsv
var communesTSV string

// communesByProvince holds, per index of provinces, a sample of its communes.
var communesByProvince = func() [][]commune {
	out := make([][]commune, len(provinces))
	for line := range strings.SplitSeq(communesTSV, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			continue
		}
		code := int(f[0][0]-'0')*10 + int(f[0][1]-'0')
		i, ok := provinceIndex[code]
		if !ok {
			continue
		}
		out[i] = append(out[i], commune{f[1], f[2], f[3], f[4]})
	}
	return out
}()
