package vnid_test

import (
	"errors"
	"fmt"

	"github.com/vnhealth/mpi/matching/vnid"
)

func ExampleParseCitizenID() {
	// A CCCD that lost its leading zeros in an integer column.
	id, err := vnid.ParseCitizenID("1099012345")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id.Value, id.Kind, id.Repaired, id.Valid, id.Province, id.BirthYear, id.Female)

	// A placeholder: the error names the field, never the value.
	_, err = vnid.ParseCitizenID("KHONG RO")
	fmt.Println(errors.Is(err, vnid.ErrJunk), err)
	// Output:
	// 001099012345 CCCD true true 01 1999 false
	// true vnid: placeholder value: citizen ID
}

func ExampleParseInsurance() {
	for _, s := range []string{"dn 4 79 7912345678", "7912345678"} {
		bhxh, group, err := vnid.ParseInsurance(s)
		fmt.Printf("%s %q %v\n", bhxh, group, err)
	}
	// Output:
	// 7912345678 "DN" <nil>
	// 7912345678 "" <nil>
}

func ExampleParsePhone() {
	for _, s := range []string{"+84 912 345 678", "1681234567", "(024) 3825 1234", "+33 6 12 34 56 78"} {
		p, err := vnid.ParsePhone(s)
		fmt.Println(p.Number, p.Kind, p.Converted, err)
	}
	// Output:
	// 0912345678 mobile false <nil>
	// 0381234567 mobile true <nil>
	// 02438251234 landline false <nil>
	// +33612345678 foreign false <nil>
}
