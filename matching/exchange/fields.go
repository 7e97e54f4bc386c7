package exchange

import "github.com/vnhealth/mpi/matching"

// field identifies one matching.Raw field by its exchange-format column.
type field uint8

const (
	fieldNone field = iota // an unknown column, ignored
	fieldSource
	fieldLocalID
	fieldFullName
	fieldFamilyName
	fieldMiddleName
	fieldGivenName
	fieldGender
	fieldBirthDate
	fieldCitizenID
	fieldInsuranceNo
	fieldPhone
	fieldProvince
	fieldWard
	fieldAddress
	fieldRecordedAt
)

// fieldNames maps each column name, lower case, to its field.
var fieldNames = map[string]field{
	"source":       fieldSource,
	"local_id":     fieldLocalID,
	"full_name":    fieldFullName,
	"family_name":  fieldFamilyName,
	"middle_name":  fieldMiddleName,
	"given_name":   fieldGivenName,
	"gender":       fieldGender,
	"birth_date":   fieldBirthDate,
	"citizen_id":   fieldCitizenID,
	"insurance_no": fieldInsuranceNo,
	"phone":        fieldPhone,
	"province":     fieldProvince,
	"ward":         fieldWard,
	"address":      fieldAddress,
	"recorded_at":  fieldRecordedAt,
}

// set stores v in the field f of r.
func (f field) set(r *matching.Raw, v string) {
	switch f {
	case fieldSource:
		r.Source = v
	case fieldLocalID:
		r.LocalID = v
	case fieldFullName:
		r.FullName = v
	case fieldFamilyName:
		r.FamilyName = v
	case fieldMiddleName:
		r.MiddleName = v
	case fieldGivenName:
		r.GivenName = v
	case fieldGender:
		r.Gender = v
	case fieldBirthDate:
		r.BirthDate = v
	case fieldCitizenID:
		r.CitizenID = v
	case fieldInsuranceNo:
		r.InsuranceNo = v
	case fieldPhone:
		r.Phone = v
	case fieldProvince:
		r.Province = v
	case fieldWard:
		r.Ward = v
	case fieldAddress:
		r.Address = v
	case fieldRecordedAt:
		r.RecordedAt = v
	}
}

// isBlank reports whether s holds nothing but ASCII white space.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// checkKeys returns a LineError when the record lacks a source or a local ID.
func checkKeys(r *matching.Raw, line int) error {
	if isBlank(r.Source) {
		return &LineError{Line: line, Field: "source", Problem: "missing value"}
	}
	if isBlank(r.LocalID) {
		return &LineError{Line: line, Field: "local_id", Problem: "missing value"}
	}
	return nil
}
