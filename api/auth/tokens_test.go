package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFileRefuses(t *testing.T) {
	t.Parallel()
	h := HashToken("x")
	for _, tc := range []struct{ name, json, want string }{
		{"unknown field", `{"principals":[],"extra":1}`, "unknown field"},
		{"no name", `{"principals":[{"role":"admin","token_sha256":["` + h + `"]}]}`, "principals[0].name"},
		{"bad role", `{"principals":[{"name":"a","role":"root","token_sha256":["` + h + `"]}]}`, "principals[0] (a).role"},
		{"ingest without sources", `{"principals":[{"name":"a","role":"ingest","token_sha256":["` + h + `"]}]}`, "sources"},
		{"sources on admin", `{"principals":[{"name":"a","role":"admin","sources":["X"],"token_sha256":["` + h + `"]}]}`, "only ingest"},
		{"no credentials", `{"principals":[{"name":"a","role":"admin"}]}`, "never authenticate"},
		{"short hash", `{"principals":[{"name":"a","role":"admin","token_sha256":["abc"]}]}`, "64 hex"},
		{"hash twice", `{"principals":[{"name":"a","role":"admin","token_sha256":["` + h + `"]},{"name":"b","role":"steward","token_sha256":["` + h + `"]}]}`, "listed twice"},
		{"name twice", `{"principals":[{"name":"a","role":"admin","client_certs":["c1"]},{"name":"a","role":"steward","client_certs":["c2"]}]}`, "name: listed twice"},
		{"cert twice", `{"principals":[{"name":"a","role":"admin","client_certs":["c"]},{"name":"b","role":"steward","client_certs":["c"]}]}`, "client_certs[0]: listed twice"},
		{"name with space", `{"principals":[{"name":"a b","role":"admin","client_certs":["c"]}]}`, "name"},
	} {
		_, err := ParseFile([]byte(tc.json))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), h) {
			t.Errorf("%s: error %q echoes a hash", tc.name, err)
		}
	}
}

func TestTokensRoundTrip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tokens.json")
	var f File
	adminTok, err := f.AddToken("admin", RoleAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	hubTok, err := f.AddToken("hub", RoleIngest, []string{"BV01", "BV02"})
	if err != nil {
		t.Fatal(err)
	}
	hubTok2, err := f.AddToken("hub", RoleIngest, []string{"BV01", "BV02"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.AddToken("hub", RoleSteward, nil); err == nil {
		t.Error("AddToken gave an existing principal another role")
	}
	f.Principals = append(f.Principals, Entry{Name: "tyt", Role: RoleIngest, Sources: []string{"TYT02"}, ClientCerts: []string{"spiffe://mpi/tyt", "tyt.local"}})
	if err := WriteFile(path, &f); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	for _, tok := range []string{adminTok, hubTok, hubTok2} {
		if strings.Contains(string(raw), tok) {
			t.Fatal("the tokens file holds a token, not only its hash")
		}
	}
	g, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&f, g); diff != "" {
		t.Errorf("read back mismatch (-want +got):\n%s", diff)
	}
	tab, err := NewTable(g)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		token string
		want  *Principal
	}{
		{adminTok, &Principal{Name: "admin", Role: RoleAdmin, Via: "token"}},
		{hubTok, &Principal{Name: "hub", Role: RoleIngest, Sources: []string{"BV01", "BV02"}, Via: "token"}},
		{hubTok2, &Principal{Name: "hub", Role: RoleIngest, Sources: []string{"BV01", "BV02"}, Via: "token"}},
	} {
		p, err := tab.Token(tc.token)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, p); diff != "" {
			t.Errorf("Token mismatch (-want +got):\n%s", diff)
		}
	}
	if _, err := tab.Token(adminTok + "x"); err == nil {
		t.Error("a wrong token authenticated")
	}
	p, err := tab.Certificate([]string{"unknown", "tyt.local"})
	if err != nil || p.Name != "tyt" || p.Via != "certificate" {
		t.Errorf("Certificate = %+v, %v; want tyt by certificate", p, err)
	}
	if _, err := tab.Certificate([]string{"other"}); err == nil {
		t.Error("an unregistered certificate authenticated")
	}
}

func TestSaneRequestID(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]bool{
		"":                        false,
		"abc-123_x.y:z":           true,
		strings.Repeat("a", 64):   true,
		strings.Repeat("a", 65):   false,
		"a b":                     false,
		"a\nlevel=ERROR msg=fake": false,
		"Nguyễn":                  false,
	} {
		if got := SaneRequestID(id); got != want {
			t.Errorf("SaneRequestID(%q) = %v, want %v", id, got, want)
		}
	}
	if id := RequestIDOr("bad id"); !SaneRequestID(id) || len(id) != 32 {
		t.Errorf("RequestIDOr made %q", id)
	}
}

func FuzzParseFile(f *testing.F) {
	f.Add([]byte(`{"principals":[{"name":"a","role":"ingest","sources":["BV01"],"token_sha256":["` + HashToken("t") + `"]}]}`))
	f.Add([]byte(`{"principals":[{"name":"a","role":"admin","client_certs":["c"]}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := ParseFile(b)
		if err != nil {
			return
		}
		if _, err := NewTable(file); err != nil {
			t.Fatalf("a parsed file does not index: %v", err)
		}
	})
}
