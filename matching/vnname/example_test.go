package vnname_test

import (
	"fmt"

	"github.com/vnhealth/mpi/matching/vnname"
)

func ExampleParse() {
	n, flags := vnname.Parse("CON BA NguyÔn ThÞ Huúnh Vy")
	fmt.Printf("%q %q %q %v\n", n.Family, n.Middle, n.Given, flags)
	n, flags = vnname.Parse("An Nguyen Van")
	fmt.Printf("%q %q %q %v\n", n.Family, n.Middle, n.Given, flags)
	// Output:
	// "nguyen" "thi hoang" "vi" placeholder|repaired
	// "nguyen" "van" "an" reordered
}

func ExampleFold() {
	fmt.Println(vnname.Fold("  NGUYỄN Thị Hoà ") == vnname.Fold("nguyen thi hòa"))
	fmt.Println(vnname.Fold("Ðặng H'Hen"))
	// Output:
	// true
	// dang hhen
}

func ExampleRepair() {
	for _, s := range []string{"Nguyeãn Vaên", "Nguyeenx Thij", "Ross"} {
		r, enc := vnname.Repair(s)
		fmt.Println(r, enc)
	}
	// Output:
	// Nguyễn Văn vni-win
	// Nguyễn Thị telex
	// Ross none
}

func ExampleCanonical() {
	fmt.Println(vnname.Canonical("huynh"), vnname.Canonical("vo"), vnname.Canonical("vy"), vnname.Canonical("thuy"))
	// Output: hoang vu vi thuy
}
