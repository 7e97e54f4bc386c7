// Package eval measures a clustering of records against the truth, pairwise.
//
// A clustering assigns every record, named by its Key (source and local ID),
// to a cluster: the truth to a person ("person_id" in truth.csv), a
// deduplication run to a "cluster_id", the MPI to an "eid". Pairwise
// evaluation asks, for every pair of records, whether the truth puts them
// together and whether the prediction does:
//
//	precision = true positives / predicted pairs   (of the pairs we merged, how many are right)
//	recall    = true positives / true pairs        (of the pairs we should merge, how many we did)
//	F1        = 2·precision·recall / (precision + recall)
//
// Pairs are never enumerated. The records both maps contain are counted in a
// contingency table: n[t][p] records of true person t in predicted cluster p.
// Then true pairs = Σ_t C(n_t, 2), predicted pairs = Σ_p C(n_p, 2) and true
// positives = Σ_{t,p} C(n[t][p], 2), so ten million records take seconds.
//
// Worked example: truth {a,b,c} {d,e}, prediction {a,b} {c,d,e}.
// True pairs C(3,2)+C(2,2) = 4; predicted pairs C(2,2)+C(3,2) = 4; the
// table cells are (t1,p1)=2, (t1,p2)=1, (t2,p2)=2, so true positives =
// 1+0+1 = 2, false positives 2, false negatives 2, precision = recall =
// F1 = 0.5. Cluster p2 holds records of two people: one false merge.
// Person t1 lies in two clusters: one split.
//
// Conventions for empty cases: with no predicted pairs precision is 1 (no
// merge was wrong); with no true pairs recall is 1 (nothing was missed); F1
// is 0 only when both precision and recall are 0. Records in only one of the
// two maps are left out of the pairs and counted as Missing (in the truth,
// not predicted) or Extra (predicted, not in the truth).
package eval
