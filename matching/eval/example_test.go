package eval_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/vnhealth/mpi/matching/eval"
)

func ExamplePairwise() {
	truth, _ := eval.ReadAssignments(strings.NewReader(
		"source,local_id,person_id\nbv1,1,P1\nbv1,2,P1\nbv2,7,P1\nbv1,3,P2\nbv2,8,P2\n"), "")
	pred, _ := eval.ReadAssignments(strings.NewReader(
		"source,local_id,cluster_id\nbv1,1,A\nbv1,2,A\nbv2,7,B\nbv1,3,B\nbv2,8,B\n"), "")
	m := eval.Pairwise(truth, pred)
	fmt.Printf("precision %.2f recall %.2f F1 %.2f\n", m.Precision, m.Recall, m.F1)
	_ = m.WriteText(os.Stdout)
	// Output:
	// precision 0.50 recall 0.50 F1 0.50
	// records compared              5
	// missing from prediction       0
	// extra in prediction           0
	// true pairs                    4
	// predicted pairs               4
	// true positives                2
	// false positives               2
	// false negatives               2
	// precision                0.5000
	// recall                   0.5000
	// F1                       0.5000
	// false merges                  1
	// splits                        1
}
