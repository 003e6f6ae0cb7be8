package httpapi

import (
	"cmp"
	"log"
	"net/http"
	"time"
)

// Timeouts bound each phase of a connection, so that a slow or idle client
// cannot hold one: a slow-loris sending its headers a byte at a time is cut
// off at ReadHeader. The live stream lifts Read and Write for itself and
// bounds each of its writes instead.
type Timeouts struct {
	// ReadHeader bounds reading a request's headers. Default 5s.
	ReadHeader time.Duration
	// Read bounds reading a whole request, body included. Default 30s.
	Read time.Duration
	// Write bounds writing an answer, from the end of reading the headers.
	// Default 60s.
	Write time.Duration
	// Idle bounds the wait for the next request on a kept-alive
	// connection. Default 2m.
	Idle time.Duration
}

// DefaultTimeouts are the timeouts of the serve command.
func DefaultTimeouts() Timeouts {
	return Timeouts{ReadHeader: 5 * time.Second, Read: 30 * time.Second, Write: 60 * time.Second, Idle: 2 * time.Minute}
}

// maxHeaderBytes bounds a request's headers; tokens are well under it.
const maxHeaderBytes = 64 << 10

// HTTPServer returns the http.Server of h with timeouts t; a zero field of t
// is its default. errLog receives the server's own errors; nil is the log
// package's standard logger.
func HTTPServer(h http.Handler, t Timeouts, errLog *log.Logger) *http.Server {
	d := DefaultTimeouts()
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: cmp.Or(t.ReadHeader, d.ReadHeader),
		ReadTimeout:       cmp.Or(t.Read, d.Read),
		WriteTimeout:      cmp.Or(t.Write, d.Write),
		IdleTimeout:       cmp.Or(t.Idle, d.Idle),
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          errLog,
	}
}
