package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vnhealth/mpi/blocking"
	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/cluster"
	"github.com/vnhealth/mpi/store"
)

// Decisions reported in Result.Decision.
const (
	// DecisionLinked: linked to an existing person (automatically, by a
	// steward's must-link constraint, or kept in its person after a change).
	DecisionLinked = "linked"
	// DecisionNew: no person matched; a new person was created.
	DecisionNew = "new"
	// DecisionReview: a new person was created and a possible-match task
	// raised for the persons that scored in the review band.
	DecisionReview = "review"
	// DecisionDuplicate: the record matched several persons strongly; it
	// linked to none of them — a new person was created and a
	// possible-duplicate task raised listing them.
	DecisionDuplicate = "duplicate"
	// DecisionUnchanged: the same record with the same content was sent
	// before; nothing was written.
	DecisionUnchanged = "unchanged"
	// DecisionRetracted: the record is retracted.
	DecisionRetracted = "retracted"
)

// Result is the outcome of resolving or retracting one record. It carries
// identifiers and scores, never another record's demographics.
type Result struct {
	Key store.RecordKey
	// EID is the person the record is linked to (for a retraction: was
	// linked to), merge redirects followed.
	EID      store.EID
	Decision string
	// Probability and Weight score the best pair: with the person linked
	// to, or — for new, review and duplicate — with the closest candidate.
	Probability float64
	Weight      float64
	// Explanation explains that pair; nil when no pair was scored.
	Explanation *matching.Explanation
	// TaskID is the review task raised (0: none).
	TaskID int64
	// Version is the record's current version.
	Version int32
	// Candidates counts the record pairs scored.
	Candidates int
	// Capped counts the record's blocking keys whose blocks were not read:
	// oversized blocks (Options.PerKey); when a record of the blocks of its
	// citizen ID or insurance number already scored a match, every other;
	// else, when a record of its selective blocks (at most 32 records)
	// did, the larger ones (see Service.candidates).
	Capped int
	// Issues lists the values normalization left out (field and problem).
	Issues []matching.Issue
}

// Input limits, in bytes.
const (
	maxSourceLen  = 64
	maxLocalIDLen = 128
	maxFieldLen   = 1024
	// maxTaskCandidates bounds the persons listed in one review task.
	maxTaskCandidates = 10
)

// input is a record prepared outside the transaction.
type input struct {
	raw  matching.Raw
	key  store.RecordKey
	hash string
	norm *matching.Record
	keys []uint64
	// idKeys are those of keys by a personal identifier (citizen ID,
	// insurance number): candidates reads their blocks first.
	idKeys []uint64
	// model is the model the operation scores with, taken once when it
	// starts (Service.SetModel may swap the Service's meanwhile).
	model *matching.Model
	// memo holds the record's scores against stored record versions,
	// computed before the write transaction (prescore): a score depends
	// only on the two records' contents, so the transaction takes it from
	// here for every candidate it finds unchanged and scores the rest.
	memo map[normKey]matching.Score
}

// prepare validates raw (errors name prefix+field), normalizes it, hashes
// its content and computes its blocking keys.
func (s *Service) prepare(raw matching.Raw, prefix string) (*input, error) {
	raw.Source = strings.TrimSpace(raw.Source)
	raw.LocalID = strings.TrimSpace(raw.LocalID)
	if err := checkKeyPart(prefix+"source", raw.Source, maxSourceLen); err != nil {
		return nil, err
	}
	if err := checkKeyPart(prefix+"local_id", raw.LocalID, maxLocalIDLen); err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, v string }{
		{"full_name", raw.FullName}, {"family_name", raw.FamilyName}, {"middle_name", raw.MiddleName},
		{"given_name", raw.GivenName}, {"gender", raw.Gender}, {"birth_date", raw.BirthDate},
		{"citizen_id", raw.CitizenID}, {"insurance_no", raw.InsuranceNo}, {"phone", raw.Phone},
		{"province", raw.Province}, {"ward", raw.Ward}, {"address", raw.Address}, {"recorded_at", raw.RecordedAt},
	} {
		if len(f.v) > maxFieldLen {
			return nil, invalid(prefix+f.name, fmt.Sprintf("longer than %d bytes", maxFieldLen))
		}
		if !utf8.ValidString(f.v) || strings.ContainsRune(f.v, 0) {
			return nil, invalid(prefix+f.name, "not valid UTF-8 text")
		}
	}
	m := matching.Normalize(&raw)
	keys, idKeys := blocking.KeyHashesAndIDs(nil, nil, &m)
	return &input{
		raw:    raw,
		key:    store.RecordKey{Source: raw.Source, LocalID: raw.LocalID},
		hash:   ContentHash(raw),
		norm:   &m,
		keys:   keys,
		idKeys: idKeys,
		model:  s.model.Load(),
	}, nil
}

