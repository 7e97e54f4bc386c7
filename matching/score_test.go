package matching_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vnhealth/mpi/matching"
)

func TestExplainSumsToWeight(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	recs := []matching.Record{
		norm("full_name", "Nguyễn Văn An", "birth_date", "07/05/1990", "citizen_id", "079090001234", "phone", "0912345678", "province", "79"),
		norm("full_name", "Nguyen An", "birth_date", "1990-05-07", "phone", "+84912345678", "province", "TP.HCM"),
		norm("full_name", "Trần Thị Bích", "birth_date", "1990", "gender", "F", "province", "01", "address", "5 Hàng Bông"),
		norm("full_name", "Tran Bich", "birth_date", "1991-02-03", "insurance_no", "HT2010123456789", "ward", "00004"),
		norm("full_name", "CON BÀ Nguyễn Thị Lan", "birth_date", "20250101", "phone", "0912345678"),
		norm("family_name", "Lò", "given_name", "Sủi", "gender", "1"),
	}
	for i := range recs {
		for j := range recs {
			ex := model.Explain(&recs[i], &recs[j])
			sc := model.Score(&recs[i], &recs[j])
			if got := ex.Sum(); got != ex.Weight {
				t.Errorf("pair %d,%d: parts sum to %v, total %v", i, j, got, ex.Weight)
			}
			if ex.Weight != sc.Weight || ex.Probability != sc.Probability() || ex.Decision != sc.Decision {
				t.Errorf("pair %d,%d: Explain and Score disagree: %+v vs %+v", i, j, ex, sc)
			}
			if len(ex.Fields) != int(matching.NumFields) {
				t.Errorf("pair %d,%d: %d fields explained, want %d", i, j, len(ex.Fields), matching.NumFields)
			}
		}
	}
}

func TestExplainJSONShape(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	a := norm("full_name", "Nguyễn Văn An", "birth_date", "07/05/1990", "phone", "0912345678")
	b := norm("full_name", "Nguyen Van An", "birth_date", "07/05/1990", "phone", "0912345678")
	raw, err := json.Marshal(model.Explain(&a, &b))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"decision", "probability", "weight", "fields", "guard_rails"} {
		if _, ok := got[k]; !ok {
			t.Errorf("explanation JSON lacks %q: %s", k, raw)
		}
	}
	if gr, ok := got["guard_rails"].([]any); !ok || len(gr) != 0 {
		t.Errorf("guard_rails = %v, want an empty array", got["guard_rails"])
	}
	if d := got["decision"]; d != "match" {
		t.Errorf("decision = %v, want match", d)
	}
}

func TestMissingWeighsNothing(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	a := norm("full_name", "Nguyễn Văn An", "birth_date", "07/05/1990")
	b := norm("full_name", "Nguyễn Văn An", "birth_date", "07/05/1990")
	c := norm("full_name", "Nguyễn Văn An", "birth_date", "07/05/1990", "phone", "0912345678", "citizen_id", "001090012345")
	ab, ac := model.Score(&a, &b), model.Score(&a, &c)
	if ab.Weight != ac.Weight {
		t.Errorf("values present on one side only changed the weight: %v vs %v", ab.Weight, ac.Weight)
	}
}

func TestTermFrequencyAdjustment(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	common := []string{"full_name", "Nguyễn Văn Hùng", "birth_date", "1980"}
	rare := []string{"full_name", "Nguyễn Văn Khiêm", "birth_date", "1980"}
	a, b := norm(common...), norm(common...)
	c, d := norm(rare...), norm(rare...)
	wc, wr := model.Score(&a, &b).Weight, model.Score(&c, &d).Weight
	if !(wr > wc) {
		t.Errorf("agreeing on a rare given name weighs %v, on a common one %v: want rare > common", wr, wc)
	}
	ex := model.Explain(&a, &b)
	if ex.Fields[matching.FieldName].TFDetail == nil || ex.Fields[matching.FieldName].TFDetail.Family >= 0 {
		t.Errorf("agreeing on Nguyễn should weigh less than an average family name: %+v", ex.Fields[matching.FieldName])
	}
}

