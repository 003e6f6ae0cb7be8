package eventlog

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mohallamart/mohalla"
)

// Mark is how far a follower that hands over early (NewMarkedFollower) has
// handed over the log: every event at or before At, and for each position of
// Also the events of its transaction up to it (all of them, but while the
// transaction is being handed over). A follower that hands over in log order
// only has no Also, and its Mark is its Position.
//
// Handing over early, a follower hands over a transaction's events as soon as
// it has committed, before older transactions have ended; so the events it
// handed over are not a prefix of the log, and a position alone cannot say
// which they were. A Mark can: it is the SSE id of the live hub's changes, so
// that a client resuming from it, on any node, is sent exactly what it
// missed, none of it twice.
type Mark struct {
	At   mohalla.Position
	Also []mohalla.Position // ascending, one per transaction, each after At
}

// MarkAt is the Mark of a follower that handed over every event up to p.
func MarkAt(p mohalla.Position) Mark { return Mark{At: p} }

// Has reports whether m covers the event at p.
func (m Mark) Has(p mohalla.Position) bool {
	if !m.At.Less(p) {
		return true
	}
	i, found := slices.BinarySearchFunc(m.Also, p.Tx, byTx)
	return found && p.ID <= m.Also[i].ID
}

func byTx(p mohalla.Position, tx int64) int { return cmp.Compare(p.Tx, tx) }

// Covers reports whether m covers every event o covers. It answers false when
// o's At is past m's: m cannot tell whether events lie between.
func (m Mark) Covers(o Mark) bool {
	if m.At.Less(o.At) {
		return false
	}
	for _, p := range o.Also {
		if !m.Has(p) {
			return false
		}
	}
	return true
}

// Union returns a mark covering what m and o cover: what a client holds that
// began from one and was sent up to the other.
func (m Mark) Union(o Mark) Mark {
	if m.At.Less(o.At) {
		m, o = o, m
	}
	var also []mohalla.Position
	for _, p := range o.Also {
		if !m.Has(p) {
			if also == nil {
				also = slices.Clone(m.Also)
			}
			i, found := slices.BinarySearchFunc(also, p.Tx, byTx)
			if found {
				also[i] = p // further into the same transaction
			} else {
				also = slices.Insert(also, i, p)
			}
		}
	}
	if also == nil {
		return m
	}
	return Mark{At: m.At, Also: also}
}

// String writes m as "tx-id", its At, then ".t:s" for each position of
// Also, t and s the differences of its transaction and sequence from the
// position before: the form of the live hub's SSE ids, a Position's own form
// when Also is empty.
func (m Mark) String() string {
	if len(m.Also) == 0 {
		return m.At.String()
	}
	return string(m.Append(nil))
}

// Append appends m's String to b.
func (m Mark) Append(b []byte) []byte {
	b = strconv.AppendInt(b, m.At.Tx, 10)
	b = append(b, '-')
	b = strconv.AppendInt(b, m.At.ID, 10)
	prev := m.At
	for _, p := range m.Also {
		b = append(b, '.')
		b = strconv.AppendInt(b, p.Tx-prev.Tx, 10)
		b = append(b, ':')
		b = strconv.AppendInt(b, p.ID-prev.ID, 10)
		prev = p
	}
	return b
}

// ParseMark reads a Mark written by String; "" is the start of the log, and a
// Position's "tx-id" a Mark without Also.
func ParseMark(s string) (Mark, error) {
	head, rest, dotted := strings.Cut(s, ".")
	at, err := mohalla.ParsePosition(head)
	if err != nil {
		return Mark{}, err
	}
	m := Mark{At: at}
	bad := fmt.Errorf("mark %q is not of the form tx-id.t:s.t:s…", s)
	if dotted && rest == "" {
		return Mark{}, bad
	}
	prev := at
	for rest != "" {
		var part, t, q string
		part, rest, _ = strings.Cut(rest, ".")
		t, q, _ = strings.Cut(part, ":")
		dt, err1 := strconv.ParseInt(t, 10, 64)
		ds, err2 := strconv.ParseInt(q, 10, 64)
		if err1 != nil || err2 != nil || dt < 0 || (dt == 0 && len(m.Also) > 0) || dt > math.MaxInt64-prev.Tx ||
			(ds > 0 && ds > math.MaxInt64-prev.ID) || prev.ID+ds < 0 {
			return Mark{}, bad
		}
		p := mohalla.Position{Tx: prev.Tx + dt, ID: prev.ID + ds}
		if !at.Less(p) {
			return Mark{}, bad
		}
		// A stream's id may name its client's transactions and its hub's.
		if len(m.Also) == 2*maxEarly {
			return Mark{}, fmt.Errorf("mark %q names more than %d transactions", s, 2*maxEarly)
		}
		m.Also = append(m.Also, p)
		prev = p
	}
	return m, nil
}