func checkKeyPart(field, v string, maxLen int) error {
	switch {
	case v == "":
		return invalid(field, "required")
	case len(v) > maxLen:
		return invalid(field, fmt.Sprintf("longer than %d bytes", maxLen))
	case !utf8.ValidString(v):
		return invalid(field, "not valid UTF-8 text")
	case strings.ContainsFunc(v, unicode.IsControl):
		return invalid(field, "contains control characters")
	}
	return nil
}

// ContentHash identifies a record's content: the hex SHA-256 of the JSON
// encoding of raw (fields in declaration order, empty ones omitted) with
// RecordedAt left out — a record sent again with only a new recording
// time is the same record.
func ContentHash(raw matching.Raw) string {
	raw.RecordedAt = ""
	b, err := json.Marshal(raw)
	if err != nil {
		// A struct of strings always encodes.
		panic("api: encoding a record: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Resolve links one source record to a person: it stores the record (a
// new version when its content changed), decides which person it belongs
// to and writes the record, link, person, task and events in one
// transaction. Re-sending the same content is idempotent ("unchanged",
// nothing written). See doc.go for the decision rules.
func (s *Service) Resolve(ctx context.Context, actor Actor, raw matching.Raw) (Result, error) {
	if err := checkActor(actor); err != nil {
		return Result{}, err
	}
	in, err := s.prepare(raw, "")
	if err != nil {
		_ = s.audit(ctx, actor, "resolve", nil, nil, Outcome(err))
		return Result{}, err
	}
	res, done, err := s.fastPath(ctx, in)
	audited := false
	if err == nil && !done {
		err = s.update(ctx, func(tx store.Tx) error {
			var err error
			if res, err = s.resolveTx(ctx, tx, actor, in); err != nil {
				return err
			}
			audited, err = s.auditInTx(ctx, tx, actor, "resolve", []store.EID{res.EID}, []store.RecordKey{in.key})
			return err
		})
	}
	if audited && err == nil {
		return res, nil
	}
	if aerr := s.audit(ctx, actor, "resolve", []store.EID{res.EID}, []store.RecordKey{in.key}, Outcome(err)); err == nil && aerr != nil {
		return res, fmt.Errorf("record %s: resolved, but the audit log failed: %w", in.key, aerr)
	}
	if err != nil {
		return Result{}, fmt.Errorf("record %s: %w", in.key, err)
	}
	return res, nil
}

// ResolveBatch resolves records in order in ONE transaction, each seeing
// the ones before it (a batch may hold several versions of one record).
// Every record is validated first: an invalid one fails the call with a
// FieldError naming its index ("records[3].local_id") and nothing is
// written. Records already stored with the same content are answered
// "unchanged" from a read-only snapshot when their key appears once in the
// batch. The audit log gets one entry for the batch.
func (s *Service) ResolveBatch(ctx context.Context, actor Actor, raws []matching.Raw) ([]Result, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	ins := make([]*input, len(raws))
	for i := range raws {
		in, err := s.prepare(raws[i], fmt.Sprintf("records[%d].", i))
		if err != nil {
			_ = s.audit(ctx, actor, "resolve_batch", nil, nil, Outcome(err))
			return nil, err
		}
		ins[i] = in
	}
	for _, in := range ins {
		in.model = ins[0].model // one model for the whole batch
	}
	seen := make(map[store.RecordKey]int, len(ins))
	for _, in := range ins {
		seen[in.key]++
	}
	results := make([]Result, len(ins))
	done := make([]bool, len(ins))
	err := s.store.View(ctx, func(tx store.Tx) error {
		for i, in := range ins {
			if seen[in.key] > 1 {
				continue
			}
			r, ok, err := s.unchanged(ctx, tx, in)
			if err != nil {
				return fmt.Errorf("records[%d] (%s): %w", i, in.key, err)
			}
			results[i], done[i] = r, ok
		}
		return nil
	})
	if err == nil && slices.Contains(done, false) {
		err = s.update(ctx, func(tx store.Tx) error {
			for i, in := range ins {
				if done[i] {
					continue
				}
				r, err := s.resolveTx(ctx, tx, actor, in)
				if err != nil {
					return fmt.Errorf("records[%d] (%s): %w", i, in.key, err)
				}
				results[i] = r
			}
			return nil
		})
	}
	eids := make([]store.EID, 0, len(ins))
	keys := make([]store.RecordKey, len(ins))
	for i, in := range ins {
		keys[i] = in.key
		if results[i].EID != "" && !slices.Contains(eids, results[i].EID) {
			eids = append(eids, results[i].EID)
		}
	}
	if aerr := s.audit(ctx, actor, "resolve_batch", eids, keys, Outcome(err)); err == nil && aerr != nil {
		return results, fmt.Errorf("batch resolved, but the audit log failed: %w", aerr)
	}
	if err != nil {
		return nil, err
	}
	return results, nil
}

// fastPath answers a re-sent record from a read-only snapshot; for any
// other record, on a store with one writer at a time (store.OneWriter), it
// scores in that snapshot the candidates the write transaction will most
// likely find (prescore). Where writers run concurrently (PostgreSQL)
// prescoring only added reads: 3,000 resolves on 16 workers on 121,000
// stored records ran at 190/s with it, 240/s without.
func (s *Service) fastPath(ctx context.Context, in *input) (res Result, done bool, err error) {
	_, oneWriter := s.store.(store.OneWriter)
	err = s.store.View(ctx, func(tx store.Tx) error {
		st, err := s.lookupStored(ctx, tx, in.key)
		if err != nil {
			return err
		}
		if res, done = st.unchanged(in); done || !oneWriter {
			return nil
		}
		return s.prescore(ctx, tx, in, st.person)
	})
	return res, done, err
}

// prescore fills in in.memo from a read-only snapshot: the record's
// scores against its candidate records and against every record of the
// persons they (or current) may bring in — what scorePersons will score.
// It runs outside the write transaction, where stores that have one
// writer at a time (bolt) serialize everything, so the writer only reads
// the candidates again and scores those that changed meanwhile.
func (s *Service) prescore(ctx context.Context, tx store.Tx, in *input, current store.EID) error {
	memo := make(map[normKey]matching.Score)
	score := func(r *store.Record) matching.Score {
		k := cacheKey(r.Key, r.Version, r.Hash)
		sc, ok := memo[k]
		if !ok {
			sc = in.model.Score(in.norm, s.normalized(r))
			memo[k] = sc
		}
		return sc
	}
	cset, err := s.candidates(ctx, tx, in, nil, score, true)
	if err != nil {
		return err
	}
	want := make(map[store.EID]bool)
	if current != "" {
		want[current] = true
	}
	for i := range cset.Candidates {
		c := &cset.Candidates[i]
		if c.Record.Key == in.key {
			continue
		}
		if c.EID != "" && score(&c.Record).Decision >= matching.Review {
			want[c.EID] = true
		}
	}
	if len(want) > 0 {
		members, err := tx.PersonRecords(ctx, slices.Sorted(maps.Keys(want)))
		if err != nil {
			return err
		}
		for i := range members {
			r := &members[i].Record
			if r.Key != in.key {
				score(r)
			}
		}
	}
	in.memo = memo
	return nil
}

// score returns the record's score against stored record r (normalized
// on demand by norm), from in.memo when prescore computed it.
func (s *Service) score(in *input, r *store.Record, norm func() *matching.Record) matching.Score {
	if sc, ok := in.memo[cacheKey(r.Key, r.Version, r.Hash)]; ok {
		return sc
	}
	return in.model.Score(in.norm, norm())
}

// stored is what the store holds for a record key.
type stored struct {
	rec    store.Record
	exists bool
	link   store.Link
	linked bool
	// person is the live person the record is linked to (redirects
	// followed); "" when it is not linked.
	person store.EID
}

// lookupStored reads the record's current version, its link and its person.
func (s *Service) lookupStored(ctx context.Context, tx store.Tx, k store.RecordKey) (stored, error) {
	var st stored
	var err error
	st.rec, err = tx.Record(ctx, k)
	if errors.Is(err, store.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.exists = true
	st.link, err = tx.Link(ctx, k)
	if errors.Is(err, store.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	p, err := s.follow(ctx, tx, st.link.EID)
	if err != nil {
		return st, err
	}
	st.linked, st.person = true, p.EID
	return st, nil
}

// unchanged reports whether the record is stored, active, linked and with
// the same content hash as in — a re-send — and if so its Result.
func (st *stored) unchanged(in *input) (Result, bool) {
	if !st.exists || !st.linked || st.rec.Status != store.RecordActive || st.rec.Hash != in.hash {
		return Result{}, false
	}
	return Result{
		Key: in.key, EID: st.person, Decision: DecisionUnchanged, Version: st.rec.Version,
		Probability: st.link.Probability, Weight: st.link.Weight, Issues: in.norm.Issues,
	}, true
}

// unchanged looks the record up and reports whether in is a re-send.
func (s *Service) unchanged(ctx context.Context, tx store.Tx, in *input) (Result, bool, error) {
	st, err := s.lookupStored(ctx, tx, in.key)
	if err != nil {
		return Result{}, false, err
	}
	r, ok := st.unchanged(in)
	return r, ok, nil
}

// conflictRetries is how many more times update runs a transaction that
// still conflicted after the store's own retries.
const conflictRetries = 8

// update runs fn in store.Update, running it again (after a short random
// pause) when it conflicts with concurrent writers: store.ErrConflict.
func (s *Service) update(ctx context.Context, fn func(tx store.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := s.store.Update(ctx, fn)
		if err == nil || !errors.Is(err, store.ErrConflict) || attempt == conflictRetries {
			return err
		}
		pause := time.Duration(rand.Int64N(int64(attempt+1) * int64(5*time.Millisecond)))
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Link reasons recorded by Resolve.
const (
	reasonAutoLink = "resolve: matched an existing person"
	reasonMustLink = "resolve: steward must-link constraint"
	reasonStay     = "resolve: new version still belongs to its person"
	reasonNew      = "resolve: no matching person"
	reasonReview   = "resolve: possible match sent to review"
	reasonDup      = "resolve: matched several persons; sent to review"
	reasonDistinct = "resolve: matched several persons a steward declared distinct; sent to review"
	reasonDominant = "resolve: matched one person far more strongly than the others it matched"
)

// resolveTx resolves one prepared record inside an Update.
func (s *Service) resolveTx(ctx context.Context, tx store.Tx, actor Actor, in *input) (Result, error) {
	st, err := s.lookupStored(ctx, tx, in.key)
	if err != nil {
		return Result{}, err
	}
	if r, ok := st.unchanged(in); ok {
		return r, nil
	}
	res := Result{Key: in.key, Issues: in.norm.Issues}
	current, curKind := st.person, st.link.Kind

	rec := store.Record{
		Key: in.key, Version: 1, Raw: in.raw, Hash: in.hash, Status: store.RecordActive,
		Keys: in.keys, Received: store.StoredTime(s.now()),
	}
	if st.exists {
		rec.Version = st.rec.Version + 1
	}
	res.Version = rec.Version
	if err := tx.PutRecord(ctx, rec); err != nil {
		return res, err
	}
	s.remember(&rec, in.norm)
	if err := s.appendEvent(ctx, tx, &store.Event{
		Kind: store.EventRecordPut, Actor: actor.ID, Record: in.key,
	}, RecordVersion{Version: rec.Version, Hash: rec.Hash}); err != nil {
		return res, err
	}
	if st.exists {
		if err := s.supersedeTasks(ctx, tx, in.key, fmt.Sprintf("version %d of the record was re-decided", rec.Version)); err != nil {
			return res, err
		}
	}

	mustLink, cannot, err := s.constraints(ctx, tx, in.key)
	if err != nil {
		return res, err
	}
	if cannot[current] {
		current = ""
	}
	scores, err := s.scorePersons(ctx, tx, in, current, mustLink, cannot, &res)
	if err != nil {
		return res, err
	}
	held, err := s.holdAmbiguousPlaceholders(ctx, tx, in, scores, mustLink)
	if err != nil {
		return res, err
	}
	if err := s.decide(ctx, tx, actor, in, &rec, scores, current, curKind, mustLink, &res); err != nil {
		return res, err
	}
	return res, s.detachPlaceholders(ctx, tx, actor, in, held, res.EID)
}

// decide links the record (in, stored as rec) to a person by the rules
// of doc.go — the must-link person, the current person, the single
// auto-linkable person, or a new person with a review task when someone
// came close — and fills in res.
func (s *Service) decide(ctx context.Context, tx store.Tx, actor Actor, in *input, rec *store.Record, scores []*personScore, current store.EID, curKind store.LinkKind, mustLink store.EID, res *Result) error {
	byEID := make(map[store.EID]*personScore, len(scores))
	for _, p := range scores {
		byEID[p.eid] = p
	}
	var autos, possible []*personScore
	for _, p := range scores {
		switch {
		case p.eid == current:
		case p.auto:
			autos = append(autos, p)
		case p.best.Decision >= matching.Review:
			possible = append(possible, p)
		}
	}
	pc := byEID[current] // nil when the current person has no other records
	heldBack := placeholderHeldBack(in, scores)
	var (
		target     *personScore
		targetKind = store.LinkAuto
		reason     string
	)
	switch {
	case mustLink != "":
		target, targetKind, reason = byEID[mustLink], store.LinkManual, reasonMustLink
		if target == nil {
			target = &personScore{eid: mustLink}
		}
	case current != "" && pc != nil && pc.auto:
		target, reason = pc, reasonStay
	case len(autos) == 1 && !heldBack:
		target, reason = autos[0], reasonAutoLink
	case len(autos) >= 2 && !heldBack && s.linkDominant && dominant(in.model, autos):
		target, reason = autos[0], reasonDominant
	case current != "" && pc != nil && pc.veto == cluster.ReasonNone && pc.best.Decision >= matching.Review:
		target, reason = pc, reasonStay
	case current != "" && pc == nil && len(autos) == 0 && len(possible) == 0:
		target, reason = &personScore{eid: current}, reasonStay // alone, and nobody came close
	}
	if target != nil {
		if target.eid == current && curKind == store.LinkManual {
			targetKind = store.LinkManual
		}
		res.Decision = DecisionLinked
		res.EID = target.eid
		s.describe(res, in, target)
		if err := s.setLink(ctx, tx, withRecord(target.link(targetKind, actor), in.key), reason); err != nil {
			return err
		}
		if reason != reasonDominant {
			return nil
		}
		return s.raiseBridged(ctx, tx, actor, in, target, autos[1:], res)
	}

	// No person to link to: a new person — or the record's own, when it is
	// alone on it — and a task when someone came close.
	if pc != nil && pc.best.Decision >= matching.Review {
		possible = append(possible, pc) // the person the record left
	}
	var taskKind store.TaskKind
	var listed []*personScore
	switch {
	case len(autos) >= 2:
		dups, err := s.undeclaredDuplicates(ctx, tx, autos)
		if err != nil {
			return err
		}
		if len(dups) >= 2 {
			res.Decision, reason, taskKind, listed = DecisionDuplicate, reasonDup, store.TaskPossibleDuplicate, dups
			break
		}
		// A steward declared the others distinct from the strongest:
		// which of them the record belongs to is a possible match.
		res.Decision, reason, taskKind = DecisionReview, reasonDistinct, store.TaskPossibleMatch
		listed = append(slices.Clip(autos), possible...)
	case len(autos) == 1: // held back
		res.Decision, reason, taskKind = DecisionReview, reasonAmbiguous, store.TaskPossibleMatch
		listed = append(slices.Clip(autos), possible...)
	case len(possible) > 0:
		res.Decision, reason, taskKind, listed = DecisionReview, reasonReview, store.TaskPossibleMatch, possible
	default:
		res.Decision, reason = DecisionNew, reasonNew
	}
	if best := bestOf(scores); best != nil {
		s.describe(res, in, best)
	}
	own := store.Link{Record: in.key, EID: current, Kind: curKind, Actor: actor.ID}
	if current != "" && pc == nil {
		if err := s.setLink(ctx, tx, own, reason); err != nil {
			return err
		}
	} else {
		p, err := s.newPersonFor(ctx, tx, actor, reason, []store.Record{*rec})
		if err != nil {
			return err
		}
		own.EID, own.Kind = p.EID, store.LinkAuto
		if err := s.linkNewPerson(ctx, tx, own, reason); err != nil {
			return err
		}
	}
	res.EID = own.EID
	if taskKind != 0 {
		id, err := s.openTask(ctx, tx, actor, in.model, in.key, in.norm, taskKind, listed, own.EID)
		if err != nil {
			return err
		}
		res.TaskID = id
	}
	return nil
}

// dominant reports whether the record, auto-linkable to every person of
// autos (strongest first), belongs to the first with at least the match
// threshold's probability when they compete for it (cluster.Posterior).
func dominant(model *matching.Model, autos []*personScore) bool {
	ws := make([]float64, len(autos))
	for i, p := range autos {
		ws[i] = p.best.Weight
	}
	return cluster.Posterior(ws) >= model.Thresholds.Match
}

// raiseBridged opens a possible-duplicate task when the record, linked to
// target as the dominant of several auto-linkable persons, makes others of
// them possible duplicates of target: those that target's records and the
// record together may join (cluster.Compatible) and that no steward
// declared distinct. The task's record is the bridging one; its
// candidates are target and those persons (a "distinct" answer is
// remembered between candidates). Nothing is merged: a steward decides.
// The others that may not join target are different people the record
// merely resembles, as when one auto-linkable person is found and others
// were vetoed: no task.
func (s *Service) raiseBridged(ctx context.Context, tx store.Tx, actor Actor, in *input, target *personScore, others []*personScore, res *Result) error {
	joined := append(target.norms(), in.norm)
	group := []*personScore{target}
	for _, q := range others {
		if why, _ := cluster.Compatible(in.model, joined, q.norms(), s.cluster); why == cluster.ReasonNone {
			group = append(group, q)
		}
	}
	if len(group) < 2 {
		return nil
	}
	dups, err := s.undeclaredDuplicates(ctx, tx, group)
	if err != nil || len(dups) < 2 {
		return err
	}
	id, err := s.openTask(ctx, tx, actor, in.model, in.key, in.norm, store.TaskPossibleDuplicate, dups, target.eid)
	res.TaskID = id
	return err
}

// undeclaredDuplicates returns the persons among autos a possible-duplicate
// task may list: taken strongest first, each person not declared distinct
// (declaredDistinct) from one taken before it — so that no pair of them
// is one a steward has declared distinct.
func (s *Service) undeclaredDuplicates(ctx context.Context, tx store.Tx, autos []*personScore) ([]*personScore, error) {
	var out []*personScore
	distinct := make(map[store.EID]bool)
	for _, a := range autos {
		if distinct[a.eid] {
			continue
		}
		out = append(out, a)
		d, err := s.distinctFrom(ctx, tx, a.eid)
		if err != nil {
			return nil, err
		}
		maps.Copy(distinct, d)
	}
	return out, nil
}

func withRecord(l store.Link, k store.RecordKey) store.Link {
	l.Record = k
	return l
}

// constraints returns the record's steward constraints, redirects
// followed: the must-link person ("" for none; the most recent when there
// are several) and the cannot-link persons.
func (s *Service) constraints(ctx context.Context, tx store.Tx, k store.RecordKey) (store.EID, map[store.EID]bool, error) {
	cs, err := tx.Constraints(ctx, k)
	if err != nil {
		return "", nil, err
	}
	var must store.Constraint
	cannot := make(map[store.EID]bool)
	for _, c := range cs {
		p, err := s.follow(ctx, tx, c.EID)
		if err != nil {
			return "", nil, fmt.Errorf("constraint of record %s on person %s: %w", k, c.EID, err)
		}
		switch c.Kind {
		case store.MustLink:
			if must.EID == "" || c.At.After(must.At) || c.At.Equal(must.At) && p.EID < must.EID {
				must, must.EID = c, p.EID
			}
		case store.CannotLink:
			cannot[p.EID] = true
		}
	}
	return must.EID, cannot, nil
}

// Retract withdraws a source record: it stores a new version with status
// retracted and no blocking keys, removes its link and rebuilds the
// golden record of the person it leaves, in one transaction. Retracting a
// retracted record writes nothing. Result.EID is the person the record
// was last linked to.
func (s *Service) Retract(ctx context.Context, actor Actor, key store.RecordKey, reason string) (Result, error) {
	if err := checkActor(actor); err != nil {
		return Result{}, err
	}
	key.Source, key.LocalID = strings.TrimSpace(key.Source), strings.TrimSpace(key.LocalID)
	if err := checkKeyPart("source", key.Source, maxSourceLen); err != nil {
		return Result{}, err
	}
	if err := checkKeyPart("local_id", key.LocalID, maxLocalIDLen); err != nil {
		return Result{}, err
	}
	var res Result
	err := s.update(ctx, func(tx store.Tx) error {
		var err error
		res, err = s.retractTx(ctx, tx, actor, key, reason)
		return err
	})
	if aerr := s.audit(ctx, actor, "retract", []store.EID{res.EID}, []store.RecordKey{key}, Outcome(err)); err == nil && aerr != nil {
		return res, fmt.Errorf("record %s: retracted, but the audit log failed: %w", key, aerr)
	}
	if err != nil {
		return Result{}, fmt.Errorf("retract record %s: %w", key, err)
	}
	return res, nil
}

func (s *Service) retractTx(ctx context.Context, tx store.Tx, actor Actor, key store.RecordKey, reason string) (Result, error) {
	cur, err := tx.Record(ctx, key)
	if err != nil {
		return Result{}, notFound(err, "record "+key.String())
	}
	res := Result{Key: key, Decision: DecisionRetracted, Version: cur.Version}
	hist, err := tx.LinkHistory(ctx, key)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return res, err
	}
	if len(hist) > 0 {
		if p, err := s.follow(ctx, tx, hist[len(hist)-1].EID); err == nil {
			res.EID = p.EID
		}
	}
	if cur.Status == store.RecordRetracted {
		return res, nil
	}
	rec := cur
	rec.Version++
	rec.Status = store.RecordRetracted
	rec.Keys = nil
	rec.Received = store.StoredTime(s.now())
	res.Version = rec.Version
	if err := tx.PutRecord(ctx, rec); err != nil {
		return res, err
	}
	if err := s.appendEvent(ctx, tx, &store.Event{
		Kind: store.EventRecordRetracted, Actor: actor.ID, Reason: reason, Record: key,
	}, RecordVersion{Version: rec.Version, Hash: rec.Hash}); err != nil {
		return res, err
	}
	if err := s.supersedeTasks(ctx, tx, key, "the record was retracted"); err != nil {
		return res, err
	}
	if _, err := tx.Link(ctx, key); errors.Is(err, store.ErrNotFound) {
		return res, nil
	} else if err != nil {
		return res, err
	}
	return res, s.removeLink(ctx, tx, key, actor, reason)
}
