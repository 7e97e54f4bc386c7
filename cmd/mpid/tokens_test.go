package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vnhealth/mpi/api/auth"
)

// TestTokensRefreshStatsFirst: refresh reads the tokens file only when its
// size or modification time changed, or when it last read it tokensReread
// ago — so a flood of unknown tokens costs a stat each — and a token added
// a moment ago is still known at once.
func TestTokensRefreshStatsFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	var f auth.File
	if _, err := f.AddToken("admin", auth.RoleAdmin, nil); err != nil {
		t.Fatal(err)
	}
	if err := auth.WriteFile(path, &f); err != nil {
		t.Fatal(err)
	}
	tf, tab, err := newTokensFile(path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	tf.now = func() time.Time { return now }
	tf.read = now
	known := func(tab *auth.Table, token string) bool {
		_, err := tab.Token(token)
		return err == nil
	}

	for range 100 {
		if tf.refresh() != nil {
			t.Fatal("refresh of an unchanged file returned principals")
		}
	}
	if tf.reads != 0 {
		t.Errorf("100 refreshes of an unchanged file read it %d times, want 0", tf.reads)
	}

	// A token added: the file grew, so the next refresh knows it.
	token, err := f.AddToken("dr-an", auth.RoleClinician, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := auth.WriteFile(path, &f); err != nil {
		t.Fatal(err)
	}
	if known(tab, token) {
		t.Fatal("the token is known before the file was read")
	}
	tab = tf.refresh()
	if tab == nil || !known(tab, token) {
		t.Fatalf("refresh after a token was added: %v, want principals knowing it", tab)
	}

	// A rewrite that keeps size and modification time goes unseen until
	// tokensReread has passed, then is read.
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	other, err := auth.ParseFile(b)
	if err != nil {
		t.Fatal(err)
	}
	other.Principals[1].Role = auth.RoleSteward // "steward" for "clinician" …
	other.Principals[1].Name = "dr-an-x"        // … and two more letters: one size
	if err := auth.WriteFile(path, other); err != nil {
		t.Fatal(err)
	}
	if fi2, err := os.Stat(path); err != nil || fi2.Size() != fi.Size() {
		t.Fatalf("rewritten file: %v, size %d, want %d", err, fi2.Size(), fi.Size())
	}
	if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	reads := tf.reads
	now = now.Add(tokensReread - time.Millisecond)
	if tf.refresh() != nil || tf.reads != reads {
		t.Errorf("a same-stamp rewrite was read before tokensReread passed (%d reads, had %d)", tf.reads, reads)
	}
	now = now.Add(time.Millisecond)
	tab = tf.refresh()
	if tab == nil {
		t.Fatal("a same-stamp rewrite was not read once tokensReread passed")
	}
	if p, err := tab.Token(token); err != nil || p.Role != auth.RoleSteward {
		t.Errorf("after the rewrite the token is %+v, %v, want the steward", p, err)
	}
}
