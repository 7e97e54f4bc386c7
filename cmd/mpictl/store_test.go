package main

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/bolt"
)

const storeInput = `source,local_id,full_name,gender,birth_date,citizen_id,phone,province,address
BV01,1,Nguyễn Văn An,M,07/05/1990,001090012345,0912345678,01,12 Hàng Bạc
TYT02,9,NGUYEN VAN AN,Nam,19900507,001090012345,+84912345678,Hà Nội,12 Hang Bac
BV01,2,Trần Thị Bình,F,1985-01-02,,0987000111,79,45 Lê Lợi
BV01,,Lê Văn Cường,M,1970,,,01,
BV01,3,Lê Văn Cường,M,31/02/1970,,,01,
`

// TestImportExportVerifyBackup runs the store commands in process on a
// bolt file: import (a bad row reported and skipped), export, verify,
// backup, and a second import that changes nothing.
func TestImportExportVerifyBackup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "mpi.db")
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, []byte(storeInput), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCmd(t, "", "import", "--db", db, "--in", in)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	for _, want := range []string{"records 4 resolved, 1 rows rejected", "line 5", "local_id"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("import summary lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "Lê Văn Cường") || strings.Contains(stderr, "1970") {
		t.Errorf("import summary shows patient data:\n%s", stderr)
	}

	exported := filepath.Join(dir, "out.csv")
	if _, stderr, err := runCmd(t, "", "export", "--db", db, "--out", exported); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	f, err := os.Open(exported)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	eid := map[string]string{}
	for _, r := range rows[1:] {
		eid[r[0]+"/"+r[1]] = r[2]
	}
	if len(rows) != 5 || rows[0][2] != "eid" {
		t.Fatalf("export = %v, want a header and 4 rows", rows)
	}
	if eid["BV01/1"] != eid["TYT02/9"] || eid["BV01/1"] == eid["BV01/2"] {
		t.Errorf("export links %v: want BV01/1 and TYT02/9 on one EID, BV01/2 on another", eid)
	}
	for k, e := range eid {
		if !store.EID(e).Valid() {
			t.Errorf("%s: %q is not a valid EID", k, e)
		}
	}

	out, stderr, err := runCmd(t, "", "verify", "--db", db)
	if err != nil || !strings.HasPrefix(out, "verify: ok") {
		t.Fatalf("verify: %v\n%s%s", err, out, stderr)
	}

	backup := filepath.Join(dir, "backup.db")
	if _, stderr, err := runCmd(t, "", "backup", "--db", db, "--out", backup); err != nil {
		t.Fatalf("backup: %v\n%s", err, stderr)
	}
	counts := func(path string) store.Counts {
		t.Helper()
		s, err := bolt.Open(path, bolt.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var c store.Counts
		if err := s.View(context.Background(), func(tx store.Tx) (err error) { c, err = tx.Counts(context.Background()); return err }); err != nil {
			t.Fatal(err)
		}
		return c
	}
	before := counts(db)
	if got := counts(backup); got != before {
		t.Errorf("backup counts %+v, store %+v", got, before)
	}
	if out, _, err := runCmd(t, "", "verify", "--db", backup); err != nil || !strings.HasPrefix(out, "verify: ok") {
		t.Errorf("verify of the backup: %v\n%s", err, out)
	}

	_, stderr, err = runCmd(t, "", "import", "--db", db, "--in", in)
	if err != nil || !strings.Contains(stderr, "unchanged  4") {
		t.Fatalf("second import: %v\n%s", err, stderr)
	}
	if after := counts(db); after != before {
		t.Errorf("a second import changed the store: %+v, then %+v", before, after)
	}
}

func TestStoreFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"export", "--out", "-"},
		{"export", "--db", "a.db", "--database-url", "postgres://x", "--out", "-"},
		{"import", "--db", "a.db"},
		{"import", "--db", "a.db", "--in", "x.csv", "--population", "-1"},
		{"backup", "--db", "a.db"},
	} {
		if _, _, err := runCmd(t, "", args...); !errors.Is(err, errUsage) {
			t.Errorf("mpictl %v: err = %v, want a usage error", args, err)
		}
	}
}
