package synth

import (
	"math/rand/v2"
	"strings"
)

// Region of an old province code: north up to Hà Tĩnh (42), centre from
// Quảng Bình (44) to Lâm Đồng (68), south from Bình Phước (70).
type region int8

const (
	north region = iota
	centre
	south
)

func regionOf(oldCode int) region {
	switch {
	case oldCode <= 42:
		return north
	case oldCode <= 68:
		return centre
	}
	return south
}

// "Hoàng" and "Vũ" below are placeholders resolved by region (Huỳnh and Võ
// dominate in the south).
const (
	famHoang = "Hoàng"
	famVu    = "Vũ"
)

// familyNames is the national family-name distribution in percent
// (VIETNAM.md section 4), with a long tail.
var familyNames = newTable(
	[]string{"Nguyễn", "Trần", "Lê", "Phạm", famHoang, "Phan", famVu, "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
		"Trương", "Đinh", "Đoàn", "Đào", "Mai", "Trịnh", "Lương", "Cao", "Hà", "Lâm", "Tạ", "Chu", "Châu", "Lưu", "Phùng",
		"Thái", "Tô", "Quách", "Vương", "Kiều", "Triệu", "Tăng", "La", "Đàm", "Từ", "Hứa", "Giang", "Tống", "Lại", "Văn",
		"Khúc", "Kim", "Mạc", "Nghiêm", "Doãn", "Thân", "Diệp", "Ông", "Hoa", "Bạch", "Khổng", "Lã", "Âu", "Tôn Thất",
		"Âu Dương", "Nguyễn Lê", "Lục", "Phó", "Ninh", "Viên", "Thạch", "Sơn", "Danh", "Lò", "Giàng", "Sùng", "Vừ", "Lường"},
	[]float64{33, 11, 9.5, 7, 5, 4, 4, 2.1, 2, 1.4, 1.3, 1.3, 1, 0.5,
		0.5, 0.6, 0.3, 0.5, 0.4, 0.4, 0.35, 0.3, 0.3, 0.3, 0.25, 0.2, 0.2, 0.15, 0.15,
		0.15, 0.15, 0.12, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.08, 0.08, 0.08, 0.08, 0.08, 0.1,
		0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.04, 0.04, 0.03, 0.03, 0.02, 0.03, 0.03,
		0.01, 0.02, 0.03, 0.03, 0.03, 0.02, 0.06, 0.04, 0.04, 0.05, 0.04, 0.03, 0.02, 0.03},
)

// minorityFamilies are drawn instead in the provinces of each group.
var (
	hmongThaiFamilies  = zipf([]string{"Giàng", "Sùng", "Vừ", "Lò", "Lường", "Quàng", "Hà", "Tòng", "Cầm", "Thào", "Lầu", "Mùa"}, 2)
	khmerFamilies      = zipf([]string{"Thạch", "Sơn", "Danh", "Kim", "Lâm", "Chau", "Neang"}, 2)
	highlandFamilies   = zipf([]string{"Rơ Mah", "Kpă", "Ksor", "Rơ Châm", "Siu", "Niê", "Êban", "Mlô"}, 2)
	minorityByProvince = map[int]struct {
		share float64
		fams  *table[string]
	}{
		2: {0.35, &hmongThaiFamilies}, 10: {0.25, &hmongThaiFamilies}, 11: {0.35, &hmongThaiFamilies},
		12: {0.4, &hmongThaiFamilies}, 14: {0.35, &hmongThaiFamilies}, 15: {0.15, &hmongThaiFamilies},
		84: {0.2, &khmerFamilies}, 94: {0.2, &khmerFamilies}, 91: {0.08, &khmerFamilies},
		64: {0.15, &highlandFamilies}, 66: {0.1, &highlandFamilies}, 62: {0.2, &highlandFamilies},
	}
)

// drawFamily draws a family name for a household in an old province.
func drawFamily(r *rand.Rand, oldCode int) string {
	if m, ok := minorityByProvince[oldCode]; ok && chance(r, m.share) {
		return m.fams.pick(r)
	}
	f := familyNames.pick(r)
	reg := regionOf(oldCode)
	switch f {
	case famHoang:
		if (reg == south && chance(r, 0.8)) || (reg == centre && chance(r, 0.5)) || (reg == north && chance(r, 0.05)) {
			return "Huỳnh"
		}
	case famVu:
		if (reg == south && chance(r, 0.85)) || (reg == centre && chance(r, 0.6)) || (reg == north && chance(r, 0.1)) {
			return "Võ"
		}
	}
	return f
}

