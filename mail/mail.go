// Package mail sends the marketplace's emails over SMTP: multipart text and HTML,
// with a Message-ID the caller chooses, so a resend after a crash is recognisably
// the same message.
package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// Message is one email.
type Message struct {
	To        string
	Subject   string
	Text      string
	HTML      string
	MessageID string // without angle brackets, e.g. "run-123.welcome@mohalla.local"
}

// Sender delivers messages to one SMTP server.
type Sender struct {
	addr string
	host string
	auth smtp.Auth
	from mail.Address
	// Timeout bounds one delivery. Default 10s.
	Timeout time.Duration
}

// NewSender returns a Sender for an smtp://[user:pass@]host:port URL, sending
// from the address from ("Mohalla Mart <orders@mohalla.local>").
func NewSender(smtpURL, from string) (*Sender, error) {
	u, err := url.Parse(smtpURL)
	if err != nil || u.Scheme != "smtp" || u.Host == "" {
		return nil, fmt.Errorf("mail: %q is not an smtp://host:port URL", smtpURL)
	}
	f, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail: sender address %q: %w", from, err)
	}
	host := u.Hostname()
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(host, "25")
	}
	s := &Sender{addr: addr, host: host, from: *f, Timeout: 10 * time.Second}
	if u.User != nil {
		pass, _ := u.User.Password()
		s.auth = smtp.PlainAuth("", u.User.Username(), pass, host)
	}
	return s, nil
}

// Send delivers m and returns the server's reply to the message data (such as
// "250 2.0.0 Ok: queued as 42").
func (s *Sender) Send(ctx context.Context, m Message) (string, error) {
	body, err := s.compose(m)
	if err != nil {
		return "", err
	}
	d := net.Dialer{Timeout: s.Timeout}
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return "", fmt.Errorf("mail: connect: %w", err)
	}
	_ = conn.SetDeadline(time.Now().Add(s.Timeout))
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return "", fmt.Errorf("mail: greeting: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: s.host}); err != nil {
			return "", fmt.Errorf("mail: STARTTLS: %w", err)
		}
	}
	if s.auth != nil {
		if err := c.Auth(s.auth); err != nil {
			return "", fmt.Errorf("mail: auth: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return "", fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return "", fmt.Errorf("mail: RCPT TO %s: %w", m.To, err)
	}
	reply, err := data(c.Text, body)
	if err != nil {
		return reply, fmt.Errorf("mail: DATA: %w", err)
	}
	_ = c.Quit()
	return reply, nil
}

// data sends the message body and returns the server's full reply, which
// net/smtp's Data discards.
func data(t *textproto.Conn, body []byte) (string, error) {
	id, err := t.Cmd("DATA")
	if err != nil {
		return "", err
	}
	t.StartResponse(id)
	_, _, err = t.ReadResponse(354)
	t.EndResponse(id)
	if err != nil {
		return "", err
	}
	w := t.DotWriter()
	if _, err := w.Write(body); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	code, msg, err := t.ReadResponse(250)
	return fmt.Sprintf("%d %s", code, msg), err
}

func (s *Sender) compose(m Message) ([]byte, error) {
	var b strings.Builder
	mw := multipart.NewWriter(&b)
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("mail: recipient %q: %w", m.To, err)
	}
	hdr := []string{
		"From: " + s.from.String(),
		"To: " + to.String(),
		"Subject: " + mimeHeader(m.Subject),
		"Message-ID: <" + m.MessageID + ">",
		"Date: " + time.Now().Format(time.RFC1123Z),
		"MIME-Version: 1.0",
		"Content-Type: multipart/alternative; boundary=" + mw.Boundary(),
	}
	var out strings.Builder
	out.WriteString(strings.Join(hdr, "\r\n") + "\r\n\r\n")
	for _, part := range []struct{ kind, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.kind + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := qp.Write([]byte(part.body)); err != nil {
			return nil, err
		}
		qp.Close()
	}
	mw.Close()
	out.WriteString(b.String())
	return []byte(strings.ReplaceAll(strings.ReplaceAll(out.String(), "\r\n", "\n"), "\n", "\r\n")), nil
}

// mimeHeader encodes a header value that is not plain ASCII.
func mimeHeader(s string) string {
	for _, r := range s {
		if r > 126 {
			return "=?utf-8?q?" + strings.ReplaceAll(qpWord(s), " ", "_") + "?="
		}
	}
	return s
}

func qpWord(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c > 126 || c == '=' || c == '?' || c == '_' {
			fmt.Fprintf(&b, "=%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// NewMessageID returns a Message-ID for key (a run and step) at domain; the same
// key always gives the same id.
func NewMessageID(key, domain string) string {
	clean := strings.Map(func(r rune) rune {
		if r == '<' || r == '>' || r == '@' || r == ' ' {
			return '-'
		}
		return r
	}, key)
	return clean + "@" + domain
}

// Ping connects to the server and reads its greeting, for /readyz: it
// reports whether mail could be sent now.
func (s *Sender) Ping(ctx context.Context) error {
	d := net.Dialer{Timeout: s.Timeout}
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return fmt.Errorf("mail: connect: %w", err)
	}
	defer conn.Close()
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(s.Timeout)
	}
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return fmt.Errorf("mail: greeting: %w", err)
	}
	_ = c.Quit()
	return nil
}
