package mohalla

import (
	"encoding/json"
	"time"
)

// SyncCheck is one check of the sync monitor.
type SyncCheck struct {
	ID         string          `json:"id"`
	StartedAt  time.Time       `json:"startedAt"`
	DurationMS int64           `json:"durationMs"`
	Drift      bool            `json:"drift"`
	Findings   json.RawMessage `json:"findings"`
	Repaired   json.RawMessage `json:"repaired"`
}
