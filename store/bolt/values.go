package bolt

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

// The encodings of the stored values, one pair of functions per type.
// Times are stored as store.StoredTime: callers pass them through it.

// rawFields lists Raw's fields in their stored order. A field added to
// Raw goes at the end: older values then decode with it empty.
func rawFields(r *matching.Raw) []*string {
	return []*string{
		&r.Source, &r.LocalID, &r.FullName, &r.FamilyName, &r.MiddleName, &r.GivenName, &r.Gender,
		&r.BirthDate, &r.CitizenID, &r.InsuranceNo, &r.Phone, &r.Province, &r.Ward, &r.Address, &r.RecordedAt,
	}
}

// A record's value starts with what the block index needs (recordHead):
// its ordinal, status and keys; then the version, hash, time received and
// Raw.
func encodeRecord(r *store.Record, ord uint32) []byte {
	e := enc{b: make([]byte, 0, 64+8*len(r.Keys)+16*15)}
	e.uvarint(uint64(ord))
	e.byte(uint8(r.Status))
	e.uvarint(uint64(len(r.Keys)))
	for _, k := range r.Keys {
		e.u64(k)
	}
	e.varint(int64(r.Version))
	e.str(r.Hash)
	e.time(r.Received)
	for _, f := range rawFields(&r.Raw) {
		e.str(*f)
	}
	return e.b
}

// recordHead is the start of a record's value.
type recordHead struct {
	ord    uint32
	status store.RecordStatus
	keys   []byte // the blocking-key hashes, 8 bytes each (aliases the value)
	rest   dec
}

func decodeRecordHead(v []byte) (recordHead, error) {
	d := dec{b: v}
	var h recordHead
	ord := d.uvarint()
	if ord > 1<<32-1 {
		d.fail()
	}
	h.ord = uint32(ord)
	h.status = store.RecordStatus(d.byte())
	if n := d.count(8); !d.bad {
		h.keys = d.b[:8*n]
		d.b = d.b[8*n:]
	}
	if d.bad {
		return h, fmt.Errorf("%w: record head", errCorrupt)
	}
	h.rest = d
	return h, nil
}

func decodeRecord(k store.RecordKey, v []byte) (store.Record, error) {
	h, err := decodeRecordHead(v)
	if err != nil {
		return store.Record{}, fmt.Errorf("%w: record %s", errCorrupt, k)
	}
	r := store.Record{Key: k, Status: h.status}
	if n := len(h.keys) / 8; n > 0 {
		r.Keys = make([]uint64, n)
		for i := range r.Keys {
			r.Keys[i] = binary.BigEndian.Uint64(h.keys[8*i:])
		}
	}
	// The hash and the fields of Raw share one allocation: a store
	// returns some hundred records per resolve or search.
	d := h.rest
	r.Version = int32(d.varint())
	all, base := string(d.b), len(d.b)
	str := func() string {
		v := d.span()
		off := base - len(d.b) - len(v)
		return all[off : off+len(v)]
	}
	r.Hash = str()
	r.Received = d.time()
	for _, f := range rawFields(&r.Raw) {
		if !d.more() {
			break
		}
		*f = str()
	}
	return r, d.err("record " + k.String())
}

// goldenFields lists Golden's fields in their stored order.
func goldenFields(g *store.Golden) []*store.GoldenField {
	return []*store.GoldenField{&g.Name, &g.Sex, &g.BirthDate, &g.CitizenID, &g.InsuranceNo, &g.Phone, &g.Province, &g.Ward, &g.Address}
}

func encodePerson(p *store.Person) []byte {
	e := enc{b: make([]byte, 0, 256)}
	e.byte(uint8(p.Status))
	e.str(string(p.MergedInto))
	e.varint(p.Version)
	e.time(p.Created)
	e.time(p.Updated)
	for _, f := range goldenFields(&p.Golden) {
		e.str(f.Value)
		e.str(f.From.Source)
		e.str(f.From.LocalID)
	}
	return e.b
}

func decodePerson(eid store.EID, v []byte) (store.Person, error) {
	d := dec{b: v}
	p := store.Person{EID: eid}
	p.Status = store.PersonStatus(d.byte())
	p.MergedInto = store.EID(d.str())
	p.Version = d.varint()
	p.Created = d.time()
	p.Updated = d.time()
	for _, f := range goldenFields(&p.Golden) {
		if !d.more() {
			break
		}
		f.Value = d.str()
		f.From.Source = d.str()
		f.From.LocalID = d.str()
	}
	return p, d.err("person " + string(eid))
}

// decodePersonHead decodes what precedes the times and the golden record.
func decodePersonHead(eid store.EID, v []byte) (store.PersonHead, error) {
	d := dec{b: v}
	h := store.PersonHead{EID: eid}
	h.Status = store.PersonStatus(d.byte())
	h.MergedInto = store.EID(d.str())
	h.Version = d.varint()
	if d.bad {
		return store.PersonHead{}, fmt.Errorf("%w: person %s", errCorrupt, eid)
	}
	return h, nil
}

func encodeLink(l *store.Link) []byte {
	e := enc{b: make([]byte, 0, 64+len(l.Actor)+len(l.Reason))}
	e.str(string(l.EID))
	e.byte(uint8(l.Kind))
	e.f64(l.Weight)
	e.f64(l.Probability)
	e.str(l.Actor)
	e.str(l.Reason)
	e.time(l.At)
	return e.b
}

