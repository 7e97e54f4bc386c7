// Package vnname normalizes Vietnamese personal names for record linkage.
//
// The Fellegi–Sunter matcher compares names with Jaro-Winkler on folded text
// and weighs agreement by term frequencies of family and given names, so a
// name must reach it in one canonical shape whatever the source did to it.
// Parse gets it there in five steps:
//
//  1. Repair undoes encoding damage. Legacy 8-bit fonts read as Latin-1 leave
//     TCVN3 ("NguyÔn V¨n") or VNI-Windows ("Nguyeãn Vaên") mojibake; typing
//     with the Vietnamese IME switched off leaves Telex ("Nguyeenx Vawn") or
//     VNI-key ("Nguye64n Va8n") residue. A word is rewritten only when the
//     result is a valid Vietnamese syllable (onset + rhyme + tone rules) and
//     the word is not one already, and only when the whole name shows evidence
//     of that encoding; "Hoa", "Ngoc" and "Ross" stay as they are.
//  2. Fold strips what spelling variants differ in: NFC/NFD, combining marks
//     (so hòa/hoà and Quý/Qúy agree), đ and its look-alike ð, case,
//     punctuation, stray spaces. The result is [a-z0-9 ] only.
//  3. A newborn placeholder ("CON BÀ", "CB", "BÉ TRAI", "SƠ SINH", "SS", "BABY")
//     is stripped and reported with FlagPlaceholder: such a record belongs to
//     the baby and must never be linked to the mother whose name follows.
//  4. Canonical maps regional variants to one class: huynh → hoang, vo → vu,
//     and a final y after a consonant to i (vy → vi, ly → li).
//  5. The words are split into family, middle and given names: standard order
//     family + middle + given, compound family names (Tôn Thất, Âu Dương) as
//     one part, and given-name-first order ("An Nguyen Van") detected from
//     the position of a known family name (IsFamilyName).
//
// Worked example:
//
//	Parse("CON BA NguyÔn ThÞ Huúnh Vy")
//	  Repair   → "CON BA Nguyễn Thị Huỳnh Vy"   (TCVN3)
//	  Fold     → "con ba nguyen thi huynh vy"
//	  strip    → "nguyen thi huynh vy"          (FlagPlaceholder)
//	  Canonical→ "nguyen thi hoang vi"
//	  split    → Name{Family: "nguyen", Middle: "thi hoang", Given: "vi"}
//
// Everything here is pure: no I/O, no logging, no package-level mutable
// state (only read-only tables), safe for concurrent use. Parse is
// idempotent on its own output: Parse(n.Full()) returns n.
package vnname
