package synth

import (
	"math/rand/v2"
	"strconv"
)

var (
	streetNames = zipf([]string{"Nguyễn Trãi", "Lê Lợi", "Trần Hưng Đạo", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
		"Nguyễn Huệ", "Lê Duẩn", "Hùng Vương", "Điện Biên Phủ", "Nguyễn Văn Cừ", "Phan Chu Trinh", "Võ Thị Sáu",
		"Cách Mạng Tháng Tám", "30 Tháng 4", "Nguyễn Thị Minh Khai", "Trường Chinh", "Lê Văn Sỹ", "Phạm Văn Đồng",
		"Tôn Đức Thắng", "Bà Triệu", "Nguyễn Du", "Lạc Long Quân", "Âu Cơ", "Kim Mã", "Giải Phóng", "Phan Đình Phùng",
		"Nguyễn Chí Thanh", "Láng Hạ", "Cầu Giấy", "Nguyễn Oanh", "Quang Trung", "Lê Hồng Phong", "Ngô Quyền"}, 3)
	hamletNames = zipf([]string{"Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Bình An", "Tân Lập", "Phú Xuân",
		"An Hòa", "Thạnh Phú", "Hòa Bình", "Tân Thành", "Long Hưng", "Mỹ Thuận", "Vĩnh Phước", "Đồng Tâm", "Yên Bình"}, 2)
)

// drawStreet draws the street part of an address (house number and street,
// alley, hamlet…) in the style of the province's region.
func drawStreet(r *rand.Rand, p province) string {
	reg := regionOf(p.code)
	urban := chance(r, 0.3+0.5*b2f(p.city))
	n := strconv.Itoa(between(r, 1, 420))
	if urban {
		switch {
		case reg == north && chance(r, 0.5):
			return "Số " + n + " ngõ " + strconv.Itoa(between(r, 1, 200)) + " phố " + streetNames.pick(r)
		case reg == south && chance(r, 0.5):
			return n + "/" + strconv.Itoa(between(r, 1, 60)) + " đường " + streetNames.pick(r)
		case chance(r, 0.15):
			return "Tổ " + strconv.Itoa(between(r, 1, 40)) + ", khu phố " + strconv.Itoa(between(r, 1, 12))
		}
		return "Số " + n + " đường " + streetNames.pick(r)
	}
	switch {
	case reg == south:
		if chance(r, 0.5) {
			return "Ấp " + strconv.Itoa(between(r, 1, 9))
		}
		return "Ấp " + hamletNames.pick(r)
	case p.code == 62 || p.code == 64 || p.code == 66:
		return "Buôn " + hamletNames.pick(r)
	case chance(r, 0.4):
		return "Thôn " + strconv.Itoa(between(r, 1, 12))
	case chance(r, 0.5):
		return "Xóm " + hamletNames.pick(r)
	}
	return "Thôn " + hamletNames.pick(r)
}

// mobilePrefixes are current 3-digit mobile prefixes, most common first.
var mobilePrefixes = zipf([]string{"098", "097", "091", "090", "096", "094", "093", "086", "088", "035", "036", "037",
	"038", "039", "033", "034", "032", "070", "079", "077", "076", "078", "083", "084", "085", "081", "082", "089",
	"092", "056", "058", "059", "087"}, 6)

// oldMobilePrefix maps a converted 3-digit prefix to its pre-2018 4-digit one.
var oldMobilePrefix = map[string]string{
	"032": "0162", "033": "0163", "034": "0164", "035": "0165", "036": "0166", "037": "0167", "038": "0168",
	"039": "0169", "070": "0120", "079": "0121", "077": "0122", "076": "0126", "078": "0128", "083": "0123",
	"084": "0124", "085": "0125", "081": "0127", "082": "0129", "056": "0186", "058": "0188", "059": "0199",
}

// drawPhone draws a current 10-digit mobile number.
func drawPhone(r *rand.Rand) string {
	var b [10]byte
	copy(b[:], mobilePrefixes.pick(r))
	for i := 3; i < 10; i++ {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b[:])
}

// elevenDigit returns the pre-2018 11-digit form of a converted number, or ""
// if its prefix was never converted.
func elevenDigit(phone string) string {
	if len(phone) != 10 {
		return ""
	}
	if old, ok := oldMobilePrefix[phone[:3]]; ok {
		return old + phone[3:]
	}
	return ""
}
