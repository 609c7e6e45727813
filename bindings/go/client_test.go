package gioexport

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

var allTypes = []string{"visit", "page", "action", "action_tag", "custom_event", "pvar", "evar",
	"vstr", "ads_track_activation", "ads_track_click"}

func TestVersionNotOlderThanHeader(t *testing.T) {
	if VersionNumber() < HeaderVersion {
		t.Fatalf("library %d is older than header %d", VersionNumber(), HeaderVersion)
	}
	if Version() == "" {
		t.Fatal("Version() is empty")
	}
}

func TestFetchTokenReturnsToken(t *testing.T) {
	client := newClient(t, sharedURL)
	token, err := client.FetchToken(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(token) != 64 {
		t.Fatalf("token has %d characters, want 64", len(token))
	}
}

func TestFetchLinksAllTypes(t *testing.T) {
	client := newClient(t, sharedURL)
	hour := recentHour()
	links, err := client.FetchLinks(testContext(t), "hour", hour, 0)
	if err != nil {
		t.Fatal(err)
	}
	if links.Status != StatusFinished || links.StatusText != "FINISHED" {
		t.Fatalf("status %v (%q), want FINISHED", links.Status, links.StatusText)
	}
	if links.ExportDate != hour || links.ExportType != "hour" || links.DataType != "" {
		t.Fatalf("listing of %q %q %q, want hour %q and all types", links.ExportType, links.ExportDate, links.DataType, hour)
	}
	if len(links.Types) != len(allTypes) {
		t.Fatalf("%d data types, want %d", len(links.Types), len(allTypes))
	}
	for i, one := range links.Types {
		if one.DataType != allTypes[i] {
			t.Errorf("type %d is %q, want %q", i, one.DataType, allTypes[i])
		}
		if len(one.URLs) != 1 {
			t.Errorf("type %q has %d links, want 1", one.DataType, len(one.URLs))
		}
	}
	if links.TotalCount() != len(allTypes) {
		t.Fatalf("TotalCount() = %d, want %d", links.TotalCount(), len(allTypes))
	}
}

func TestFetchTypeLinksDay(t *testing.T) {
	client := newClient(t, sharedURL)
	day := yesterday()
	links, err := client.FetchTypeLinks(testContext(t), "day", "page", day, 30*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if links.DataType != "page" || links.ExportDate != day {
		t.Fatalf("listing of %q %q, want page %q", links.DataType, links.ExportDate, day)
	}
	if len(links.Types) != 1 || links.Types[0].DataType != "page" {
		t.Fatalf("types %+v, want page only", links.Types)
	}
	if got := len(links.Types[0].URLs); got != 24 {
		t.Fatalf("%d links for a day, want 24", got)
	}
}

func TestFetchLinksRejectsBadExpiry(t *testing.T) {
	client := newClient(t, sharedURL)
	for _, expiry := range []time.Duration{time.Second, 90 * time.Second, 10081 * time.Minute, -time.Minute} {
		_, err := client.FetchLinks(testContext(t), "hour", recentHour(), expiry)
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("expiry %v: error %v, want ErrInvalidArgument", expiry, err)
		}
	}
}

func TestDownloadLinkVerifiesFile(t *testing.T) {
	client := newClient(t, sharedURL)
	ctx := testContext(t)
	links, err := client.FetchTypeLinks(ctx, "hour", "visit", recentHour(), 0)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sub", "visit.csv.gz")

	var reports []Progress
	result, err := client.DownloadLink(ctx, links.Types[0].URLs[0], path, DownloadOptions{
		RequireMD5: true,
		Progress: func(p Progress) error {
			reports = append(reports, p)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(data)
	if result.Path != path || result.Bytes != uint64(len(data)) || !result.Verified {
		t.Fatalf("result %+v for a file of %d bytes", result, len(data))
	}
	if result.MD5 != hex.EncodeToString(sum[:]) {
		t.Fatalf("MD5 %s, file has %x", result.MD5, sum)
	}
	if len(reports) == 0 {
		t.Fatal("no progress report")
	}
	last := reports[len(reports)-1]
	if last.Path != path || last.BytesDone != result.Bytes {
		t.Fatalf("last progress %+v, want path %s and %d bytes", last, path, result.Bytes)
	}
}

func TestDownloadExportTwoTypes(t *testing.T) {
	client := newClient(t, sharedURL)
	outDir := t.TempDir()
	hour := recentHour()

	var mu sync.Mutex
	var last Progress
	result, err := client.DownloadExport(testContext(t), ExportRequest{
		Type:      "hour",
		Date:      hour,
		DataTypes: []string{"visit", "page"},
		OutDir:    outDir,
		NoFsync:   true,
		Progress: func(p Progress) error {
			mu.Lock()
			last = p
			mu.Unlock()
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}

	wantDir := filepath.Join(outDir, demoAI, "hour", hour)
	if result.ExportDir != wantDir || result.ManifestPath != filepath.Join(wantDir, "manifest.json") {
		t.Fatalf("export dir %q, manifest %q, want under %q", result.ExportDir, result.ManifestPath, wantDir)
	}
	if len(result.Files) != 2 || result.FailedCount != 0 {
		t.Fatalf("%d files, %d failed, want 2 and 0", len(result.Files), result.FailedCount)
	}
	for i, want := range []string{"visit", "page"} {
		file := result.Files[i]
		if file.DataType != want || file.Position != 0 || file.Err != nil || !file.Verified {
			t.Errorf("file %d: %+v", i, file)
		}
		if file.Path != want+"/part-00000.csv.gz" {
			t.Errorf("file %d path %q", i, file.Path)
		}
		info, err := os.Stat(filepath.Join(result.ExportDir, file.Path))
		if err != nil || uint64(info.Size()) != file.Bytes {
			t.Errorf("file %d on disk: %v, size want %d", i, err, file.Bytes)
		}
	}
	if result.Listing == nil || len(result.Listing.Types) != 2 {
		t.Fatalf("listing %+v, want two types", result.Listing)
	}

	manifest, err := os.ReadFile(result.ManifestPath)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(manifest) {
		t.Fatal("manifest.json is not valid JSON")
	}
	// Without syncs the journal marks both files, for a re-run to check.
	journal, err := os.ReadFile(filepath.Join(result.ExportDir, ".gioexport-journal"))
	if err != nil {
		t.Fatal(err)
	}
	marked := 0
	for _, line := range strings.Split(string(journal), "\n") {
		if strings.HasPrefix(line, "verified ") && strings.HasSuffix(line, " unsynced") {
			marked++
		}
	}
	if marked != 2 {
		t.Fatalf("%d records marked unsynced, want 2; journal:\n%s", marked, journal)
	}
	mu.Lock()
	defer mu.Unlock()
	if last.FilesTotal != 2 || last.FilesDone != 2 || last.FilesFailed != 0 {
		t.Fatalf("last progress %+v, want 2 of 2 files", last)
	}
}

func TestDownloadExportReportsFailedFile(t *testing.T) {
	baseURL := newEmulator(t)
	client := newClient(t, baseURL)
	addFault(t, baseURL, `{"kind":"wrong_md5","target":"objects","match":{"data_type":"page","position":0},"count":-1}`)

	result, err := client.DownloadExport(testContext(t), ExportRequest{
		Type: "hour", Date: recentHour(), DataTypes: []string{"visit", "page"}, OutDir: t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if result.FailedCount != 1 {
		t.Fatalf("FailedCount %d, want 1", result.FailedCount)
	}
	failed := result.Files[1]
	if !errors.Is(failed.Err, ErrChecksumMismatch) {
		t.Fatalf("page file error %v, want ErrChecksumMismatch", failed.Err)
	}
	if result.Files[0].Err != nil {
		t.Fatalf("visit file error %v, want none", result.Files[0].Err)
	}
}

func TestAuthFailedError(t *testing.T) {
	config := demoConfig(sharedURL)
	config.Secret = "wrong-secret"
	client, err := NewClient(config)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()

	_, err = client.FetchLinks(testContext(t), "hour", recentHour(), 0)
	if !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("error %v, want ErrAuthFailed", err)
	}
	var apiErr *Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %T is not an *Error", err)
	}
	if apiErr.Code != CodeAuthFailed || apiErr.HTTPStatus != 401 || apiErr.Retryable {
		t.Fatalf("error %+v, want auth_failed, HTTP 401, not retryable", apiErr)
	}
	if !strings.HasPrefix(apiErr.ServerMessage, "signature mismatch") {
		t.Fatalf("server message %q, want one that starts with %q", apiErr.ServerMessage, "signature mismatch")
	}
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Fatalf("message %q contains the secret", err)
	}
	if errors.Is(err, ErrTimeout) {
		t.Fatal("an auth_failed error matches ErrTimeout")
	}
}

func TestServerBusyIsRetryable(t *testing.T) {
	baseURL := newEmulator(t)
	config := demoConfig(baseURL)
	config.RetryMaxAttempts = 1
	client, err := NewClient(config)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	addFault(t, baseURL, `{"kind":"status","target":"api","status":503,"count":1}`)

	_, err = client.FetchLinks(testContext(t), "hour", recentHour(), 0)
	var apiErr *Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v, want an *Error", err)
	}
	if apiErr.HTTPStatus != 503 || !apiErr.Retryable {
		t.Fatalf("error %+v, want HTTP 503 and retryable", apiErr)
	}
}

func TestNewClientRejectsBadConfig(t *testing.T) {
	cases := map[string]func(*Config){
		"missing ai":      func(c *Config) { c.AI = "" },
		"NUL in secret":   func(c *Config) { c.Secret = "demo\x00secret" },
		"bad base url":    func(c *Config) { c.BaseURL = "ftp://example.invalid" },
		"too many thread": func(c *Config) { c.Threads = 257 },
		"ftp proxy":       func(c *Config) { c.ProxyURL = "ftp://proxy.invalid:21" },
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			config := demoConfig(sharedURL)
			change(&config)
			client, err := NewClient(config)
			if err == nil {
				client.Close()
				t.Fatal("NewClient succeeded")
			}
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.Message == "" {
				t.Fatalf("error %v, want an *Error with a message", err)
			}
		})
	}
}

func TestContextDeadlineCancelsDownload(t *testing.T) {
	baseURL := newEmulator(t)
	client := newClient(t, baseURL)
	links, err := client.FetchTypeLinks(testContext(t), "hour", "visit", recentHour(), 0)
	if err != nil {
		t.Fatal(err)
	}
	addFault(t, baseURL, `{"kind":"slow","target":"objects","bytes_per_second":4096,"count":-1}`)
	path := filepath.Join(t.TempDir(), "visit.csv.gz")

	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	started := time.Now()
	_, err = client.DownloadLink(ctx, links.Types[0].URLs[0], path, DownloadOptions{})
	elapsed := time.Since(started)

	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrCancelled) {
		t.Fatalf("error %v, want ErrCancelled wrapping context.DeadlineExceeded", err)
	}
	if elapsed > 10*time.Second {
		t.Fatalf("the call returned after %v", elapsed)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("final file exists after a cancel: %v", err)
	}
	if _, err := os.Stat(path + ".part"); err != nil {
		t.Fatalf("no .part file after a cancel: %v", err)
	}
}

func TestCancelledContextStartsNothing(t *testing.T) {
	client := newClient(t, sharedURL)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := client.FetchToken(ctx)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrCancelled) {
		t.Fatalf("error %v, want ErrCancelled wrapping context.Canceled", err)
	}
}

