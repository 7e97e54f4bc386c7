package matching

// Raw is one demographic record exactly as a source sent it, in the record
// exchange format (see README and DESIGN.md). Every field is the untouched
// string value; Normalize turns it into a Record.
//
// Either FullName or the FamilyName/MiddleName/GivenName parts are set; when
// both are present FullName wins.
type Raw struct {
	Source     string `json:"source"`
	LocalID    string `json:"local_id"`
	FullName   string `json:"full_name,omitempty"`
	FamilyName string `json:"family_name,omitempty"`
	MiddleName string `json:"middle_name,omitempty"`
	GivenName  string `json:"given_name,omitempty"`
	Gender     string `json:"gender,omitempty"`
	BirthDate  string `json:"birth_date,omitempty"`
	CitizenID  string `json:"citizen_id,omitempty"`
	// InsuranceNo is a 15-character BHYT card code or a 10-digit BHXH number.
	InsuranceNo string `json:"insurance_no,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Province    string `json:"province,omitempty"`
	Ward        string `json:"ward,omitempty"`
	Address     string `json:"address,omitempty"`
	// RecordedAt is optional: when the source recorded this version.
	RecordedAt string `json:"recorded_at,omitempty"`
}

// Columns lists the exchange-format column names in their canonical order,
// as writers write them: the name either whole (full_name) or in parts,
// with the other left empty, so that a source's own split survives.
var Columns = []string{
	"source", "local_id", "full_name", "family_name", "middle_name", "given_name",
	"gender", "birth_date", "citizen_id", "insurance_no", "phone", "province",
	"ward", "address", "recorded_at",
}
