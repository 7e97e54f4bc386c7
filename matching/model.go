package matching

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// ModelVersion is the model-file format this package reads and writes.
const ModelVersion = 1

// ErrInvalidModel wraps every reason a model file is refused.
var ErrInvalidModel = errors.New("invalid model")

// Model is a Fellegi–Sunter model: for every field and level the
// probabilities m = P(level | same person) and u = P(level | different
// persons), the prior probability that two records drawn at random belong to
// one person, the decision thresholds and the term-frequency tables. The
// zero Model is not usable; load one with LoadModel or DefaultModel, or
// build one and call Init.
type Model struct {
	Version int `json:"version"`
	// Description says where the parameters came from (data, seed, method).
	Description string `json:"description,omitempty"`
	// Prior is λ, the probability that a random pair of records is a match.
	Prior float64 `json:"prior"`
	// Thresholds on the match probability.
	Thresholds Thresholds `json:"thresholds"`
	// Fields holds m and u for every level of every field, in Field order.
	Fields []FieldParams `json:"fields"`
	// TF holds the term-frequency tables of family and given names.
	TF TermFrequencies `json:"term_frequencies"`
	// Training records how the parameters were estimated (optional).
	Training *TrainingInfo `json:"training,omitempty"`

	// Derived by Init.
	priorWeight  float64
	weights      [NumFields][]float64
	family       tfAdjustments
	given        tfAdjustments
	matchWeight  float64 // the weights at which the thresholds are reached
	reviewWeight float64
}

// Thresholds are the two cut-offs on the match probability: at or above
// Match a pair is linked automatically (unless a guard rail fires), at or
// above Review it goes to a data steward, below it is a non-match.
type Thresholds struct {
	Match  float64 `json:"match"`
	Review float64 `json:"review"`
}

// FieldParams are the level probabilities of one field.
type FieldParams struct {
	Field  string        `json:"field"`
	Levels []LevelParams `json:"levels"`
}

// LevelParams are m and u of one comparison level.
type LevelParams struct {
	Level string  `json:"level"`
	M     float64 `json:"m"`
	U     float64 `json:"u"`
}

// TrainingInfo documents an estimation run.
type TrainingInfo struct {
	Data          string  `json:"data"`
	Records       int     `json:"records"`
	BlockedPairs  int     `json:"blocked_pairs"`
	RandomPairs   int     `json:"random_pairs"`
	EMIterations  int     `json:"em_iterations"`
	EMConverged   bool    `json:"em_converged"`
	BlockedPrior  float64 `json:"blocked_prior"`
	ThresholdNote string  `json:"threshold_note,omitempty"`
	// Passes lists the EM passes that estimated m, one per blocking rule.
	Passes []PassInfo `json:"passes,omitempty"`
	// Unlearned names fields absent from the training data; their m is a
	// starting guess that such data never uses.
	Unlearned []string `json:"unlearned_fields,omitempty"`
}

// PassInfo documents one EM pass of a training run.
type PassInfo struct {
	Rule         string  `json:"rule"`
	Pairs        int     `json:"pairs"`
	EMIterations int     `json:"em_iterations"`
	EMConverged  bool    `json:"em_converged"`
	MatchShare   float64 `json:"match_share"`
}

//go:embed default_model.json
var defaultModelJSON []byte

// DefaultModel returns the model embedded in the binary, estimated by
// `go generate` from synthetic data (see default_model.json's training
// section and internal/mkdefault). Each call returns a fresh copy.
func DefaultModel() *Model {
	m, err := ParseModel(defaultModelJSON)
	if err != nil {
		// The embedded file is checked by TestDefaultModel; reaching this is
		// a build defect, not bad input.
		panic("matching: embedded default model: " + err.Error())
	}
	return m
}

// LoadModel reads a model file.
func LoadModel(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseModel(b)
}

