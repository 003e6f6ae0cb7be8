package cli

import (
	"errors"
	"fmt"

	"github.com/mohallamart/mohalla/search"
)

// inUse adds to err, when it says another process holds the search index in
// dataDir, what the user can do about it in the command they ran: advice, in
// which %s is the holder (its pid, or "it").
func inUse(err error, advice string) error {
	var iu *search.InUseError
	if !errors.As(err, &iu) {
		return err
	}
	holder := "it"
	if iu.PID > 0 {
		holder = fmt.Sprintf("process %d", iu.PID)
	}
	return fmt.Errorf("%w\n%s", err, fmt.Sprintf(advice, holder))
}
