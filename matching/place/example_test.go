package place_test

import (
	"errors"
	"fmt"

	"github.com/vnhealth/mpi/matching/place"
)

func ExampleProvince() {
	for _, s := range []string{"079", "77", "TP.HCM", "Tỉnh Bình Định", "Gia Lai", "Dak Lak", "Atlantis"} {
		code, err := place.Province(s)
		fmt.Printf("%-16q %q %v\n", s, code, errors.Is(err, place.ErrUnknown))
	}
	fmt.Println(place.ProvinceName("52"), place.OldProvinces("52"))
	// Output:
	// "079"            "79" false
	// "77"             "79" false
	// "TP.HCM"         "79" false
	// "Tỉnh Bình Định" "52" false
	// "Gia Lai"        "52" false
	// "Dak Lak"        "66" false
	// "Atlantis"       "" true
	// Tỉnh Gia Lai [52 64]
}

func ExampleWard() {
	for _, in := range [][2]string{{"79", "P. Bến Nghé"}, {"", "26734"}, {"01", "7"}, {"45", "Phường 1"}} {
		code, split, err := place.Ward(in[0], in[1])
		fmt.Printf("%q %q -> %q %q split=%v err=%v\n", in[0], in[1], code, place.WardName(code), split, err)
	}
	// Output:
	// "79" "P. Bến Nghé" -> "26740" "Phường Sài Gòn" split=false err=<nil>
	// "" "26734" -> "26737" "Phường Tân Định" split=false err=<nil>
	// "01" "7" -> "00008" "Phường Ngọc Hà" split=true err=<nil>
	// "45" "Phường 1" -> "" "" split=false err=place: ward: place: ambiguous
}
