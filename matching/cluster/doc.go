// Package cluster turns scored record pairs into groups of records that
// describe one person, without the transitive chaining that makes naive
// linkage merge whole families.
//
// Connected components over match edges chain: if A matches B and B
// matches C, A and C end up together even when A and C are a father and son
// whose only link is a record missing its birth date. Build therefore
// merges greedily, strongest edge first, and checks every merge against all
// record pairs it would join:
//
//   - no pair may fire a guard rail (two valid, different citizen IDs; a
//     newborn placeholder; twins; two generations; siblings) — so no cluster
//     ever holds two different valid citizen IDs;
//   - no pair may hold two different social insurance (BHXH) numbers, or
//     two different Vietnamese citizen IDs of one kind (beyond a one-digit
//     typo; opaque IDs such as passports are weight evidence only);
//   - no pair may carry strong evidence against a match: a pair whose field
//     weights sum below −ConflictBits (the records disagree, as opposed to
//     merely sharing little) vetoes the merge;
//   - the merged group may not exceed MaxSize records.
//
// A merge that is refused is reported as Held with its reason, for a data
// steward. Compatible is the same check for the online path: may a record
// join a person's group? One function decides for the bulk and the online
// path.
//
// Example: records r1 (Đỗ Văn Minh, 1960, phone P), r2 (Đỗ Văn Minh, no
// birth date, phone P) and r3 (Đỗ Văn Minh, 1988, phone P). r1–r2 and r2–r3
// both score as matches; components would merge all three. Build merges
// r1–r2 (the stronger edge) and then refuses r3, because r1–r3 fires the
// different_generation guard rail: the edge r2–r3 is held for review.
package cluster
