package exchange_test

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/vnhealth/mpi/matching/exchange"
)

func ExampleReader() {
	in := "\uFEFFSource,Local_ID,family_name,given_name\r\nbv1,42,Nguyễn,An\r\nbv1,,Trần,Bình\r\n"
	r, err := exchange.NewReader(strings.NewReader(in), exchange.ReaderOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	w := exchange.NewWriter(os.Stdout)
	for {
		raw, line, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err) // a *LineError: report it and go on
			continue
		}
		fmt.Println("record on line", line)
		if err := w.Write(raw); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// record on line 2
	// line 3: field local_id: missing value
	// source,local_id,full_name,family_name,middle_name,given_name,gender,birth_date,citizen_id,insurance_no,phone,province,ward,address,recorded_at
	// bv1,42,,Nguyễn,,An,,,,,,,,,
}
