package exchange

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"github.com/vnhealth/mpi/matching"
)

// Format is the layout of a record stream.
type Format int

// The formats a Reader understands.
const (
	// FormatAuto detects the format from the first byte that is not white
	// space (after an optional UTF-8 byte order mark): '{' means NDJSON,
	// anything else CSV.
	FormatAuto Format = iota
	// FormatCSV is comma-separated values with a header line.
	FormatCSV
	// FormatNDJSON is one JSON object per line, keyed like the CSV header.
	FormatNDJSON
)

// ReaderOptions configures a Reader. The zero value detects the format.
type ReaderOptions struct {
	// Format forces the input format; FormatAuto detects it.
	Format Format
}

// maxLineBytes bounds one NDJSON line; a longer line is a LineError.
const maxLineBytes = 1 << 20

// Reader reads matching.Raw records from CSV or NDJSON in the record
// exchange format. A Reader is not safe for concurrent use.
type Reader struct {
	src source
}

// source is one input format.
type source interface {
	next() (matching.Raw, int, error)
}

// eofSource is the source of an input that holds no bytes but white space.
type eofSource struct{}

func (eofSource) next() (matching.Raw, int, error) { return matching.Raw{}, 0, io.EOF }

// NewReader returns a Reader of r. For CSV it reads the header at once and
// returns an error wrapping ErrHeader when the header lacks source or
// local_id, names no name column (full_name, family_name or given_name) or
// names a column twice. An input that is empty or only white space is not
// an error: its Reader returns io.EOF at once.
func NewReader(r io.Reader, opts ReaderOptions) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\uFEFF")) {
		_, _ = br.Discard(3)
	}
	lines, first, err := skipSpace(br)
	if err == io.EOF {
		return &Reader{src: eofSource{}}, nil
	}
	if err != nil {
		return nil, err
	}
	format := opts.Format
	if format == FormatAuto {
		format = FormatCSV
		if first == '{' {
			format = FormatNDJSON
		}
	}
	switch format {
	case FormatNDJSON:
		return &Reader{src: newNDJSON(br, lines)}, nil
	case FormatCSV:
		src, err := newCSV(br, lines)
		if err != nil {
			return nil, err
		}
		return &Reader{src: src}, nil
	}
	return nil, errors.New("exchange: unknown format")
}

// skipSpace consumes leading white space and returns the number of line
// feeds it consumed and the first other byte, which stays unread.
func skipSpace(br *bufio.Reader) (lines int, first byte, err error) {
	for {
		c, err := br.ReadByte()
		if err != nil {
			return lines, 0, err
		}
		switch c {
		case '\n':
			lines++
		case ' ', '\t', '\r':
		default:
			return lines, c, br.UnreadByte()
		}
	}
}

// Next returns the next record and its 1-based line number (for CSV the
// physical line where the record starts; for NDJSON its line). At the end
// of the input it returns io.EOF. A record that cannot be read gives a
// *LineError, after which Next continues with the following line; any other
// error comes from the underlying io.Reader.
func (r *Reader) Next() (matching.Raw, int, error) {
	return r.src.next()
}
