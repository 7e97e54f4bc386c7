// Package matching decides whether two demographic records describe the same
// person. It is pure: no I/O, no logging, no clocks.
//
// The pipeline is Normalize → Compare → Score:
//
//   - Normalize turns a Raw record (as a facility sent it) into a Record:
//     names repaired from legacy encodings, folded (diacritics stripped,
//     đ→d, lower case), split into family/middle/given and mapped onto
//     regional-variant classes (Huỳnh≈Hoàng, Võ≈Vũ, final y≈i); dates that
//     know which parts are known; citizen IDs checked and repaired; BHYT codes
//     reduced to the lifelong 10-digit BHXH number; phones converted to
//     today's numbering; provinces mapped onto the 34 post-2025 units.
//     A value it cannot understand is left out and reported as an Issue
//     naming the field and the problem — never the value.
//
//   - Compare puts each field of a pair into a comparison level (a Vector).
//
//   - Model.Score turns the vector into a Fellegi–Sunter match weight:
//
//     weight = log2(λ/(1−λ)) + Σ_fields log2(m_level/u_level) + TF adjustments
//
//     where m = P(level | same person), u = P(level | different persons) and
//     λ is the prior probability that a random pair matches. A missing value
//     weighs 0. The probability is 2^w/(1+2^w), and two thresholds turn it
//     into a Decision: match, review or non-match.
//
// Term frequencies. An agreeing name is worth more when the name is rare:
// for an exact agreement on a family or given name with frequency tf, the
// adjustment log2(ū/tf) is added, where ū = Σ p² is the chance that two
// random records agree on that part. Agreeing on "nguyen" (p≈0.35, ū≈0.14)
// adds log2(0.14/0.35) ≈ −1.3 bits; agreeing on a given name seen once in
// ten thousand adds up to +6 bits (the adjustment is bounded).
//
// Guard rails. Some pairs must never link automatically, whatever their
// weight: two valid, different citizen IDs; a newborn placeholder ("CON BÀ
// …") and any record that is not one; and twins (same birth date, same
// family name, different given names, shared phone or address). A pair that
// a guard rail stops goes to review at most, and the rule is named in the
// Score and the Explanation.
//
// Worked example, with the embedded default model. A hospital sends
// "NGUYỄN VĂN AN", 07/05/1990, CCCD 079090001234, phone 0912 345 678, TP.HCM;
// a clinic sends "Nguyen An", 1990-05-07, phone +84912345678, province 79.
// Names fold to "nguyen van an" and "nguyen an": family and given agree with
// the middle name missing (level family_given, plus the given-name TF
// adjustment for "an"); birth dates agree exactly; phones agree; the clinic
// has no citizen ID, so that field weighs 0; both are in province 79. The
// sum is well above the auto-link threshold, and Explain lists each part.
//
// Parameters come from data: Train estimates u from random pairs, m and λ
// by EM (EstimateM) on blocked pairs, and term frequencies by counting
// (CountTF). The default model embedded in the binary was made this way
// from synthetic data (see the README).
package matching
