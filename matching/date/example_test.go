package date_test

import (
	"errors"
	"fmt"

	"github.com/vnhealth/mpi/matching/date"
)

func ExampleParse() {
	for _, s := range []string{"07/05/1990", "195000000000", "1990-05-07T00:00:00Z", "31/04/1990"} {
		d, err := date.Parse(s)
		if errors.Is(err, date.ErrInvalid) {
			fmt.Println(err)
			continue
		}
		fmt.Println(d)
	}
	// Output:
	// 1990-05-07
	// 1950
	// 1990-05-07
	// invalid date: day out of range
}