func decodeLink(k store.RecordKey, v []byte) (store.Link, error) {
	d := dec{b: v}
	l := store.Link{Record: k}
	l.EID = store.EID(d.str())
	l.Kind = store.LinkKind(d.byte())
	l.Weight = d.f64()
	l.Probability = d.f64()
	l.Actor = d.str()
	l.Reason = d.str()
	l.At = d.time()
	return l, d.err("link of " + k.String())
}

func encodeConstraint(c *store.Constraint) []byte {
	e := enc{}
	e.byte(uint8(c.Kind))
	e.str(c.Actor)
	e.str(c.Reason)
	e.time(c.At)
	return e.b
}

func decodeConstraint(k store.RecordKey, eid store.EID, v []byte) (store.Constraint, error) {
	d := dec{b: v}
	c := store.Constraint{Record: k, EID: eid}
	c.Kind = store.ConstraintKind(d.byte())
	c.Actor = d.str()
	c.Reason = d.str()
	c.At = d.time()
	return c, d.err("constraint of " + k.String())
}

func encodeTask(t *store.Task) []byte {
	e := enc{b: make([]byte, 0, 128)}
	e.byte(uint8(t.Kind))
	e.byte(uint8(t.Status))
	e.str(t.Record.Source)
	e.str(t.Record.LocalID)
	e.time(t.Created)
	e.str(t.Assignee)
	e.str(t.Outcome)
	e.str(t.Resolver)
	e.str(t.Reason)
	e.time(t.Resolved)
	e.uvarint(uint64(len(t.Candidates)))
	for _, c := range t.Candidates {
		e.str(string(c.EID))
		e.f64(c.Probability)
		e.f64(c.Weight)
		e.bytes(c.Explanation)
	}
	return e.b
}

func decodeTask(id int64, v []byte) (store.Task, error) {
	d := dec{b: v}
	t := store.Task{ID: id}
	t.Kind = store.TaskKind(d.byte())
	t.Status = store.TaskStatus(d.byte())
	t.Record.Source = d.str()
	t.Record.LocalID = d.str()
	t.Created = d.time()
	t.Assignee = d.str()
	t.Outcome = d.str()
	t.Resolver = d.str()
	t.Reason = d.str()
	t.Resolved = d.time()
	if n := d.count(18); n > 0 {
		t.Candidates = make([]store.TaskCandidate, n)
		for i := range t.Candidates {
			c := &t.Candidates[i]
			c.EID = store.EID(d.str())
			c.Probability = d.f64()
			c.Weight = d.f64()
			c.Explanation = json.RawMessage(d.bytes())
		}
	}
	return t, d.err("task")
}

func encodeEvent(ev *store.Event) []byte {
	e := enc{b: make([]byte, 0, 64+len(ev.Data))}
	e.time(ev.At)
	e.str(string(ev.Kind))
	e.str(ev.Actor)
	e.str(ev.Reason)
	e.uvarint(uint64(len(ev.EIDs)))
	for _, id := range ev.EIDs {
		e.str(string(id))
	}
	e.str(ev.Record.Source)
	e.str(ev.Record.LocalID)
	e.varint(ev.TaskID)
	e.bytes(ev.Data)
	return e.b
}

func decodeEvent(seq int64, v []byte) (store.Event, error) {
	d := dec{b: v}
	ev := store.Event{Seq: seq}
	ev.At = d.time()
	ev.Kind = store.EventKind(d.str())
	ev.Actor = d.str()
	ev.Reason = d.str()
	if n := d.count(1); n > 0 {
		ev.EIDs = make([]store.EID, n)
		for i := range ev.EIDs {
			ev.EIDs[i] = store.EID(d.str())
		}
	}
	ev.Record.Source = d.str()
	ev.Record.LocalID = d.str()
	ev.TaskID = d.varint()
	ev.Data = json.RawMessage(d.bytes())
	return ev, d.err("event")
}

func encodeAudit(a *store.AuditEntry) []byte {
	e := enc{b: make([]byte, 0, 160)}
	e.time(a.At)
	for _, s := range []string{a.Actor, a.Role, a.Action, a.RequestID, a.Outcome} {
		e.str(s)
	}
	e.uvarint(uint64(len(a.EIDs)))
	for _, id := range a.EIDs {
		e.str(string(id))
	}
	e.uvarint(uint64(len(a.Records)))
	for _, k := range a.Records {
		e.str(k.Source)
		e.str(k.LocalID)
	}
	e.bytes(a.Prev)
	e.bytes(a.Hash)
	return e.b
}

func decodeAudit(seq int64, v []byte) (store.AuditEntry, error) {
	d := dec{b: v}
	a := store.AuditEntry{Seq: seq}
	a.At = d.time()
	for _, s := range []*string{&a.Actor, &a.Role, &a.Action, &a.RequestID, &a.Outcome} {
		*s = d.str()
	}
	if n := d.count(1); n > 0 {
		a.EIDs = make([]store.EID, n)
		for i := range a.EIDs {
			a.EIDs[i] = store.EID(d.str())
		}
	}
	if n := d.count(2); n > 0 {
		a.Records = make([]store.RecordKey, n)
		for i := range a.Records {
			a.Records[i] = store.RecordKey{Source: d.str(), LocalID: d.str()}
		}
	}
	a.Prev = d.bytes()
	a.Hash = d.bytes()
	return a, d.err("audit entry")
}
