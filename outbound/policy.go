// Package outbound is the one policy for requests the server sends to
// addresses that others chose: shops' webhooks and operators' alert hooks. It
// checks a URL when it is registered (CheckURL) and gives a client
// (NewClient) that checks it again before each request and checks every
// address it dials, so a name that resolves somewhere else later is still
// refused. Refused are loopback, private (RFC 1918, CGNAT, unique-local),
// link-local (cloud metadata included), unspecified, multicast, reserved and
// documentation addresses, in any IPv4-in-IPv6 form, and hosts written as
// numbers other than dotted decimal.
package outbound

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// ErrRefused is wrapped by every error of the policy: a URL or an address the
// server will not call.
var ErrRefused = errors.New("outbound request refused")

// refusal is a policy error; its message reads as a field message ("must …").
type refusal struct{ msg string }

func (r *refusal) Error() string { return r.msg }
func (r *refusal) Unwrap() error { return ErrRefused }

func refuse(format string, args ...any) error { return &refusal{msg: fmt.Sprintf(format, args...)} }

// refusedPrefixes are the ranges no outbound request may reach, besides those
// netip.Addr's own predicates name (loopback, private, link-local, multicast,
// unspecified).
var refusedPrefixes = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "a \"this network\" address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT (private) address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol address"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a documentation address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a documentation address"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a documentation address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"}, // and 255.255.255.255
	{netip.MustParsePrefix("100::/64"), "a discard address"},
	{netip.MustParsePrefix("2001:db8::/32"), "a documentation address"},
	{netip.MustParsePrefix("fec0::/10"), "a site-local address"},
}

// embeddedV4 are IPv6 ranges whose last 32 bits are an IPv4 address that a
// host or a NAT64 gateway may reach: the IPv4 address is checked too.
var embeddedV4 = []netip.Prefix{
	netip.MustParsePrefix("::ffff:0:0/96"), // IPv4-mapped
	netip.MustParsePrefix("::/96"),         // IPv4-compatible (deprecated)
	netip.MustParsePrefix("64:ff9b::/96"),  // NAT64
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// CheckAddr returns an error wrapping ErrRefused if ip is not a public unicast
// address an outbound request may reach.
func CheckAddr(ip netip.Addr) error {
	if !ip.IsValid() {
		return refuse("must be a valid IP address")
	}
	if ip.Zone() != "" {
		return refuse("must not name an IPv6 zone (%s)", ip)
	}
	var what string
	switch {
	case ip.IsLoopback():
		what = "a loopback address"
	case ip.IsPrivate():
		what = "a private address"
	case ip.IsLinkLocalUnicast():
		what = "a link-local address"
	case ip.IsMulticast():
		what = "a multicast address"
	case ip.IsUnspecified():
		what = "an unspecified address"
	default:
		for _, r := range refusedPrefixes {
			if r.prefix.Contains(ip.Unmap()) {
				what = r.what
				break
			}
		}
	}
	if what != "" {
		return refuse("must not point at %s (%s)", what, ip)
	}
	if ip.Is6() {
		for _, p := range embeddedV4 {
			if p.Contains(ip) {
				b := ip.As16()
				v4 := netip.AddrFrom4([4]byte(b[12:]))
				if err := CheckAddr(v4); err != nil {
					return refuse("%s, as %s", err, ip)
				}
			}
		}
	}
	return nil
}

// CheckURL returns an error wrapping ErrRefused, whose message reads as a
// field message ("must …"), if raw is not a URL the server may call: an
// absolute https URL (http too with allowPrivate), without a user name or
// password, whose host is a name or a public address in canonical form.
// allowPrivate is the development switch: it lifts the scheme and address
// checks but never the credentials check. A host name is not resolved here
// (what it resolves to may change): NewClient's dialer checks each address.
func CheckURL(raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Opaque != "" {
		return refuse("must be an absolute https:// URL")
	}
	if u.User != nil {
		return refuse("must not contain a user name or password")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && allowPrivate:
	case u.Scheme == "http":
		return refuse("must use https")
	default:
		return refuse("must be an https:// URL")
	}
	host := u.Hostname()
	if host == "" {
		return refuse("must name a host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return refuse("must have a port from 1 to 65535")
		}
	}
	if allowPrivate {
		return nil
	}
	return checkHost(host)
}

// checkHost checks a URL's host: an address literal, a number standing for
// one, or a name.
func checkHost(host string) error {
	name := strings.ToLower(strings.TrimSuffix(host, "."))
	if ip, err := netip.ParseAddr(name); err == nil {
		return CheckAddr(ip)
	}
	if ip, ok := parseNumericIPv4(name); ok {
		// Resolvers disagree on these forms (C's inet_aton reads them as
		// addresses, Go's own resolver as names), so none is allowed.
		return refuse("must not write an address as %q (it reads as %s)", host, ip)
	}
	if name == "localhost" || strings.HasSuffix(name, ".localhost") || name == "localhost.localdomain" {
		return refuse("must not point at a loopback address (%s)", host)
	}
	return nil
}

// parseNumericIPv4 reads s as inet_aton does: one to four parts, each decimal,
// octal (leading 0) or hex (0x), the last filling the remaining bytes, as in
// "0x7f000001", "2130706433", "0177.0.0.1" or "127.1".
func parseNumericIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		base, digits := 10, p
		switch {
		case strings.HasPrefix(p, "0x"):
			base, digits = 16, p[2:]
			if digits == "" {
				digits = "0"
			}
		case len(p) > 1 && p[0] == '0':
			base, digits = 8, p[1:]
		}
		v, err := strconv.ParseUint(digits, base, 32)
		if err != nil || p == "" {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 0xff {
			return netip.Addr{}, false
		}
		n |= v << (24 - 8*i)
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}
