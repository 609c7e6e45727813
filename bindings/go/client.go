package gioexport

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Config holds the settings of a Client. The zero value of every optional
// field keeps the library's default.
type Config struct {
	// BaseURL is the base URL of the export API. Empty means
	// "https://www.growingio.com". http:// is accepted, for local
	// emulators.
	BaseURL string

	// ClientID (sent as X-Client-Id), Project (the project UID) and AI
	// (the project ID) are required. Secret, the HMAC key that is never
	// sent, is required unless Token is set. With a Token no token
	// request is made.
	ClientID string
	Secret   string
	Project  string
	AI       string
	Token    string

	// InsecureSkipVerify turns off the check of the server's certificate
	// chain and host name. Use it only for tests.
	InsecureSkipVerify bool
	// CAFile is a PEM file of trusted CA certificates. Empty uses the
	// system store.
	CAFile string

	// Deadlines of the phases of one HTTP exchange. Zero keeps the
	// default (connect 30 s, TLS handshake 30 s, first byte 60 s, idle
	// 60 s, whole request none) and a negative value turns the deadline
	// off. They are rounded up to whole milliseconds.
	ConnectTimeout      time.Duration
	TLSHandshakeTimeout time.Duration
	FirstByteTimeout    time.Duration
	IdleTimeout         time.Duration
	RequestTimeout      time.Duration

	// Retries of failed requests. Connection errors, timeouts, bodies cut
	// short, 5xx and 429 are retried, but other 4xx are not.
	// RetryMaxAttempts counts attempts per request, the first included
	// (default 5). RetryBaseDelay is the floor of the first backoff delay
	// (default 200 ms), RetryMaxDelay the cap of one delay (default 30 s),
	// RetryDeadline the time for all attempts of one request (default
	// none). A Retry-After longer than MaxRetryAfter fails with
	// CodeRateLimited instead of waiting (default 120 s).
	RetryMaxAttempts int
	RetryBaseDelay   time.Duration
	RetryMaxDelay    time.Duration
	RetryDeadline    time.Duration
	MaxRetryAfter    time.Duration

	// APICallsPerSecond caps how often export API calls (token and
	// listings) of the client start, over all goroutines. Zero keeps the
	// default of 2, the limit the API documentation states, and a negative
	// value turns the cap off. Downloads do not count.
	APICallsPerSecond float64

	// ProxyURL is an HTTP proxy reached with CONNECT, for the API and the
	// downloads alike, as "http://[user:password@]host:port". Empty uses
	// the environment unless IgnoreProxyEnvironment is set.
	ProxyURL string
	// IgnoreProxyEnvironment stops the client from reading HTTPS_PROXY,
	// HTTP_PROXY and NO_PROXY, which it does by default when ProxyURL is
	// empty.
	IgnoreProxyEnvironment bool
	// NoProxy lists host names reached directly, comma-separated, a
	// leading dot optional and "*" for all. Empty uses NO_PROXY.
	NoProxy string

	// Threads is the number of I/O threads of the client's runtime, 1 to
	// 256. Zero uses the number of hardware threads.
	Threads int
}

// Client is a client of the export API and of the object storage behind
// its links. It owns a runtime of I/O threads. Its methods may be called
// from any number of goroutines at once. Close it when done. A Client that
// becomes unreachable without Close is freed by the garbage collector.
type Client struct {
	// mu guards the handles: calls hold it for reading while they start an
	// operation, Close holds it for writing while it frees them.
	mu      sync.RWMutex
	client  *C.gioexport_client
	runtime *C.gioexport_runtime
	cleanup runtime.Cleanup
}

// handles is the pair of C handles that the cleanup frees. It must not
// refer to the Client, or the Client would never become unreachable.
type handles struct {
	client  *C.gioexport_client
	runtime *C.gioexport_runtime
}

func (h handles) free() {
	C.gioexport_client_free(h.client)
	// Cancels the operations still running and waits for their callbacks.
	C.gioexport_runtime_free(h.runtime)
}

// cleanupsRun counts the clients freed by the garbage collector, for tests.
var cleanupsRun atomic.Int64

// freeUnclosed frees a client that became unreachable without Close.
func freeUnclosed(h handles) {
	h.free()
	cleanupsRun.Add(1)
}

