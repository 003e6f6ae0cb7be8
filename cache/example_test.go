package cache_test

import (
	"context"
	"fmt"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/cache"
)

// Read loads a row once and serves it from the cache after; an invalidation
// at a newer version (the projection's, at the row's next event) makes the
// next read load it again.
func ExampleRead() {
	ctx := context.Background()
	c := cache.NewMemory(nil)
	version := int64(1)
	load := func(_ context.Context, id string) (mohalla.Shop, error) {
		fmt.Println("load", id, "version", version)
		return mohalla.Shop{ID: id, Name: "Asha Kirana", Version: version}, nil
	}
	k := cache.Key{Kind: cache.Shop, ID: "s1"}
	for range 2 {
		s, err := cache.Read(ctx, c, k, load)
		fmt.Println(s.Name, s.Version, err)
	}
	version = 2
	if err := c.Invalidate(ctx, k, version); err != nil {
		panic(err)
	}
	s, err := cache.Read(ctx, c, k, load)
	fmt.Println(s.Name, s.Version, err)
	// Output:
	// load s1 version 1
	// Asha Kirana 1 <nil>
	// Asha Kirana 1 <nil>
	// load s1 version 2
	// Asha Kirana 2 <nil>
}
