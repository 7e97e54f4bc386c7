package vnname

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

type parsed struct {
	Name  Name
	Flags Flags
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want parsed
	}{
		// Standard order, spelling variants.
		{"Nguyễn Văn An", parsed{Name{"nguyen", "van", "an"}, 0}},
		{"NGUYỄN VĂN AN", parsed{Name{"nguyen", "van", "an"}, 0}},
		{"nguyen  van   an", parsed{Name{"nguyen", "van", "an"}, 0}},
		{"Trần Thị Thuỷ", parsed{Name{"tran", "thi", "thuy"}, 0}},
		{"Lê Hoa", parsed{Name{"le", "", "hoa"}, 0}},
		{"Nguyễn Lê Minh Châu", parsed{Name{"nguyen", "le minh", "chau"}, 0}},
		{"Phạm Thị Ngọc Bích Trâm", parsed{Name{"pham", "thi ngoc bich", "tram"}, 0}},
		{"Lan", parsed{Name{Given: "lan"}, FlagGivenOnly}},
		{"", parsed{Name{}, FlagEmpty}},
		{" - ", parsed{Name{}, FlagEmpty}},
		// Regional variants and i/y.
		{"Huỳnh Thị Mỹ Vy", parsed{Name{"hoang", "thi mi", "vi"}, 0}},
		{"Võ Văn Kiệt", parsed{Name{"vu", "van", "kiet"}, 0}},
		{"Lý Thị Thúy", parsed{Name{"li", "thi", "thuy"}, 0}},
		// Compound family names.
		{"Tôn Thất Thuyết", parsed{Name{"ton that", "", "thuyet"}, FlagCompoundFamily}},
		{"Tôn Nữ Thị Ninh", parsed{Name{"ton nu", "thi", "ninh"}, FlagCompoundFamily}},
		{"Âu Dương Phong", parsed{Name{"au duong", "", "phong"}, FlagCompoundFamily}},
		{"Tôn Thất", parsed{Name{"ton", "", "that"}, 0}},
		// Given-name-first order.
		{"An Nguyen Van", parsed{Name{"nguyen", "van", "an"}, FlagReordered}},
		{"An Van Nguyen", parsed{Name{"nguyen", "van", "an"}, FlagReordered}},
		// A given name that folds onto a family name does not reorder.
		{"Vũ Đăng", parsed{Name{"vu", "", "dang"}, 0}},
		{"Hà Minh Nguyên", parsed{Name{"ha", "minh", "nguyen"}, 0}},
		// A mistyped family name is not given-name-first order.
		{"Phm Đăng Sơn", parsed{Name{"phm", "dang", "son"}, 0}},
		{"Nguyn Van An", parsed{Name{"nguyn", "van", "an"}, 0}},
		{"Lan Thi Tran", parsed{Name{"tran", "thi", "lan"}, FlagReordered}},
		{"Mai Nguyen Thi", parsed{Name{"nguyen", "thi", "mai"}, FlagReordered}},
		{"Minh Hoang", parsed{Name{"hoang", "", "minh"}, FlagReordered}},
		{"H'Hen Niê", parsed{Name{"nie", "", "hhen"}, FlagReordered}},
		{"Y Bhim Niê", parsed{Name{"nie", "y", "bhim"}, FlagReordered}},
		{"Hoàng Văn Minh", parsed{Name{"hoang", "van", "minh"}, 0}}, // family first: standard wins
		{"Mai Văn Lan", parsed{Name{"mai", "van", "lan"}, 0}},
		{"Thu Hà", parsed{Name{"thu", "", "ha"}, 0}},
		// Newborn placeholders.
		{"CON BÀ Nguyễn Thị Lan", parsed{Name{"nguyen", "thi", "lan"}, FlagPlaceholder}},
		{"Con của bà Trần Thị Mai", parsed{Name{"tran", "thi", "mai"}, FlagPlaceholder}},
		{"CB Lê Thị Hoa", parsed{Name{"le", "thi", "hoa"}, FlagPlaceholder}},
		{"CB. Lê Thị Hoa", parsed{Name{"le", "thi", "hoa"}, FlagPlaceholder}},
		{"Con chị Hoa", parsed{Name{Given: "hoa"}, FlagPlaceholder | FlagGivenOnly}},
		{"Bé trai con bà Phạm Thị Hà", parsed{Name{"pham", "thi", "ha"}, FlagPlaceholder}},
		{"BÉ GÁI", parsed{Name{}, FlagPlaceholder | FlagEmpty}},
		{"SƠ SINH", parsed{Name{}, FlagPlaceholder | FlagEmpty}},
		{"SS Nguyễn Thị Lan", parsed{Name{"nguyen", "thi", "lan"}, FlagPlaceholder}},
		{"Baby Nguyen", parsed{Name{Given: "nguyen"}, FlagPlaceholder | FlagGivenOnly}},
		{"Bé Lan", parsed{Name{Given: "lan"}, FlagPlaceholder | FlagGivenOnly}},
		{"BE Nguyen Thi Lan", parsed{Name{"nguyen", "thi", "lan"}, FlagPlaceholder}},
		// Not placeholders.
		{"Bế Văn Đàn", parsed{Name{"be", "van", "dan"}, 0}},
		{"Be Van Dan", parsed{Name{"be", "van", "dan"}, 0}},
		{"Bé", parsed{Name{Given: "be"}, FlagGivenOnly}},
		{"Con", parsed{Name{Given: "con"}, FlagGivenOnly}},
		{"Nguyễn Văn Con", parsed{Name{"nguyen", "van", "con"}, 0}},
		{"Lê Văn Sơ", parsed{Name{"le", "van", "so"}, 0}},
		// Repairs.
		{"NguyÔn V¨n Hïng", parsed{Name{"nguyen", "van", "hung"}, FlagRepaired}},
		{"Nguyeãn Thò Lan", parsed{Name{"nguyen", "thi", "lan"}, FlagRepaired}},
		{"Nguyeenx Thij Lan", parsed{Name{"nguyen", "thi", "lan"}, FlagRepaired}},
		{"Nguye64n Va8n An", parsed{Name{"nguyen", "van", "an"}, FlagRepaired}},
		{"CON BA NguyÔn ThÞ Lan", parsed{Name{"nguyen", "thi", "lan"}, FlagPlaceholder | FlagRepaired}},
		{"Ross Hoang", parsed{Name{"hoang", "", "ross"}, FlagReordered}}, // western order, Ross not repaired
	}
	for _, tt := range tests {
		n, f := Parse(tt.in)
		if diff := cmp.Diff(tt.want, parsed{n, f}); diff != "" {
			t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
		again, _ := Parse(n.Full())
		if diff := cmp.Diff(n, again); diff != "" {
			t.Errorf("Parse(Parse(%q).Full()) mismatch (-first +second):\n%s", tt.in, diff)
		}
	}
}

