package mail_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/mohallamart/mohalla/mail"
)

// A Sender delivering one email: the Message-ID comes from the run and step
// that send it, so a resend after a crash carries the same id. The server
// here is a few lines of SMTP on a loopback port, standing in for the relay
// (Mailpit in the tests, the provider in production).
func Example() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	got := make(chan []string, 1)
	go serveOne(ln, got)

	s, err := mail.NewSender("smtp://"+ln.Addr().String(), "Mohalla Mart <orders@mohalla.local>")
	if err != nil {
		panic(err)
	}
	id := mail.NewMessageID("run-42.welcome", "mohalla.local")
	fmt.Println(id, id == mail.NewMessageID("run-42.welcome", "mohalla.local"))
	reply, err := s.Send(context.Background(), mail.Message{To: "asha@example.com",
		Subject: "Welcome, Asha", Text: "Your account is ready.", HTML: "<p>Your account is ready.</p>", MessageID: id})
	if err != nil {
		panic(err)
	}
	fmt.Println(reply)
	for _, h := range <-got {
		fmt.Println(h)
	}
	// Output:
	// run-42.welcome@mohalla.local true
	// 250 queued as 1
	// MAIL FROM:<orders@mohalla.local>
	// RCPT TO:<asha@example.com>
	// To: <asha@example.com>
	// Subject: Welcome, Asha
	// Message-ID: <run-42.welcome@mohalla.local>
}

// serveOne answers one SMTP session and sends back the envelope commands and
// the message's To, Subject and Message-ID headers.
func serveOne(ln net.Listener, got chan<- []string) {
	conn, err := ln.Accept()
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	r, seen, inData := bufio.NewReader(conn), []string{}, false
	fmt.Fprint(conn, "220 example ESMTP\r\n")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			break
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case inData && line == ".":
			inData = false
			fmt.Fprint(conn, "250 queued as 1\r\n")
		case inData:
			for _, h := range []string{"To: ", "Subject: ", "Message-ID: "} {
				if strings.HasPrefix(line, h) {
					seen = append(seen, line)
				}
			}
		case line == "DATA":
			inData = true
			fmt.Fprint(conn, "354 go ahead\r\n")
		case line == "QUIT":
			fmt.Fprint(conn, "221 bye\r\n")
			got <- seen
			return
		default: // EHLO, MAIL FROM, RCPT TO
			if strings.HasPrefix(line, "MAIL") || strings.HasPrefix(line, "RCPT") {
				seen = append(seen, line)
			}
			fmt.Fprint(conn, "250 ok\r\n")
		}
	}
	got <- seen
}
