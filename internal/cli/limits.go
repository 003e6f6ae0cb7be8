package cli

import (
	"flag"
	"fmt"
	"net/netip"
	"strings"

	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/ratelimit"
)

// limitFlags defines serve's flags of the callers' request budgets and live
// stream bounds, each defaulting to httpapi.DefaultLimits, and returns the
// Limits they set.
func limitFlags(fs *flag.FlagSet) *httpapi.Limits {
	l := httpapi.DefaultLimits()
	for _, b := range []struct {
		dst  *ratelimit.Limit
		what string
	}{
		{&l.Read, "reads"}, {&l.Write, "writes"}, {&l.Search, "searches"}, {&l.Live, "live stream opens"},
	} {
		name := b.dst.Name
		fs.Func("limit-"+name, fmt.Sprintf("`QUOTA/WINDOW` of %s per caller (or anonymous IP), such as 300/1m; off for no limit (default %s)",
			b.what, b.dst), func(s string) error {
			v, err := ratelimit.ParseLimit(name, s)
			*b.dst = v
			return err
		})
	}
	fs.IntVar(&l.StreamsPerCaller, "max-streams", l.StreamsPerCaller, "live streams one caller may hold open on a node; 0 for no bound")
	fs.IntVar(&l.StreamsPerIP, "max-streams-per-ip", l.StreamsPerIP, "live streams one client IP may hold open on a node; 0 for no bound")
	fs.Func("trusted-proxies", "comma-separated `CIDRs` of proxies whose X-Forwarded-For names the client (default none: the peer is the client)",
		func(s string) error {
			l.TrustedProxies = nil
			for p := range strings.SplitSeq(s, ",") {
				if p = strings.TrimSpace(p); p == "" {
					continue
				}
				if !strings.Contains(p, "/") {
					a, err := netip.ParseAddr(p)
					if err != nil {
						return fmt.Errorf("%q is not an IP address or CIDR", p)
					}
					l.TrustedProxies = append(l.TrustedProxies, netip.PrefixFrom(a, a.BitLen()))
					continue
				}
				pfx, err := netip.ParsePrefix(p)
				if err != nil {
					return fmt.Errorf("%q is not an IP address or CIDR", p)
				}
				l.TrustedProxies = append(l.TrustedProxies, pfx.Masked())
			}
			return nil
		})
	return &l
}
