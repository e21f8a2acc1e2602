package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/consentdesk/consent/client/sandbox"
	"github.com/consentdesk/consent/client/sandbox/sandboxtest"
)

// testLimits are serveLimits shortened so that a test sees them act.
var testLimits = serverLimits{
	readHeader:     300 * time.Millisecond,
	read:           600 * time.Millisecond,
	handle:         600 * time.Millisecond,
	idle:           400 * time.Millisecond,
	maxHeaderBytes: 4 << 10,
}

// TestSandboxServerCutsOffSlowClients talks raw TCP to the server `consent
// sandbox serve` builds (with short limits) the way a hostile or broken
// client would, and requires each connection to be closed within its
// bound instead of being held for ever.
func TestSandboxServerCutsOffSlowClients(t *testing.T) {
	const head = "Host: sandbox.test\r\nAuthorization: Klaviyo-API-Key pk_hostile\r\nrevision: 2026-07-15\r\n"
	tests := []struct {
		name   string
		send   string
		bound  time.Duration // from the last byte sent
		answer string        // what the answer starts with, if any
	}{
		{"half the headers", "GET /api/lists HTTP/1.1\r\nHost: sandbox.test\r\n", testLimits.readHeader, ""},
		{"headers and no body", "POST /api/profile-subscription-bulk-create-jobs HTTP/1.1\r\n" + head +
			"Content-Type: application/vnd.api+json\r\nContent-Length: 1000\r\n\r\n{\"data\":", testLimits.read, ""},
		{"idle after an answer", "GET /api/lists HTTP/1.1\r\n" + head + "\r\n", testLimits.idle, "HTTP/1.1 200 OK"},
		{"headers too large", "GET /api/lists HTTP/1.1\r\n" + head + "X-Padding: " + strings.Repeat("x", 64<<10) + "\r\n\r\n",
			testLimits.readHeader, "HTTP/1.1 431"},
	}
	sb := sandboxtest.Open(t, sandbox.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newSandboxServer(sb, 0, testLimits)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tt.send); err != nil {
				t.Fatal(err)
			}
			sent := time.Now()
			const slack = 2 * time.Second
			conn.SetReadDeadline(sent.Add(tt.bound + slack))
			got, err := io.ReadAll(conn)
			held := time.Since(sent)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the connection was still open %s after the request (bound %s); read %.120q", held.Round(time.Millisecond), tt.bound, got)
			}
			if !bytes.HasPrefix(got, []byte(tt.answer)) {
				t.Errorf("answer %.80q, want it to start with %q", got, tt.answer)
			}
		})
	}
}

// TestSandboxServerWriteDeadline: the write deadline leaves room for the
// whole request, the injected latency and the answer.
func TestSandboxServerWriteDeadline(t *testing.T) {
	for _, latency := range []time.Duration{0, 200 * time.Millisecond, 10 * time.Minute} {
		srv := newSandboxServer(nil, latency, serveLimits)
		if min := serveLimits.read + latency + serveLimits.handle; srv.WriteTimeout < min {
			t.Errorf("latency %s: write timeout %s, want at least %s", latency, srv.WriteTimeout, min)
		}
		if srv.ReadTimeout <= 0 || srv.ReadHeaderTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 {
			t.Errorf("latency %s: a limit is off: read header %s, read %s, idle %s, max header bytes %d",
				latency, srv.ReadHeaderTimeout, srv.ReadTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
		}
	}
}