// NewClient starts a runtime and creates a client on it. No request is
// sent. It fails with ErrLibraryTooOld when the loaded library is older
// than the header the package was built with, and with an *Error of code
// CodeInvalidArgument, CodeInvalidURL or CodeTLSFailed for bad settings.
func NewClient(config Config) (*Client, error) {
	if err := checkVersion(); err != nil {
		return nil, err
	}
	var strs cStrings
	defer strs.free()

	var options C.gioexport_client_options
	C.gioexport_client_options_init(&options, C.size_t(unsafe.Sizeof(options)))
	options.base_url = strs.optional("BaseURL", config.BaseURL)
	options.client_id = strs.optional("ClientID", config.ClientID)
	options.secret = strs.optional("Secret", config.Secret)
	options.project = strs.optional("Project", config.Project)
	options.ai = strs.optional("AI", config.AI)
	options.token = strs.optional("Token", config.Token)
	options.tls_ca_file = strs.optional("CAFile", config.CAFile)
	options.proxy_url = strs.optional("ProxyURL", config.ProxyURL)
	options.no_proxy = strs.optional("NoProxy", config.NoProxy)
	if config.IgnoreProxyEnvironment {
		options.proxy_from_environment = 0
	}
	if config.InsecureSkipVerify {
		options.tls_verify_peer = 0
	}
	durations := []struct {
		name  string
		value time.Duration
		unit  time.Duration
		field *C.uint32_t
	}{
		{"ConnectTimeout", config.ConnectTimeout, time.Millisecond, &options.connect_timeout_ms},
		{"TLSHandshakeTimeout", config.TLSHandshakeTimeout, time.Millisecond, &options.tls_handshake_timeout_ms},
		{"FirstByteTimeout", config.FirstByteTimeout, time.Millisecond, &options.first_byte_timeout_ms},
		{"IdleTimeout", config.IdleTimeout, time.Millisecond, &options.idle_timeout_ms},
		{"RequestTimeout", config.RequestTimeout, time.Millisecond, &options.request_timeout_ms},
		{"RetryBaseDelay", config.RetryBaseDelay, time.Millisecond, &options.retry_base_delay_ms},
		{"RetryMaxDelay", config.RetryMaxDelay, time.Millisecond, &options.retry_max_delay_ms},
		{"RetryDeadline", config.RetryDeadline, time.Millisecond, &options.retry_deadline_ms},
		{"MaxRetryAfter", config.MaxRetryAfter, time.Second, &options.max_retry_after_seconds},
	}
	for _, d := range durations {
		if err := setDuration(d.field, d.name, d.value, d.unit); err != nil {
			return nil, err
		}
	}
	if config.RetryMaxAttempts != 0 {
		if config.RetryMaxAttempts < 1 || config.RetryMaxAttempts > math.MaxUint32 {
			return nil, invalidArgument(fmt.Sprintf("invalid RetryMaxAttempts %d: it must be at least 1", config.RetryMaxAttempts))
		}
		options.retry_max_attempts = C.uint32_t(config.RetryMaxAttempts)
	}
	switch {
	case config.APICallsPerSecond > 0:
		options.api_calls_per_second = C.double(config.APICallsPerSecond)
	case config.APICallsPerSecond < 0:
		options.api_calls_per_second = 0
	}
	if strs.err != nil {
		return nil, strs.err
	}

	var runtimeOptions C.gioexport_runtime_options
	C.gioexport_runtime_options_init(&runtimeOptions, C.size_t(unsafe.Sizeof(runtimeOptions)))
	if config.Threads < 0 || config.Threads > 256 {
		return nil, invalidArgument(fmt.Sprintf("invalid Threads %d: it must be from 0 to 256", config.Threads))
	}
	runtimeOptions.thread_count = C.unsigned(config.Threads)

	var cError *C.gioexport_error
	var cRuntime *C.gioexport_runtime
	if C.gioexport_runtime_new(&runtimeOptions, &cRuntime, &cError) != C.GIOEXPORT_OK {
		return nil, takeError(cError)
	}
	var cClient *C.gioexport_client
	if C.gioexport_client_new(cRuntime, &options, &cClient, &cError) != C.GIOEXPORT_OK {
		C.gioexport_runtime_free(cRuntime)
		return nil, takeError(cError)
	}
	c := &Client{client: cClient, runtime: cRuntime}
	c.cleanup = runtime.AddCleanup(c, freeUnclosed, handles{cClient, cRuntime})
	return c, nil
}

// Close cancels the operations still running, waits until the library has
// delivered their results, and frees the client and its runtime. The calls
// of those operations return CodeCancelled errors that wrap ErrClosed. Later calls return ErrClosed. Close may be called
// more than once, and only the first call does anything.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.client == nil {
		return nil
	}
	c.cleanup.Stop()
	handles{c.client, c.runtime}.free()
	c.client = nil
	c.runtime = nil
	return nil
}

func (c *Client) isClosed() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.client == nil
}

// setDuration stores d in a uint32 field counted in unit: zero keeps the
// default, a negative value stores 0 (off), and a positive value is rounded
// up so that it never becomes 0.
func setDuration(field *C.uint32_t, name string, d time.Duration, unit time.Duration) error {
	switch {
	case d == 0:
		return nil
	case d < 0:
		*field = 0
		return nil
	}
	count := (d + unit - 1) / unit
	if count > math.MaxUint32 {
		return invalidArgument(fmt.Sprintf("invalid %s %v: it is too long", name, d))
	}
	*field = C.uint32_t(count)
	return nil
}

// cStrings allocates C copies of Go strings and frees them all at once. The
// library copies every string it is given, so they live only for one call.
type cStrings struct {
	allocated []unsafe.Pointer
	err       error // the first string that contained a NUL byte
}

// required copies value. An empty value is passed as "", which the library
// rejects where a value is required.
func (s *cStrings) required(name, value string) *C.char {
	if strings.IndexByte(value, 0) >= 0 {
		if s.err == nil {
			s.err = invalidArgument(fmt.Sprintf("invalid %s: it contains a NUL byte", name))
		}
		return nil
	}
	copied := C.CString(value)
	s.allocated = append(s.allocated, unsafe.Pointer(copied))
	return copied
}

// optional copies value, or returns NULL for "" so that the library's
// default applies.
func (s *cStrings) optional(name, value string) *C.char {
	if value == "" {
		return nil
	}
	return s.required(name, value)
}

func (s *cStrings) free() {
	for _, p := range s.allocated {
		C.free(p)
	}
	s.allocated = nil
}
