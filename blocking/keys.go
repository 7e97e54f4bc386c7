package blocking

import (
	"strconv"

	"github.com/vnhealth/mpi/matching"
)

// Rule is one blocking rule.
type Rule uint8

// The rules, in the order Keys emits them.
const (
	RuleYearProvince Rule = iota
	RuleCitizenID
	RuleInsurance
	RulePhone
	RuleGivenYear
	RuleDateFamily
	NumRules
)

var ruleNames = [NumRules]string{"year_province", "citizen_id", "insurance", "phone", "given_year", "date_family"}

// prefixes start every key of a rule, so keys of different rules never meet.
var prefixes = [NumRules]string{"yp:", "id:", "si:", "ph:", "gy:", "df:"}

func (r Rule) String() string {
	if r < NumRules {
		return ruleNames[r]
	}
	return "rule?"
}

// RuleOf returns the rule a key belongs to.
func RuleOf(key string) (Rule, bool) {
	for r, p := range prefixes {
		if len(key) >= len(p) && key[:len(p)] == p {
			return Rule(r), true
		}
	}
	return 0, false
}

// Keys appends the record's blocking keys to dst and returns it: at most
// one key per rule, none for a rule whose inputs are missing.
func Keys(dst []string, r *matching.Record) []string {
	year := r.BirthYear()
	if year != 0 && r.Province != "" {
		dst = append(dst, prefixes[RuleYearProvince]+strconv.Itoa(year)+":"+r.Province)
	}
	if v := r.CitizenID.Value; v != "" {
		dst = append(dst, prefixes[RuleCitizenID]+v)
	}
	if v := r.SocialInsurance; v != "" {
		dst = append(dst, prefixes[RuleInsurance]+v)
	}
	if v := r.Phone; v != "" {
		dst = append(dst, prefixes[RulePhone]+v)
	}
	if g := r.Name.Given; g != "" && year != 0 {
		dst = append(dst, prefixes[RuleGivenYear]+g+":"+strconv.Itoa(year))
	}
	if b := r.Birth; b.Day != 0 && r.Name.Family != "" {
		dst = append(dst, prefixes[RuleDateFamily]+b.String()+":"+r.Name.Family[:1])
	}
	return dst
}

// Fields returns the matching fields a rule's key is built from: on pairs
// the rule produced those fields agree by construction, so a training pass
// over them must leave these fields out.
func (r Rule) Fields() []matching.Field {
	switch r {
	case RuleYearProvince:
		return []matching.Field{matching.FieldBirthDate, matching.FieldAddress}
	case RuleCitizenID:
		// The CCCD encodes birth year and sex as well.
		return []matching.Field{matching.FieldCitizenID, matching.FieldSex}
	case RuleInsurance:
		return []matching.Field{matching.FieldInsurance}
	case RulePhone:
		return []matching.Field{matching.FieldPhone}
	case RuleGivenYear:
		return []matching.Field{matching.FieldName, matching.FieldBirthDate}
	case RuleDateFamily:
		return []matching.Field{matching.FieldBirthDate, matching.FieldName}
	}
	return nil
}