func TestParseModelErrors(t *testing.T) {
	t.Parallel()
	var good bytes.Buffer
	if err := matching.DefaultModel().WriteJSON(&good); err != nil {
		t.Fatal(err)
	}
	if _, err := matching.ParseModel(good.Bytes()); err != nil {
		t.Fatalf("the default model does not round-trip: %v", err)
	}
	tests := []struct {
		name, from, to, want string
	}{
		{"wrong version", `"version": 1`, `"version": 7`, "version 7"},
		{"unknown key", `"version": 1`, `"version": 1, "colour": "red"`, "unknown field"},
		{"renamed field", `"field": "phone"`, `"field": "telephone"`, `want "phone"`},
		{"renamed level", `"level": "transposed"`, `"level": "swapped"`, `want "transposed"`},
		{"m not a number", `"m": `, `"m": "high", "u0": `, "cannot unmarshal string"},
		{"truncated", `"fields"`, `"fields`, "invalid model"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := good.String()
			if !strings.Contains(s, tt.from) {
				t.Fatalf("default model has no %q", tt.from)
			}
			bad := strings.Replace(s, tt.from, tt.to, 1)
			_, err := matching.ParseModel([]byte(bad))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseModel error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestModelValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(m *matching.Model)
		want   string
	}{
		{"prior zero", func(m *matching.Model) { m.Prior = 0 }, "prior must be in (0,1)"},
		{"thresholds inverted", func(m *matching.Model) { m.Thresholds = matching.Thresholds{Match: 0.5, Review: 0.9} }, "thresholds"},
		{"m of one", func(m *matching.Model) { m.Fields[2].Levels[0].M = 1 }, "field sex level agree: m and u must be in (0,1)"},
		{"missing field", func(m *matching.Model) { m.Fields = m.Fields[:3] }, "3 fields, want 7"},
		{"missing level", func(m *matching.Model) { m.Fields[0].Levels = m.Fields[0].Levels[:2] }, "field name has 2 levels"},
		{"empty TF", func(m *matching.Model) { m.TF.Given.Values = nil }, "term_frequencies.given.values is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := matching.DefaultModel()
			tt.mutate(m)
			err := m.Init()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Init error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestDefaultModelIsEstimated(t *testing.T) {
	t.Parallel()
	m := matching.DefaultModel()
	if m.Training == nil || m.Training.RandomPairs == 0 || m.Training.BlockedPairs == 0 || !m.Training.EMConverged {
		t.Fatalf("default model carries no record of a converged estimation: %+v", m.Training)
	}
	// Sanity of the estimate: the best level of every field is evidence for
	// a match, the worst against it.
	for f := range matching.NumFields {
		lv := m.Fields[f].Levels
		if w := m.Weight(f, 0); w <= 0 {
			t.Errorf("%s: best level %s weighs %.2f, want > 0", f, lv[0].Level, w)
		}
		if w := m.Weight(f, int8(len(lv)-1)); w >= 0 {
			t.Errorf("%s: worst level %s weighs %.2f, want < 0", f, lv[len(lv)-1].Level, w)
		}
	}
	got := []string{matching.FieldName.String(), matching.FieldAddress.String()}
	if diff := cmp.Diff([]string{"name", "address"}, got); diff != "" {
		t.Errorf("field names mismatch (-want +got):\n%s", diff)
	}
}

// FuzzParseModel feeds arbitrary bytes to the model loader: it must refuse
// them with an error, never panic, and what it accepts must score.
func FuzzParseModel(f *testing.F) {
	var good bytes.Buffer
	if err := matching.DefaultModel().WriteJSON(&good); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`{"version":1,"prior":0.5,"thresholds":{"match":0.9,"review":0.5},"fields":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := matching.ParseModel(b)
		if err != nil {
			if !errors.Is(err, matching.ErrInvalidModel) {
				t.Fatalf("error %v does not wrap ErrInvalidModel", err)
			}
			return
		}
		a := norm("full_name", "Nguyễn Văn An", "birth_date", "1990")
		s := m.Score(&a, &a)
		if p := s.Probability(); p < 0 || p > 1 {
			t.Fatalf("probability %v", s.Probability())
		}
	})
}

func TestForPopulation(t *testing.T) {
	t.Parallel()
	m := matching.DefaultModel()
	n := m.Training.Records
	big := m.ForPopulation(20 * n)
	if got, want := big.Prior/m.Prior, float64(n-1)/float64(20*n-1); math.Abs(got/want-1) > 1e-9 {
		t.Errorf("prior scaled by %g, want %g", got, want)
	}
	if same := m.ForPopulation(n); same.Prior != m.Prior {
		t.Errorf("the training population changed the prior: %g vs %g", same.Prior, m.Prior)
	}
	a := norm("full_name", "Nguyễn Văn Hùng", "birth_date", "1985-03-12", "province", "01")
	b := norm("full_name", "Nguyễn Văn Hùng", "birth_date", "12/03/1985", "province", "01")
	if ws, wb := m.Score(&a, &b).Weight, big.Score(&a, &b).Weight; !(wb < ws) {
		t.Errorf("a bigger population should make a name-and-date pair less likely: %g vs %g", wb, ws)
	}
	if m.Prior != matching.DefaultModel().Prior {
		t.Error("ForPopulation changed the model it was called on")
	}
}
