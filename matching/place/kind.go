package place

// wardKind is the administrative type a commune-level name carries in its prefix.
type wardKind uint8

const (
	kindNone    wardKind = iota // no prefix given
	kindPhuong                  // Phường, P.
	kindXa                      // Xã, X.
	kindThiTran                 // Thị trấn, TT. (abolished in 2025; in old names only)
	kindDacKhu                  // Đặc khu (special zone; new in 2025)
)

// wardPrefixes are the folded prefixes of ward names and the kind each announces. Longer forms come first.
var wardPrefixes = []struct {
	prefix string
	kind   wardKind
}{
	{"phuong", kindPhuong},
	{"p", kindPhuong},
	{"xa", kindXa},
	{"x", kindXa},
	{"thi tran", kindThiTran},
	{"tt", kindThiTran},
	{"dac khu", kindDacKhu},
	{"dk", kindDacKhu},
}

// cutWardPrefix removes one type prefix from the folded name f and reports the kind it announced.
func cutWardPrefix(f []byte) ([]byte, wardKind) {
	for _, p := range wardPrefixes {
		if g, ok := cutPrefix(f, p.prefix); ok {
			return g, p.kind
		}
	}
	return f, kindNone
}
