package gioexport

import (
	"errors"
	"testing"
)

// Each failed call hands over an error object, which the package copies
// with C.GoString and frees once with gioexport_error_free. The 10,000
// calls check that every message arrives intact.
// NOTE: this loop does not detect leaks or double frees in C memory, since
// Go's race and memory checkers do not see the library's allocations.
func TestFailingCallsCopyEveryMessage(t *testing.T) {
	client := newClient(t, sharedURL)
	ctx := testContext(t)
	const want = `gioexport: invalid export date "20261304": no such date or time: ` +
		`expected Beijing time as yyyyMMddHHmm (12 digits), yyyyMMddHH or yyyyMMdd`

	for i := 0; i < 10000; i++ {
		_, err := client.FetchLinks(ctx, "hour", "20261304", 0)
		var apiErr *Error
		if !errors.As(err, &apiErr) {
			t.Fatalf("call %d: error %v, want an *Error", i, err)
		}
		if apiErr.Code != CodeInvalidArgument || err.Error() != want {
			t.Fatalf("call %d: %v (code %d), want %q", i, err, apiErr.Code, want)
		}
	}
}

func TestDownloadExportRejectsBadDate(t *testing.T) {
	client := newClient(t, sharedURL)
	_, err := client.DownloadExport(testContext(t), ExportRequest{
		Type: "hour", Date: "20261304", DataTypes: []string{"visit"}, OutDir: t.TempDir(),
	})
	if !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("error %v, want ErrInvalidArgument", err)
	}
}

func TestCodeNames(t *testing.T) {
	cases := map[Code]string{
		CodeOK:               "ok",
		CodeChecksumMismatch: "checksum_mismatch",
		CodeWouldDeadlock:    "would_deadlock",
		Code(12345):          "unknown",
	}
	for code, want := range cases {
		if got := code.String(); got != want {
			t.Errorf("Code(%d).String() = %q, want %q", int(code), got, want)
		}
	}
}

func TestErrorUnwrapsToCodeAndCause(t *testing.T) {
	cause := errors.New("cause")
	err := error(&Error{Code: CodeCancelled, Message: "the operation was cancelled", cause: cause})
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, cause) || errors.Is(err, ErrTimeout) {
		t.Fatalf("errors.Is results wrong for %v", err)
	}
	var code Code
	if !errors.As(err, &code) || code != CodeCancelled {
		t.Fatalf("errors.As to Code gave %v", code)
	}
	if err.Error() != "gioexport: the operation was cancelled: cause" {
		t.Fatalf("Error() = %q", err.Error())
	}
}
