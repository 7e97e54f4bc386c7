package synth

import (
	"errors"
	"fmt"

	"github.com/vnhealth/mpi/matching"
)

// Options controls the size and difficulty of a synthetic population. The zero
// value of every field except Persons means "use the default".
type Options struct {
	// Persons is the number of distinct persons (required, 1..10,000,000).
	Persons int
	// Seed selects the population: the same options give byte-identical output.
	Seed uint64
	// Sources is the number of facilities; default max(20, Persons/500).
	Sources int
	// MeanRecords is the mean number of records per person; default 2.5.
	MeanRecords float64
	// ErrorScale multiplies every per-record error rate (typos, swaps,
	// dropped middle names, missing fields…); default 1. Use a small value
	// such as 0.01 for near-clean data.
	ErrorScale float64
	// TwinRate is the share of births that are twins; default 0.02.
	TwinRate float64
	// NamesakeRate is the share of adults given the full name and birth year
	// of another adult of the same sex in the same province; default 0.012.
	NamesakeRate float64
	// MoverRate is the share of adults who lived in another province before;
	// default 0.07.
	MoverRate float64
}

// Roles set on Record.Role. A person has one role, the first that applies in
// this order, and all of the person's records carry it.
const (
	// RoleTwin: one of a pair of twins.
	RoleTwin = "twin"
	// RoleNewborn: a baby with at least one record under a placeholder name
	// ("CON BÀ …", "BÉ TRAI", "SƠ SINH").
	RoleNewborn = "newborn"
	// RoleFatherSon: a father or son who share the same full name.
	RoleFatherSon = "father_son"
	// RoleNamesake: shares full name, sex, birth year and province with
	// another, unrelated person.
	RoleNamesake = "namesake"
	// RoleMover: some records show an earlier address in another province.
	RoleMover = "mover"
	// RoleMother: mother of a RoleNewborn baby, whose name the baby's
	// placeholder records carry.
	RoleMother = "mother"
)

// Roles lists every role in priority order.
var Roles = []string{RoleTwin, RoleNewborn, RoleFatherSon, RoleNamesake, RoleMover, RoleMother}

// Record is one generated record with its truth.
type Record struct {
	matching.Raw
	// PersonID identifies the true person ("P0000001").
	PersonID string
	// HouseholdID identifies the person's household ("H000001").
	HouseholdID string
	// Role is the person's hard-case role, or "" (see Roles).
	Role string
}

// ErrOptions reports options that cannot be used.
var ErrOptions = errors.New("synth: invalid options")

// withDefaults validates o and fills in defaults.
func (o Options) withDefaults() (Options, error) {
	if o.Persons < 1 || o.Persons > 10_000_000 {
		return o, fmt.Errorf("%w: Persons must be 1..10000000", ErrOptions)
	}
	if o.Sources < 0 || o.MeanRecords < 0 || o.ErrorScale < 0 || o.TwinRate < 0 || o.NamesakeRate < 0 || o.MoverRate < 0 {
		return o, fmt.Errorf("%w: negative knob", ErrOptions)
	}
	if o.Sources == 0 {
		o.Sources = max(20, o.Persons/500)
	}
	if o.Sources < 5 {
		return o, fmt.Errorf("%w: Sources must be at least 5", ErrOptions)
	}
	if o.MeanRecords == 0 {
		o.MeanRecords = 2.5
	}
	if o.MeanRecords < 1 || o.MeanRecords > 50 {
		return o, fmt.Errorf("%w: MeanRecords must be 1..50", ErrOptions)
	}
	if o.ErrorScale == 0 {
		o.ErrorScale = 1
	}
	if o.TwinRate == 0 {
		o.TwinRate = 0.02
	}
	if o.NamesakeRate == 0 {
		o.NamesakeRate = 0.012
	}
	if o.MoverRate == 0 {
		o.MoverRate = 0.07
	}
	if o.TwinRate > 0.5 || o.NamesakeRate > 0.5 || o.MoverRate > 1 || o.ErrorScale > 20 {
		return o, fmt.Errorf("%w: rate out of range", ErrOptions)
	}
	return o, nil
}
