// Command gen derives the compact tables embedded by package place from the two MIT-licensed reference files
// (vn-units-2025.json and vn-units-old-to-new.json; see ../../data/LICENSE).
//
// It writes four tab-separated files into -out:
//
//	provinces.tsv      new code, official name                      (the 34 provinces since 1/7/2025)
//	old_provinces.tsv  old code, new code, old official name        (the 63 provinces before 1/7/2025)
//	wards.tsv          new ward code, new province code, name        (the 3,321 communes/wards)
//	old_wards.tsv      old ward code, old province code, name, new ward codes (space-separated, ascending)
//
// Rows are sorted by code, so regenerating from the same inputs gives the same bytes. A split target that names no
// ward of the new list (the source has two such typos) is repaired by looking its name up in the new province; a target
// that still cannot be resolved fails the run.
//
// Run it through `go generate ./matching/place` (see ../../generate.go).
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

type newUnits []struct {
	Code     string
	FullName string
	Wards    []struct {
		Code         string
		FullName     string
		ProvinceCode string
	}
}

type split struct {
	NewID string `json:"new_id"`
	Name  string `json:"name"`
}

type oldUnits struct {
	Data []struct {
		Level1ID string  `json:"level1_id"`
		Name     string  `json:"name"`
		Splits   []split `json:"splits"`
		Level3s  []struct {
			Level3ID string  `json:"level3_id"`
			Name     string  `json:"name"`
			Splits   []split `json:"splits"`
		} `json:"level3s"`
	} `json:"data"`
}

func main() {
	src := flag.String("src", "../../../shared/data", "directory holding the two reference JSON files")
	out := flag.String("out", "data", "directory to write the derived .tsv files into")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	var nu newUnits
	if err := readJSON(filepath.Join(src, "vn-units-2025.json"), &nu); err != nil {
		return err
	}
	var ou oldUnits
	if err := readJSON(filepath.Join(src, "vn-units-old-to-new.json"), &ou); err != nil {
		return err
	}

	var provinces, wards [][]string
	wardProv := map[string]string{}    // new ward code -> new province code
	byName := map[[2]string][]string{} // (new province, ward name) -> new ward codes
	for _, p := range nu {
		provinces = append(provinces, []string{p.Code, clean(p.FullName)})
		for _, w := range p.Wards {
			if w.ProvinceCode != p.Code {
				return fmt.Errorf("ward %s lists province %s inside %s", w.Code, w.ProvinceCode, p.Code)
			}
			wards = append(wards, []string{w.Code, p.Code, clean(w.FullName)})
			wardProv[w.Code] = p.Code
			k := [2]string{p.Code, strings.ToLower(clean(w.FullName))}
			byName[k] = append(byName[k], w.Code)
		}
	}
	if len(provinces) != 34 || len(wards) != 3321 {
		return fmt.Errorf("got %d provinces and %d wards, want 34 and 3321", len(provinces), len(wards))
	}

	var oldProvinces, oldWards [][]string
	for _, p := range ou.Data {
		if len(p.Splits) != 1 {
			return fmt.Errorf("old province %s has %d successors, want 1", p.Level1ID, len(p.Splits))
		}
		newProv := p.Splits[0].NewID
		oldProvinces = append(oldProvinces, []string{p.Level1ID, newProv, clean(p.Name)})
		for _, w := range p.Level3s {
			var targets []string
			for _, s := range w.Splits {
				code := s.NewID
				if _, ok := wardProv[code]; !ok {
					c := byName[[2]string{newProv, strings.ToLower(clean(s.Name))}]
					if len(c) != 1 {
						return fmt.Errorf("old ward %s: successor %s is not a ward of the new list", w.Level3ID, s.NewID)
					}
					fmt.Fprintf(os.Stderr, "gen: old ward %s: successor %s repaired to %s by name\n", w.Level3ID, s.NewID, c[0])
					code = c[0]
				}
				if !slices.Contains(targets, code) {
					targets = append(targets, code)
				}
			}
			if len(targets) == 0 {
				return fmt.Errorf("old ward %s has no successor", w.Level3ID)
			}
			slices.Sort(targets)
			oldWards = append(oldWards, []string{w.Level3ID, p.Level1ID, clean(w.Name), strings.Join(targets, " ")})
		}
	}
	if len(oldProvinces) != 63 {
		return fmt.Errorf("got %d old provinces, want 63", len(oldProvinces))
	}

	for name, rows := range map[string][][]string{
		"provinces.tsv":     provinces,
		"old_provinces.tsv": oldProvinces,
		"wards.tsv":         wards,
		"old_wards.tsv":     oldWards,
	} {
		slices.SortFunc(rows, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
		if err := writeTSV(filepath.Join(out, name), rows); err != nil {
			return err
		}
	}
	return nil
}

// clean trims the name and collapses inner runs of white space; tabs and newlines would break the format.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func writeTSV(path string, rows [][]string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	w := bufio.NewWriter(f)
	if err := writeRows(w, rows); err != nil {
		return err
	}
	return w.Flush()
}

func writeRows(w io.Writer, rows [][]string) error {
	for _, r := range rows {
		if _, err := fmt.Fprintln(w, strings.Join(r, "\t")); err != nil {
			return err
		}
	}
	return nil
}