func TestParseParts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		family, middle, given string
		want                  parsed
	}{
		{"Nguyễn", "Văn", "An", parsed{Name{"nguyen", "van", "an"}, 0}},
		{"Nguyễn", "", "Ngọc Anh", parsed{Name{"nguyen", "", "ngoc anh"}, 0}},
		{"Huỳnh", "Thị Mỹ", "Vy", parsed{Name{"hoang", "thi mi", "vi"}, 0}},
		{"Tôn Thất", "", "Thuyết", parsed{Name{"ton that", "", "thuyet"}, FlagCompoundFamily}},
		{"", "", "Lan", parsed{Name{Given: "lan"}, 0}},
		{"", "", "", parsed{Name{}, FlagEmpty}},
		{"NguyÔn", "V¨n", "An", parsed{Name{"nguyen", "van", "an"}, FlagRepaired}},
		{"CON BÀ", "", "Nguyễn Thị Lan", parsed{Name{"nguyen", "thi", "lan"}, FlagPlaceholder}},
		{"", "", "SƠ SINH", parsed{Name{}, FlagPlaceholder | FlagEmpty}},
		{"Bế", "Văn", "Đàn", parsed{Name{"be", "van", "dan"}, 0}},
	}
	for _, tt := range tests {
		n, f := ParseParts(tt.family, tt.middle, tt.given)
		if diff := cmp.Diff(tt.want, parsed{n, f}); diff != "" {
			t.Errorf("ParseParts(%q, %q, %q) mismatch (-want +got):\n%s", tt.family, tt.middle, tt.given, diff)
		}
	}
}

func TestNameFull(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   Name
		want string
	}{
		{Name{"nguyen", "van", "an"}, "nguyen van an"},
		{Name{"nguyen", "", "an"}, "nguyen an"},
		{Name{Given: "an"}, "an"},
		{Name{}, ""},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.in.Full()); diff != "" {
			t.Errorf("%+v.Full() mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestFlagsString(t *testing.T) {
	t.Parallel()
	if diff := cmp.Diff("placeholder|repaired", (FlagPlaceholder | FlagRepaired).String()); diff != "" {
		t.Errorf("Flags.String mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("none", Flags(0).String()); diff != "" {
		t.Errorf("Flags.String mismatch (-want +got):\n%s", diff)
	}
}
