package outbound_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla/outbound"
)

// refusedHosts are hosts of every refused class, written as a URL would; each
// must be refused at registration (CheckURL) and, as an address, at dial time.
var refusedHosts = []struct{ class, host string }{
	{"loopback", "127.0.0.1"},
	{"loopback, elsewhere in 127/8", "127.45.6.7"},
	{"loopback IPv6", "[::1]"},
	{"RFC 1918 10/8", "10.1.2.3"},
	{"RFC 1918 172.16/12", "172.16.0.9"},
	{"RFC 1918 192.168/16", "192.168.1.1"},
	{"CGNAT 100.64/10", "100.64.0.1"},
	{"link-local", "169.254.10.10"},
	{"cloud metadata", "169.254.169.254"},
	{"unique-local IPv6", "[fd00::1]"},
	{"unique-local IPv6, fc half", "[fc00::7]"},
	{"link-local IPv6", "[fe80::1]"},
	{"unspecified", "0.0.0.0"},
	{"unspecified IPv6", "[::]"},
	{"this network", "0.1.2.3"},
	{"multicast", "224.0.0.1"},
	{"multicast IPv6", "[ff02::1]"},
	{"broadcast", "255.255.255.255"},
	{"IPv4-mapped loopback", "[::ffff:127.0.0.1]"},
	{"IPv4-mapped loopback, hex", "[::ffff:7f00:1]"},
	{"IPv4-mapped metadata", "[::ffff:169.254.169.254]"},
	{"IPv4-mapped private, long form", "[0:0:0:0:0:ffff:10.0.0.1]"},
	{"IPv4-compatible loopback", "[::127.0.0.1]"},
	{"NAT64 of a private address", "[64:ff9b::10.0.0.1]"},
	{"documentation", "192.0.2.10"},
}

// numericHosts are numbers standing for an address, in forms C's inet_aton
// reads; all are refused, whatever address they stand for.
var numericHosts = []string{
	"0x7f000001", "2130706433", "0177.0.0.1", "0x7f.0.0.1", "127.1", "127.0.1", "017700000001",
	"0xa9fea9fe", "2852039166", "127.000.000.001", "0x08080808",
}

func TestCheckURLRefusesEveryPrivateClass(t *testing.T) {
	t.Parallel()
	for _, h := range refusedHosts {
		for _, raw := range []string{"https://" + h.host + "/hook", "https://" + h.host + ":8443/hook"} {
			err := outbound.CheckURL(raw, false)
			if !errors.Is(err, outbound.ErrRefused) || !strings.HasPrefix(err.Error(), "must ") {
				t.Errorf("%s: CheckURL(%q) = %v; want a refusal reading \"must …\"", h.class, raw, err)
			}
			if err := outbound.CheckURL(raw, true); err != nil {
				t.Errorf("%s: with the development switch CheckURL(%q) = %v; want nil", h.class, raw, err)
			}
		}
	}
	for _, host := range numericHosts {
		raw := "https://" + host + "/hook"
		if err := outbound.CheckURL(raw, false); !errors.Is(err, outbound.ErrRefused) {
			t.Errorf("CheckURL(%q) = %v; want refused", raw, err)
		}
	}
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		raw          string
		allowPrivate bool
		refused      string // a part of the error; "" for allowed
	}{
		{raw: "https://shop.example/hooks/orders"},
		{raw: "https://shop.example:8443/hooks?x=1"},
		{raw: "https://8.8.8.8/hook"},
		{raw: "https://[2606:4700::1111]/hook"},
		{raw: "https://Shop.Example./hook"},
		{raw: "http://shop.example/hook", refused: "must use https"},
		{raw: "http://shop.example/hook", allowPrivate: true},
		{raw: "http://127.0.0.1:9/x", allowPrivate: true},
		{raw: "ftp://shop.example/x", refused: "https://"},
		{raw: "ftp://shop.example/x", allowPrivate: true, refused: "https://"},
		{raw: "javascript:alert(1)", refused: "https://"},
		{raw: "/relative/path", refused: "absolute"},
		{raw: "https:///no-host", refused: "host"},
		{raw: "https://user:secret@shop.example/hook", refused: "user name or password"},
		{raw: "https://user:secret@127.0.0.1/hook", allowPrivate: true, refused: "user name or password"},
		{raw: "https://token@shop.example/hook", refused: "user name or password"},
		{raw: "https://localhost/hook", refused: "loopback"},
		{raw: "https://LOCALHOST./hook", refused: "loopback"},
		{raw: "https://api.localhost/hook", refused: "loopback"},
		{raw: "https://[fe80::1%25eth0]/hook", refused: "zone"},
		{raw: "https://shop.example:0/hook", refused: "port"},
		{raw: "https://shop.example:99999/hook", refused: "port"},
		{raw: "https://0x7f000001/hook", refused: "127.0.0.1"},
		{raw: "https://2130706433/hook", refused: "127.0.0.1"},
		{raw: "https://0177.0.0.1/hook", refused: "127.0.0.1"},
		{raw: "https://0x7f000001/hook", allowPrivate: true},
		{raw: "https://1.2.3.4.5/hook"}, // a name, not an address: checked when dialled
		{raw: "https://0x7g000001/hook"},
	}
	for _, tc := range cases {
		err := outbound.CheckURL(tc.raw, tc.allowPrivate)
		switch {
		case tc.refused == "" && err != nil:
			t.Errorf("CheckURL(%q, %v) = %v; want allowed", tc.raw, tc.allowPrivate, err)
		case tc.refused != "" && (!errors.Is(err, outbound.ErrRefused) || !strings.Contains(err.Error(), tc.refused)):
			t.Errorf("CheckURL(%q, %v) = %v; want refused naming %q", tc.raw, tc.allowPrivate, err, tc.refused)
		case err != nil && strings.Contains(err.Error(), "secret"):
			t.Errorf("CheckURL(%q) echoes the password: %v", tc.raw, err)
		}
	}
}

func TestControlDialRefusesEveryPrivateClass(t *testing.T) {
	t.Parallel()
	for _, h := range refusedHosts {
		ip := netip.MustParseAddr(strings.Trim(h.host, "[]"))
		network := "tcp4"
		if ip.Is6() {
			network = "tcp6"
		}
		addr := netip.AddrPortFrom(ip, 443).String()
		if err := outbound.ControlDial(network, addr, nil); !errors.Is(err, outbound.ErrRefused) {
			t.Errorf("%s: dialling %s = %v; want refused", h.class, addr, err)
		}
	}
	for _, addr := range []string{"8.8.8.8:443", "[2606:4700::1111]:443", "[::ffff:8.8.8.8]:443"} {
		if err := outbound.ControlDial("tcp", addr, nil); err != nil {
			t.Errorf("dialling %s = %v; want allowed", addr, err)
		}
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"https://user:secret@shop.example/h?q=1": "https://shop.example/h?q=1",
		"https://token@shop.example/h":           "https://shop.example/h",
		"https://shop.example/h":                 "https://shop.example/h",
		"https://us er:pa ss@%zz":                "(unparsable URL)",
	} {
		if got := outbound.Redact(raw); got != want {
			t.Errorf("Redact(%q) = %q; want %q", raw, got, want)
		}
	}
}