var (
	maleMiddle   = zipf([]string{"Văn", "Minh", "Đức", "Hữu", "Quang", "Công", "Thành", "Ngọc", "Xuân", "Quốc", "Đình", "Anh", "Trung", "Hoàng", "Tuấn", "Thanh", "Gia", "Bảo", "Duy", "Tiến", "Mạnh", "Huy", "Trọng", "Khắc", "Viết", "Phúc", "Nhật", "Đăng", "Thế", "Hải"}, 1.5)
	femaleMiddle = zipf([]string{"Ngọc", "Thu", "Thanh", "Phương", "Minh", "Bảo", "Hồng", "Kim", "Thùy", "Mai", "Khánh", "Gia", "Hoài", "Quỳnh", "Thảo", "Lan", "Mỹ", "Diệu", "Tuyết", "Bích", "Hải", "Yến", "Ánh", "Như", "Cẩm"}, 1.5)
	maleGiven    = zipf([]string{"Anh", "Huy", "Minh", "Nam", "Hùng", "Dũng", "Tuấn", "Hải", "Long", "Khoa", "Phong", "Thắng", "Quân", "Đức", "Hiếu", "Tùng", "Sơn", "Bình", "Trung", "Việt", "Hoàng", "Khánh", "Phúc", "Bảo", "Thành", "Tâm", "Hưng", "Cường", "Lâm", "Tài", "Thịnh", "Hậu", "Toàn", "Quang", "Vinh", "Nghĩa", "Hòa", "Lộc", "Tiến", "Thanh", "Tú", "Kiên", "Đạt", "Duy", "Trí", "Nhân", "Thiện", "Tín", "Khôi", "Nguyên", "Tân", "Hiệp", "Thái", "Thuận", "Thông", "Phát", "Lợi", "Lực", "Mạnh", "Hào", "Kiệt", "Luân", "Nhật", "Phước", "Quý", "Sang", "Tấn", "Thạch", "Thiên", "Thọ", "Trọng", "Trường", "Vũ", "Vương", "Xuân", "Bằng", "Chiến", "Công", "Cảnh", "Danh", "Định", "Đông", "Giang", "Hiển", "Hoan", "Học", "Huân", "Khải", "Khang", "Khiêm", "Lập", "Luật", "Nhất", "Phi", "Quyết", "Sỹ", "Tiệp", "Tình", "Triều", "Tường", "Uy", "Vĩ", "Đăng", "Điền", "Chương", "Dương", "Khương", "Mẫn", "Ninh", "Quyền", "Sinh", "Tạo", "Thủy", "Hiền", "Bách", "Đại", "Hạnh", "Kỳ", "Lĩnh", "Pháp", "Quế", "Sáng", "Thao", "Toản", "Tuyên", "Ước", "Vượng", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười", "Út"}, 4)
	femaleGiven  = zipf([]string{"Anh", "Linh", "Trang", "Hương", "Hoa", "Lan", "Hằng", "Thảo", "Ngọc", "Mai", "Phương", "Hà", "Huyền", "Nhung", "Thủy", "Vy", "Nhi", "Hạnh", "Loan", "Dung", "Yến", "Oanh", "Tuyết", "Hồng", "Nga", "Thu", "Hiền", "Giang", "Trâm", "Quỳnh", "Thúy", "Liên", "Vân", "Ly", "Châu", "Uyên", "Tâm", "Thanh", "Xuân", "Diễm", "My", "Ngân", "Nhàn", "Duyên", "Hạ", "Kiều", "Lệ", "Nguyệt", "Như", "Phượng", "Quyên", "Sương", "Tiên", "Trinh", "Tuyền", "Vi", "Bích", "Cúc", "Đào", "Điệp", "Gấm", "Hảo", "Huệ", "Khánh", "Lam", "Lài", "Lụa", "Luyến", "Mơ", "Mận", "Mến", "Nương", "Sen", "Thắm", "Thơ", "Thoa", "Thư", "Thùy", "Trà", "Tươi", "Vui", "Xinh", "Ánh", "Chi", "Diệp", "Hân", "Khuê", "Mỹ", "Nhiên", "Thi", "Thương", "Trúc", "Tuệ", "Hậu", "Hải", "Lý", "Lựu", "Nụ", "Phấn", "Quế", "Thêu", "Tình", "Trinh", "Vinh", "Yên", "Hòa", "Kim", "Ngà", "Thủy Tiên", "Bảy", "Tư", "Sáu", "Út"}, 4)
)

// twinNames are similar-sounding given-name pairs parents choose for twins.
var twinNames = [][2]string{
	{"Phúc", "Lộc"}, {"Tuấn", "Tú"}, {"Long", "Lân"}, {"Minh", "Mẫn"}, {"Hoàng", "Huy"}, {"An", "Khang"},
	{"Bảo", "Báu"}, {"Hiếu", "Hạnh"}, {"Thảo", "Thơ"}, {"Ngân", "Ngọc"}, {"Vy", "Vi"}, {"Trang", "Trâm"},
	{"Lan", "Liên"}, {"Hải", "Hà"}, {"Nhi", "Như"}, {"Khoa", "Khôi"}, {"Đức", "Đạt"}, {"Sơn", "Hà"},
	{"Anh", "Em"}, {"Trúc", "Mai"}, {"Tâm", "Tuệ"}, {"Nam", "Bắc"}, {"Duy", "Dương"}, {"Thiện", "Thành"},
}

// drawMiddle draws a middle name for sex and birth year: Thị for ~60% of
// women overall (far more among the old), Văn for older men, and sometimes
// none or two syllables.
func drawMiddle(r *rand.Rand, female bool, year int) string {
	u := r.Float64()
	if u < 0.04 {
		return ""
	}
	if female {
		pThi := 0.85
		switch {
		case year >= 2000:
			pThi = 0.35
		case year >= 1980:
			pThi = 0.6
		}
		if chance(r, pThi) {
			if chance(r, 0.1) {
				return "Thị " + femaleMiddle.pick(r)
			}
			return "Thị"
		}
		return femaleMiddle.pick(r)
	}
	pVan := 0.6
	switch {
	case year >= 2000:
		pVan = 0.2
	case year >= 1980:
		pVan = 0.4
	}
	if chance(r, pVan) {
		return "Văn"
	}
	m := maleMiddle.pick(r)
	if m != "Văn" && chance(r, 0.07) {
		m = "Văn " + m
	}
	return m
}

// drawGiven draws a given name for sex.
func drawGiven(r *rand.Rand, female bool) string {
	if female {
		return femaleGiven.pick(r)
	}
	return maleGiven.pick(r)
}

// fullName joins the non-empty parts of a name with single spaces.
func fullName(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}
