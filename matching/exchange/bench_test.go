package exchange

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// benchInput returns n typical exchange-format rows as CSV or NDJSON.
func benchInput(n int, ndjson bool) []byte {
	var b bytes.Buffer
	if !ndjson {
		b.WriteString("source,local_id,full_name,gender,birth_date,citizen_id,insurance_no,phone,province,ward,address\n")
	}
	for i := range n {
		if ndjson {
			fmt.Fprintf(&b, `{"source":"bv-bach-mai","local_id":"%08d","full_name":"Nguyễn Văn An","gender":"M","birth_date":"07/05/1990",`+
				`"citizen_id":%d,"insurance_no":"DN4010123456789","phone":"0912345678","province":"01","ward":"00004",`+
				`"address":"12 Lý Thái Tổ, Hoàn Kiếm"}`+"\n", i, 1090012345+i)
			continue
		}
		fmt.Fprintf(&b, "bv-bach-mai,%08d,Nguyễn Văn An,M,07/05/1990,%012d,DN4010123456789,0912345678,01,00004,\"12 Lý Thái Tổ, Hoàn Kiếm\"\n",
			i, 1090012345+i)
	}
	return b.Bytes()
}

func benchmarkRead(b *testing.B, ndjson bool) {
	const rows = 10_000
	in := benchInput(rows, ndjson)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(in), ReaderOptions{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, _, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}

func BenchmarkReadCSV(b *testing.B)    { benchmarkRead(b, false) }
func BenchmarkReadNDJSON(b *testing.B) { benchmarkRead(b, true) }
