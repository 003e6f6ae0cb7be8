//go:build !linux

package bench

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// liveReader reads every stream of a client process, a goroutine each (on
// Linux one goroutine in epoll_wait reads them all).
type liveReader struct {
	clients    []*sseBenchClient
	firstError // of a read
}

func newLiveReader(clients []*sseBenchClient) (*liveReader, error) {
	return &liveReader{clients: clients}, nil
}

// run reads the streams until ctx ends, then closes them.
func (r *liveReader) run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, cl := range r.clients {
		wg.Go(func() {
			buf := make([]byte, 16<<10)
			for {
				n, err := cl.conn.Read(buf)
				if n > 0 {
					if ferr := cl.p.feed(buf[:n], time.Now().UnixNano()); ferr != nil {
						err = ferr
					}
				}
				if err != nil || cl.p.ended {
					if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
						r.fail(err)
					}
					return
				}
			}
		})
	}
	<-ctx.Done()
	for _, cl := range r.clients {
		_ = cl.conn.Close()
	}
	wg.Wait()
}
