package vnname

import "strings"

// familyList holds folded Vietnamese family names: the ~100 most common Kinh
// names and common ethnic-minority ones (Hmông, Tày, Nùng, Thái, Mường, Khmer,
// Ê Đê, Jrai). Regional variants are all listed; canonical forms are added.
var familyList = strings.Fields(`
nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dao dinh doan lam luong luu mai trinh truong
vuong cao chu chau ha kim la lai lieu lu luc mac nghiem ong quach ta tang thai thach thieu ton tong trieu tu vi
vien an au bach banh bao be bien cam can cong cu dam diep dieu dong du giang giap han hau hua khong khuc khuu kieu
kha khuat khuong lang lo loc ma man mong nong ninh phi phung quan tat than tieu to trac uong ung khieu sam sieu tiet
sung thao mua vang chang lau tho ca
son danh
nie ksor siu rmah nay mlo ayun eban kpa rcom hmok enuol adrong bya rahlan
`)

// compoundFamilies are multi-syllable family names, longest first; every
// word is already canonical.
var compoundFamilies = []string{
	"cong tang ton nu", "cong ton nu", "ton that", "ton nu", "au duong", "tu ma", "hoang phu",
	"nie kdam", "ro cham", "ro mah",
}

type compound struct {
	name  string
	words int
}

// compoundsByFirst indexes compoundFamilies by their first word, longest first.
var compoundsByFirst = func() map[string][]compound {
	m := make(map[string][]compound)
	for _, c := range compoundFamilies {
		first, _, _ := strings.Cut(c, " ")
		m[first] = append(m[first], compound{c, strings.Count(c, " ") + 1})
	}
	return m
}()

// strongFamilies are frequent family names that are (almost) never given or
// middle names, in canonical form. They decide given-name-first order.
var strongFamilies = setOf(strings.Fields(`
nguyen tran le pham phan dang bui do ho ngo dinh trinh doan quach luu`), Canonical)

// commonFamilies are the frequent family names, in canonical form, that mark a
// later token as the family name when the first token is not a family name.
var commonFamilies = setOf(strings.Fields(`
nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dao dinh doan lam luong luu trinh truong
vuong cao chu chau quach ta tang thai thach tieu to trieu
nie ksor siu rmah mlo ayun eban kpa rcom hmok enuol adrong bya rahlan`), Canonical)

var familySet = func() map[string]bool {
	m := make(map[string]bool, 2*len(familyList)+2*len(compoundFamilies))
	for _, f := range familyList {
		m[f] = true
		m[Canonical(f)] = true
	}
	for _, f := range compoundFamilies {
		m[f] = true
		m[canonicalWords(f)] = true
	}
	return m
}()

// IsFamilyName reports whether folded (see Fold), a single syllable or a
// compound such as "ton that", is a known Vietnamese family name: the ~100
// most common Kinh family names, the compounds Tôn Thất, Tôn Nữ, Âu Dương and
// a few more, and common ethnic-minority names (Giàng, Sùng, Vừ, Thào, Lò,
// Thạch, Sơn, Danh, Niê, Ksor, …). Canonical forms (hoang for huynh, li for
// ly) are accepted too.
func IsFamilyName(folded string) bool {
	return familySet[folded]
}

// familyAt returns how many tokens, starting at toks[i], form a family name:
// the longest compound, else 1 for a known single family name, else 0.
func familyAt(toks []string, i int) int {
	for _, c := range compoundsByFirst[toks[i]] {
		if i+c.words <= len(toks) && joinedEquals(toks[i:i+c.words], c.name) {
			return c.words
		}
	}
	if familySet[toks[i]] {
		return 1
	}
	return 0
}

// joinedEquals reports whether strings.Join(toks, " ") == s without allocating.
func joinedEquals(toks []string, s string) bool {
	for k, t := range toks {
		if k > 0 {
			if len(s) == 0 || s[0] != ' ' {
				return false
			}
			s = s[1:]
		}
		if !strings.HasPrefix(s, t) {
			return false
		}
		s = s[len(t):]
	}
	return s == ""
}