// ParseModel decodes and validates a model file. Unknown keys, missing
// fields or levels, probabilities outside (0,1) and inconsistent
// thresholds are errors naming what is wrong.
func ParseModel(b []byte) (*Model, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var m Model
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidModel, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after the model object", ErrInvalidModel)
	}
	if err := m.Init(); err != nil {
		return nil, err
	}
	return &m, nil
}

// WriteJSON writes the model file, indented.
func (m *Model) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}

// Init validates the model and derives the weights used for scoring. It must
// be called after building or changing a Model by hand.
func (m *Model) Init() error {
	if m.Version != ModelVersion {
		return fmt.Errorf("%w: version %d, want %d", ErrInvalidModel, m.Version, ModelVersion)
	}
	if !(m.Prior > 0 && m.Prior < 1) {
		return fmt.Errorf("%w: prior must be in (0,1)", ErrInvalidModel)
	}
	t := m.Thresholds
	if !(t.Review > 0 && t.Review <= t.Match && t.Match < 1) {
		return fmt.Errorf("%w: thresholds must satisfy 0 < review <= match < 1", ErrInvalidModel)
	}
	if len(m.Fields) != int(NumFields) {
		return fmt.Errorf("%w: %d fields, want %d (%s)", ErrInvalidModel, len(m.Fields), NumFields, strings.Join(fieldNames[:], ", "))
	}
	for f := range NumFields {
		fp := m.Fields[f]
		if fp.Field != fieldNames[f] {
			return fmt.Errorf("%w: field %d is %q, want %q", ErrInvalidModel, f, fp.Field, fieldNames[f])
		}
		names := levelNames[f]
		if len(fp.Levels) != len(names) {
			return fmt.Errorf("%w: field %s has %d levels, want %d (%s)", ErrInvalidModel, fp.Field, len(fp.Levels), len(names), strings.Join(names, ", "))
		}
		w := make([]float64, len(names))
		for i, lp := range fp.Levels {
			if lp.Level != names[i] {
				return fmt.Errorf("%w: field %s level %d is %q, want %q", ErrInvalidModel, fp.Field, i, lp.Level, names[i])
			}
			if !(lp.M > 0 && lp.M < 1) || !(lp.U > 0 && lp.U < 1) {
				return fmt.Errorf("%w: field %s level %s: m and u must be in (0,1)", ErrInvalidModel, fp.Field, lp.Level)
			}
			w[i] = math.Log2(lp.M / lp.U)
		}
		m.weights[f] = w
	}
	if err := m.TF.init(); err != nil {
		return err
	}
	m.priorWeight = logit2(m.Prior)
	m.matchWeight = logit2(m.Thresholds.Match)
	m.reviewWeight = logit2(m.Thresholds.Review)
	m.family = m.TF.Family.adjustments()
	m.given = m.TF.Given.adjustments()
	return nil
}

// ForPopulation returns a copy of the model whose prior is scaled to a
// population of n records. The prior is the chance that two records drawn
// at random are one person; with a fixed number of records per person it
// falls as 1/n, so a model estimated on 50,000 records overstates it for a
// million by a factor of twenty — the more people, the more namesakes. A
// model without a training record count is returned unchanged.
func (m *Model) ForPopulation(n int) *Model {
	c := *m
	if m.Training == nil || m.Training.Records <= 1 || n <= 1 || n == m.Training.Records {
		return &c
	}
	c.Prior = m.Prior * float64(m.Training.Records-1) / float64(n-1)
	c.Prior = max(1e-15, min(0.5, c.Prior))
	c.priorWeight = logit2(c.Prior)
	return &c
}

// Weight returns log2(m/u) of a field's level; 0 for Missing.
func (m *Model) Weight(f Field, level int8) float64 {
	if level < 0 {
		return 0
	}
	return m.weights[f][level]
}

// PriorWeight is log2 of the prior odds, the starting point of every score.
func (m *Model) PriorWeight() float64 { return m.priorWeight }
