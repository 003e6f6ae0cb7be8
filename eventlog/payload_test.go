package eventlog

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla"
)

// TestPayloadsCarryCommitsWhole: a node's commits go out in as few
// notifications as fit PostgreSQL's limit, each commit whole in one of them;
// one too large to carry, or commits no longer held, add a bare wake; and
// what the other node hears of them is the commits themselves, and a gap for
// the wake, so that its followers read the log for those.
func TestPayloadsCarryCommitsWhole(t *testing.T) {
	from := &Notifier{node: "node-a"}
	tx := func(txid int64, events, size int) []mohalla.Event {
		evs := make([]mohalla.Event, events)
		for i := range evs {
			evs[i] = mohalla.Event{ID: fmt.Sprintf("e%d-%d", txid, i), Name: "test/payload", TS: 1, V: "2",
				Data: []byte(fmt.Sprintf(`{"pad":%q}`, strings.Repeat("x", size))),
				User: &mohalla.Caller{ID: "u1", Role: mohalla.RoleCustomer},
				Pos:  mohalla.Position{Tx: txid, ID: int64(i + 1)}}
		}
		return evs
	}
	small := [][]mohalla.Event{tx(1, 2, 500), tx(2, 3, 1000), tx(3, 1, 3000), tx(4, 2, 1500)}
	check := func(txs [][]mohalla.Event, complete bool, wantPayloads int, wantGap bool) {
		t.Helper()
		payloads := from.payloads(txs, complete)
		if len(payloads) != wantPayloads {
			t.Errorf("%d notifications, want %d", len(payloads), wantPayloads)
		}
		to := &Notifier{node: "node-b"}
		for _, p := range payloads {
			if len(p) > maxPayload {
				t.Errorf("a payload of %d bytes, over %d", len(p), maxPayload)
			}
			to.heard(p)
		}
		got, _, all := to.received.Since(0)
		var carried [][]mohalla.Event
		for _, tx := range txs {
			if len(tx) <= 5 {
				carried = append(carried, tx)
			}
		}
		if summary(got) != summary(carried) || all == wantGap {
			t.Errorf("heard %s, all %v;\nwant %s, all %v", summary(got), all, summary(carried), !wantGap)
		}
	}
	check(small, true, 2, false)                              // 12 KiB in two
	check(append(small[:2:2], tx(5, 30, 400)), true, 2, true) // one too large: a wake for it
	check(small[:1], false, 2, true)                          // commits no longer held: a wake
	check(nil, false, 1, true)                                // nothing held: a wake alone
	to := &Notifier{}
	if to.HearsOthers() || to.heard("node-a"+presenceBody) || !to.HearsOthers() {
		t.Error("a node saying it listens is not heard as a node, or as commits")
	}
	if !to.heard("node-a") || !to.heard("node-a [not json") {
		t.Error("a bare wake or an unreadable payload is not heard as commits")
	}
	if got, _, all := to.received.Since(0); len(got) != 0 || all {
		t.Errorf("a bare wake and an unreadable payload heard as %v, all %v; want gaps", got, all)
	}
}

// summary writes each commit's events as id@position/caller/data's hash.
func summary(txs [][]mohalla.Event) string {
	var b strings.Builder
	for _, tx := range txs {
		b.WriteString("[")
		for _, e := range tx {
			fmt.Fprintf(&b, " %s@%s/%s/%v/%s/%d/%x", e.ID, e.Pos, e.Name, *e.User, e.V, e.TS, sha256.Sum256(e.Data))
		}
		b.WriteString(" ]")
	}
	return b.String()
}
