// Package outboundtest serves what tests of outbound requests need: a DNS
// server on loopback that resolves chosen names to chosen addresses, as a
// hostile one would, so a test can prove a name is refused when dialled.
//
// A name that passes the check at registration, resolving to loopback when
// the request is sent:
//
//	func TestRebinding(t *testing.T) {
//		resolver := outboundtest.StartDNS(t, map[string][]netip.Addr{
//			"shop.test": {netip.MustParseAddr("127.0.0.1")},
//		})
//		client := outbound.NewClient(&outbound.Config{Resolver: resolver})
//		resp, err := client.Get("https://shop.test/hook")
//		if err == nil {
//			resp.Body.Close()
//		}
//		if !errors.Is(err, outbound.ErrRefused) {
//			t.Fatalf("GET a name resolving to loopback: %v, want outbound.ErrRefused", err)
//		}
//	}
package outboundtest

import (
	"context"
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"testing"
)

// dnsServer is a small DNS server on loopback UDP answering A and AAAA
// questions from a fixed table, so a test can make a name resolve to any
// address, as a hostile DNS server would.
type dnsServer struct {
	conn  net.PacketConn
	names map[string][]netip.Addr
}

// StartDNS serves names (lower case, without the final dot) until the test
// ends and returns a resolver that asks it alone, for outbound.Config.Resolver.
// A name it does not know is NXDOMAIN.
func StartDNS(t testing.TB, names map[string][]netip.Addr) *net.Resolver {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &dnsServer{conn: conn, names: names}
	t.Cleanup(func() { conn.Close() })
	go s.serve()
	addr := conn.LocalAddr().String()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", addr)
	}}
}

func (s *dnsServer) serve() {
	buf := make([]byte, 1500)
	for {
		n, from, err := s.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		if resp := s.answer(buf[:n]); resp != nil {
			_, _ = s.conn.WriteTo(resp, from)
		}
	}
}

// answer builds the response to one query: the question echoed and one
// record per address of the asked type, or NXDOMAIN for an unknown name.
func (s *dnsServer) answer(q []byte) []byte {
	if len(q) < 12 {
		return nil
	}
	i := 12
	var labels []string
	for i < len(q) && q[i] != 0 {
		l := int(q[i])
		if i+1+l > len(q) {
			return nil
		}
		labels = append(labels, string(q[i+1:i+1+l]))
		i += 1 + l
	}
	if i+5 > len(q) {
		return nil
	}
	question := q[12 : i+5]
	qtype := binary.BigEndian.Uint16(q[i+1:])
	addrs, known := s.names[strings.ToLower(strings.Join(labels, "."))]
	var answers [][]byte
	for _, a := range addrs {
		if (qtype == 1 && a.Is4()) || (qtype == 28 && a.Is6()) {
			rr := []byte{0xc0, 12, 0, byte(qtype), 0, 1, 0, 0, 0, 60, 0, byte(a.BitLen() / 8)}
			answers = append(answers, append(rr, a.AsSlice()...))
		}
	}
	resp := make([]byte, 12, 512)
	copy(resp, q[:2])
	flags := uint16(0x8180)
	if !known {
		flags |= 3 // NXDOMAIN
	}
	binary.BigEndian.PutUint16(resp[2:], flags)
	binary.BigEndian.PutUint16(resp[4:], 1)
	binary.BigEndian.PutUint16(resp[6:], uint16(len(answers)))
	resp = append(resp, question...)
	for _, a := range answers {
		resp = append(resp, a...)
	}
	return resp
}
