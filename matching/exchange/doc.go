// Package exchange reads and writes demographic records in the record
// exchange format: CSV with a header, or NDJSON with the same keys.
//
// The columns are source, local_id, full_name, gender, birth_date,
// citizen_id, insurance_no, phone, province, ward and address
// (matching.Columns); family_name, middle_name and given_name may stand in
// for full_name, recorded_at is optional and other columns are ignored.
// Values are kept exactly as sent, in a matching.Raw; cleaning them is the
// job of matching.Normalize.
//
// NewReader skips a UTF-8 byte order mark and leading white space, then
// looks at the first byte: '{' means NDJSON, anything else CSV (or the
// format is forced by ReaderOptions). A CSV header is matched
// case-insensitively after trimming, and must name source, local_id and a
// name column. CRLF line ends and quoted fields spanning lines are read as
// in RFC 4180. In NDJSON a value may be a string, an integer or null:
// systems that store citizen IDs and phones as numbers write them as JSON
// integers, and the reader keeps their digits exactly as written (a float
// such as 1.0e10 is rejected for that field rather than rounded).
//
// Bad input is reported record by record. A row with the wrong number of
// fields, a stray quote, malformed JSON, a value of the wrong type or a
// missing source or local_id gives a *LineError naming the line, the field
// and the problem — never the value — and the next call to Next goes on
// with the next line, so one bad row does not stop an import of millions.
//
// Worked example: the input
//
//	\uFEFFSource,Local_ID,family_name,given_name\r\n
//	bv1,42,Nguyễn,An\r\n
//	bv1,,Trần,Bình\r\n
//
// is CSV (first byte 'S' after the BOM). Next returns
// Raw{Source: "bv1", LocalID: "42", FamilyName: "Nguyễn", GivenName: "An"}
// with line 2, then a *LineError "line 3: field local_id: missing value",
// then io.EOF. Written back with a Writer, the first record becomes the
// canonical row "bv1,42,Nguyễn An,,,,,,,,".
package exchange