func TestProgressErrorCancelsDownload(t *testing.T) {
	baseURL := newEmulator(t, "--chunk-bytes", "1048576")
	client := newClient(t, baseURL)
	links, err := client.FetchTypeLinks(testContext(t), "hour", "visit", recentHour(), 0)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "visit.csv.gz")
	stop := errors.New("enough")

	calls := 0
	_, err = client.DownloadLink(testContext(t), links.Types[0].URLs[0], path, DownloadOptions{
		BufferSize: 16384,
		Progress: func(Progress) error {
			calls++
			if calls == 2 {
				return stop
			}
			return nil
		},
	})
	if !errors.Is(err, stop) || !errors.Is(err, ErrCancelled) {
		t.Fatalf("error %v, want ErrCancelled wrapping the progress error", err)
	}
	if calls != 2 {
		t.Fatalf("progress called %d times, want 2", calls)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("final file exists after a cancel: %v", err)
	}
}

func TestProgressPanicReachesCaller(t *testing.T) {
	baseURL := newEmulator(t, "--chunk-bytes", "1048576")
	client := newClient(t, baseURL)
	links, err := client.FetchTypeLinks(testContext(t), "hour", "visit", recentHour(), 0)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "visit.csv.gz")

	calls := 0
	recovered := func() (value any) {
		defer func() { value = recover() }()
		client.DownloadLink(testContext(t), links.Types[0].URLs[0], path, DownloadOptions{
			BufferSize: 65536,
			Progress: func(Progress) error {
				calls++
				if calls == 3 {
					panic("progress failed on call 3")
				}
				return nil
			},
		})
		return nil
	}()

	if recovered != "progress failed on call 3" {
		t.Fatalf("recovered %v, want the progress function's panic", recovered)
	}
	if calls != 3 {
		t.Fatalf("progress called %d times, want 3", calls)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("final file exists after a panic: %v", err)
	}
	// The client still works.
	if _, err := client.FetchToken(testContext(t)); err != nil {
		t.Fatal(err)
	}
}

