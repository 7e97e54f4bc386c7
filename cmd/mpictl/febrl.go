package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/exchange"
)

// multiFlag collects a repeated string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// runFebrl implements `mpictl febrl --in F [--in F2] --out DIR`: it converts
// FEBRL benchmark files into the exchange format and a truth file.
func runFebrl(_ context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("febrl", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var ins multiFlag
	fs.Var(&ins, "in", "FEBRL CSV file (repeat for several; each becomes one source)")
	out := fs.String("out", "", "directory to write records.csv and truth.csv into")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if len(ins) == 0 || *out == "" {
		return fmt.Errorf("%w: febrl needs --in and --out", errUsage)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	rf, err := os.Create(filepath.Join(*out, "records.csv"))
	if err != nil {
		return err
	}
	defer rf.Close()
	tf, err := os.Create(filepath.Join(*out, "truth.csv"))
	if err != nil {
		return err
	}
	defer tf.Close()
	rw := exchange.NewWriter(rf)
	tw := csv.NewWriter(tf)
	if err := tw.Write([]string{"source", "local_id", "person_id"}); err != nil {
		return err
	}
	for _, in := range ins {
		source := "febrl-" + strings.TrimPrefix(strings.TrimSuffix(filepath.Base(in), filepath.Ext(in)), "dataset")
		f, err := os.Open(in)
		if err != nil {
			return err
		}
		err = convertFebrl(f, source, func(r matching.Raw, person string) error {
			if err := rw.Write(r); err != nil {
				return err
			}
			return tw.Write([]string{r.Source, r.LocalID, person})
		})
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
	}
	if err := rw.Flush(); err != nil {
		return err
	}
	tw.Flush()
	if err := tw.Error(); err != nil {
		return err
	}
	if err := rf.Close(); err != nil {
		return err
	}
	return tf.Close()
}

// febrlColumns is the header of every FEBRL file.
var febrlColumns = []string{"rec_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state", "date_of_birth", "soc_sec_id"}

// convertFebrl reads one FEBRL file (", "-separated, CRLF or LF) and calls
// emit with each record and its true person: N of rec-N-org / rec-N-dup-k.
func convertFebrl(r io.Reader, source string, emit func(matching.Raw, string) error) error {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		cols := strings.Split(text, ",")
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		if line == 1 {
			if strings.Join(cols, ",") != strings.Join(febrlColumns, ",") {
				return fmt.Errorf("line 1: not a FEBRL header")
			}
			continue
		}
		if len(cols) != len(febrlColumns) {
			return fmt.Errorf("line %d: %d fields, want %d", line, len(cols), len(febrlColumns))
		}
		id := cols[0]
		parts := strings.Split(id, "-")
		ok := len(parts) >= 3 && parts[0] == "rec" && parts[1] != "" &&
			(len(parts) == 3 && parts[2] == "org" || len(parts) == 4 && parts[2] == "dup" && parts[3] != "")
		if !ok {
			return fmt.Errorf("line %d: field rec_id: not rec-N-org or rec-N-dup-K", line)
		}
		addr := strings.Join(nonEmpty(cols[3], cols[4], cols[5], cols[6], cols[7]), " ")
		raw := matching.Raw{
			Source: source, LocalID: id,
			GivenName: cols[1], FamilyName: cols[2],
			Address: addr, Province: cols[8], BirthDate: cols[9], CitizenID: cols[10],
		}
		if err := emit(raw, parts[1]); err != nil {
			return err
		}
	}
	return sc.Err()
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
