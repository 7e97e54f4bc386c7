package eval

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrInput is wrapped by every error ReadAssignments returns for a file it
// cannot use. The errors name the line and the problem, never a value.
var ErrInput = errors.New("eval: bad input")

// Key names one source record.
type Key struct{ Source, LocalID string }

// clusterColumns are the cluster columns tried, in order, when
// ReadAssignments is given no column name.
var clusterColumns = []string{"person_id", "cluster_id", "eid"}

// ReadAssignments reads a CSV file whose header holds source, local_id and
// the cluster column named by column (for example "person_id" for
// truth.csv, "cluster_id" for dedupe output, "eid" for an export). With
// column "" it takes the first of person_id, cluster_id and eid present.
// Header names are matched case-insensitively after trimming spaces; a UTF-8
// byte order mark is skipped; other columns are ignored. A record listed
// twice must name the same cluster both times. Empty values are errors.
func ReadAssignments(r io.Reader, column string) (map[Key]string, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\uFEFF")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: no header line", ErrInput)
	}
	if err != nil {
		return nil, csvError(err)
	}
	idx := map[string]int{}
	for i, name := range header {
		name = strings.ToLower(strings.TrimSpace(name))
		if _, dup := idx[name]; !dup {
			idx[name] = i
		}
	}
	column = strings.ToLower(strings.TrimSpace(column))
	if column == "" {
		for _, c := range clusterColumns {
			if _, ok := idx[c]; ok {
				column = c
				break
			}
		}
		if column == "" {
			return nil, fmt.Errorf("%w: missing cluster column (person_id, cluster_id or eid)", ErrInput)
		}
	}
	names := []string{"source", "local_id", column}
	var cols [3]int
	for i, name := range names {
		c, ok := idx[name]
		if !ok {
			return nil, fmt.Errorf("%w: missing column %s", ErrInput, name)
		}
		cols[i] = c
	}

	out := map[Key]string{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, fmt.Errorf("%w: line %d: wrong number of fields", ErrInput, line)
		}
		var vals [3]string
		for i, c := range cols {
			vals[i] = strings.TrimSpace(rec[c])
			if vals[i] == "" {
				return nil, fmt.Errorf("%w: line %d: empty %s", ErrInput, line, names[i])
			}
		}
		k := Key{Source: vals[0], LocalID: vals[1]}
		if prev, ok := out[k]; ok && prev != vals[2] {
			return nil, fmt.Errorf("%w: line %d: record listed twice with different clusters", ErrInput, line)
		}
		out[k] = vals[2]
	}
}

// csvError turns a CSV syntax error into one that names only line and problem.
func csvError(err error) error {
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		return fmt.Errorf("%w: line %d: %w", ErrInput, pe.StartLine, pe.Err)
	}
	return err
}