func TestCloseCancelsRunningDownload(t *testing.T) {
	baseURL := newEmulator(t)
	client, err := NewClient(demoConfig(baseURL))
	if err != nil {
		t.Fatal(err)
	}
	links, err := client.FetchTypeLinks(testContext(t), "hour", "visit", recentHour(), 0)
	if err != nil {
		t.Fatal(err)
	}
	addFault(t, baseURL, `{"kind":"slow","target":"objects","bytes_per_second":4096,"count":-1}`)

	started := make(chan struct{})
	done := make(chan error)
	go func() {
		var once sync.Once
		_, err := client.DownloadLink(context.Background(), links.Types[0].URLs[0],
			filepath.Join(t.TempDir(), "visit.csv.gz"), DownloadOptions{
				Progress: func(Progress) error {
					once.Do(func() { close(started) })
					return nil
				},
			})
		done <- err
	}()
	<-started
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}
	err = <-done
	if !errors.Is(err, ErrClosed) || !errors.Is(err, ErrCancelled) {
		t.Fatalf("error %v, want ErrCancelled wrapping ErrClosed", err)
	}
	if _, err := client.FetchToken(testContext(t)); !errors.Is(err, ErrClosed) {
		t.Fatalf("call after Close: %v, want ErrClosed", err)
	}
	if err := client.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestClientSharedByGoroutines(t *testing.T) {
	client := newClient(t, sharedURL)
	hour := recentHour()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(dataType string) {
			defer wg.Done()
			links, err := client.FetchTypeLinks(testContext(t), "hour", dataType, hour, 0)
			if err == nil && links.DataType != dataType {
				err = errors.New("listing of " + links.DataType + ", want " + dataType)
			}
			errs <- err
		}(allTypes[i%len(allTypes)])
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestUnclosedClientIsFreed(t *testing.T) {
	before := cleanupsRun.Load()
	func() {
		if _, err := NewClient(demoConfig(sharedURL)); err != nil {
			t.Fatal(err)
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for cleanupsRun.Load() == before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if cleanupsRun.Load() == before {
		t.Fatal("the cleanup of an unreachable client did not run")
	}
}

func TestNulByteRejected(t *testing.T) {
	client := newClient(t, sharedURL)
	_, err := client.FetchTypeLinks(testContext(t), "hour", "visit\x00page", recentHour(), 0)
	if !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("error %v, want ErrInvalidArgument", err)
	}
}
