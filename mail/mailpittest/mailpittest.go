// Package mailpittest runs a real SMTP server for tests: a Mailpit process on
// free loopback ports, and a reader of what it received through Mailpit's API.
//
// One Mailpit serves a test package, started in TestMain; each test sends to
// its own address and reads back only what was sent there:
//
//	var mailpit *mailpittest.Server
//
//	func TestMain(m *testing.M) {
//		var err error
//		if mailpit, err = mailpittest.Start(); err != nil {
//			fmt.Fprintln(os.Stderr, "these tests need Mailpit:", err)
//			os.Exit(1)
//		}
//		code := m.Run()
//		mailpit.Stop()
//		os.Exit(code)
//	}
//
//	func TestWelcome(t *testing.T) {
//		sender, err := mail.NewSender(mailpit.SMTPURL, "Mohalla Mart <orders@mohalla.local>")
//		if err != nil {
//			t.Fatal(err)
//		}
//		to := "welcome-" + strings.ToLower(t.Name()) + "@example.com"
//		if _, err := sender.Send(t.Context(), mail.Message{To: to, Subject: "Welcome", Text: "Hello"}); err != nil {
//			t.Fatal(err)
//		}
//		if got := mailpit.To(t, to); len(got) != 1 || got[0].Subject != "Welcome" {
//			t.Fatalf("Mailpit holds %+v for %s, want one welcome", got, to)
//		}
//	}
package mailpittest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Version is the Mailpit the project installs (.ci/run: go install
// github.com/axllent/mailpit@Version).
const Version = "v1.33.1"

// Server is a running Mailpit.
type Server struct {
	SMTPURL string // smtp://127.0.0.1:port
	API     string // http://127.0.0.1:port
	cmd     *exec.Cmd
}

// binary finds mailpit on PATH or in Go's bin directory, installing it there
// with go install when it is in neither.
func binary() (string, error) {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p, nil
	}
	gobin := os.Getenv("GOBIN")
	if gobin == "" {
		out, err := exec.Command("go", "env", "GOPATH").Output()
		if err != nil {
			return "", err
		}
		gobin = filepath.Join(strings.TrimSpace(string(out)), "bin")
	}
	p := filepath.Join(gobin, "mailpit")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	// Not there yet: install it, once per machine, as .ci/run does.
	install := exec.Command("go", "install", "github.com/axllent/mailpit@"+Version)
	install.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=-mod=mod")
	if out, err := install.CombinedOutput(); err != nil {
		return "", fmt.Errorf("install mailpit: %v\n%s", err, out)
	}
	return p, nil
}

// Start runs a Mailpit for the rest of the process; call Stop when done (from
// TestMain). It fails rather than skips when Mailpit cannot run.
func Start() (*Server, error) {
	bin, err := binary()
	if err != nil {
		return nil, err
	}
	smtpPort, apiPort, err := freePort(), freePort(), nil
	if smtpPort == 0 || apiPort == 0 {
		return nil, fmt.Errorf("mailpittest: no free port")
	}
	dir, err := os.MkdirTemp("", "mailpit")
	if err != nil {
		return nil, err
	}
	s := &Server{SMTPURL: fmt.Sprintf("smtp://127.0.0.1:%d", smtpPort), API: fmt.Sprintf("http://127.0.0.1:%d", apiPort)}
	s.cmd = exec.Command(bin, "--smtp", fmt.Sprintf("127.0.0.1:%d", smtpPort), "--listen", fmt.Sprintf("127.0.0.1:%d", apiPort),
		"--database", filepath.Join(dir, "mailpit.db"), "--disable-version-check", "--quiet", "--max", "5000",
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure")
	s.cmd.Stderr = os.Stderr
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	for deadline := time.Now().Add(15 * time.Second); ; {
		if resp, err := http.Get(s.API + "/api/v1/messages?limit=1"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("mailpit did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop ends the Mailpit process.
func (s *Server) Stop() {
	if s != nil && s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	}
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Message is what Mailpit received.
type Message struct {
	ID        string `json:"ID"`
	MessageID string `json:"MessageID"`
	Subject   string `json:"Subject"`
	To        []struct {
		Address string `json:"Address"`
	} `json:"To"`
	Text string `json:"-"`
	HTML string `json:"-"`
}

// To returns the messages Mailpit received for address, with their bodies.
func (s *Server) To(t testing.TB, address string) []Message {
	t.Helper()
	var list struct {
		Messages []Message `json:"messages"`
	}
	s.get(t, "/api/v1/messages?limit=5000", &list)
	var out []Message
	for _, m := range list.Messages {
		for _, to := range m.To {
			if strings.EqualFold(to.Address, address) {
				var full struct {
					Text string `json:"Text"`
					HTML string `json:"HTML"`
				}
				s.get(t, "/api/v1/message/"+m.ID, &full)
				m.Text, m.HTML = full.Text, full.HTML
				out = append(out, m)
				break
			}
		}
	}
	return out
}

func (s *Server) get(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := http.Get(s.API + path)
	if err != nil {
		t.Fatalf("mailpit API: %v", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("mailpit API %s: %v", path, err)
	}
}

// List returns every message Mailpit holds (at most its --max, 5000), newest
// first, without their bodies: a quick census for tests that count messages.
func (s *Server) List(t testing.TB) []Message {
	t.Helper()
	var out []Message
	for start := 0; ; start += 1000 {
		var page struct {
			Messages []Message `json:"messages"`
		}
		s.get(t, fmt.Sprintf("/api/v1/messages?limit=1000&start=%d", start), &page)
		out = append(out, page.Messages...)
		if len(page.Messages) < 1000 {
			return out
		}
	}
}
