package gioexport

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The emulator's default credentials.
const (
	demoClientID = "demo-client-id"
	demoSecret   = "demo-secret"
	demoProject  = "demoPrj1"
	demoAI       = "a1b2c3d4e5f60718"
)

// sharedURL is the base URL of the emulator that TestMain starts with its
// defaults: one chunk of 64 KiB per data type and hour.
var sharedURL string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	emu, err := startEmulator()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gioexport tests:", err)
		return 1
	}
	defer emu.stop()
	sharedURL = emu.url
	// Example builds its own Config, so the proxy variables go from the
	// environment, and the library reads them through the C environment,
	// which os.Unsetenv updates under cgo.
	for _, name := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"} {
		os.Unsetenv(name)
	}
	// Read by Example, which shows the real API's default when it is unset.
	os.Setenv("GIOEXPORT_BASE_URL", emu.url)
	return m.Run()
}

// emulator is a running gioexport-emulator on a loopback port.
type emulator struct {
	cmd *exec.Cmd
	dir string
	url string
}

// emulatorPath returns $GIOEXPORT_EMULATOR, or the emulator of the Meson
// build directory "build" at the top of the repository.
func emulatorPath() string {
	if path := os.Getenv("GIOEXPORT_EMULATOR"); path != "" {
		return path
	}
	return filepath.Join("..", "..", "build", "tools", "emulator", "gioexport-emulator")
}

// startEmulator starts the emulator on 127.0.0.1 with an ephemeral port and
// the extra arguments, and waits for its port file.
func startEmulator(args ...string) (*emulator, error) {
	dir, err := os.MkdirTemp("", "gioexport-go-emulator-")
	if err != nil {
		return nil, err
	}
	portFile := filepath.Join(dir, "port")
	logPath := filepath.Join(dir, "emulator.log")
	log, err := os.Create(logPath)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	defer log.Close()

	// The chunk cache lives in dir too, so that stop removes it even when
	// the emulator could not.
	all := append([]string{"--listen", "127.0.0.1", "--port", "0", "--port-file", portFile,
		"--cache-dir", filepath.Join(dir, "cache")}, args...)
	cmd := exec.Command(emulatorPath(), all...)
	cmd.Stdout = log
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s (set GIOEXPORT_EMULATOR to its path): %w", emulatorPath(), err)
	}
	emu := &emulator{cmd: cmd, dir: dir}

	port, err := waitForPort(portFile, 20*time.Second)
	if err != nil {
		output, _ := os.ReadFile(logPath)
		emu.stop()
		return nil, fmt.Errorf("%w; emulator output:\n%s", err, output)
	}
	emu.url = "http://127.0.0.1:" + strconv.Itoa(port)
	return emu, nil
}

// waitForPort reads the port that the emulator writes, through a rename,
// once it listens.
func waitForPort(portFile string, timeout time.Duration) (int, error) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		text, err := os.ReadFile(portFile)
		if err == nil {
			port, err := strconv.Atoi(strings.TrimSpace(string(text)))
			if err != nil {
				return 0, fmt.Errorf("invalid port file %q: %w", text, err)
			}
			return port, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0, fmt.Errorf("the emulator wrote no port file within %v", timeout)
}

func (e *emulator) stop() {
	e.cmd.Process.Signal(syscall.SIGTERM)
	e.cmd.Wait()
	os.RemoveAll(e.dir)
}

// newEmulator starts an emulator of its own for one test.
func newEmulator(t *testing.T, args ...string) string {
	t.Helper()
	emu, err := startEmulator(args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.stop)
	return emu.url
}

// addFault adds one fault rule through the emulator's control API.
func addFault(t *testing.T, baseURL, rule string) {
	t.Helper()
	body := `{"faults":[` + rule + `]}`
	response, err := http.Post(baseURL+"/_control/faults", "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusOK {
		t.Fatalf("POST /_control/faults %s: HTTP %d", rule, response.StatusCode)
	}
}

func demoConfig(baseURL string) Config {
	return Config{
		BaseURL:           baseURL,
		ClientID:          demoClientID,
		Secret:            demoSecret,
		Project:           demoProject,
		AI:                demoAI,
		APICallsPerSecond: 50,
		RetryBaseDelay:    10 * time.Millisecond,
		Threads:           2,
		// The tests talk to 127.0.0.1 only, whatever proxy the
		// environment names.
		IgnoreProxyEnvironment: true,
	}
}

func newClient(t *testing.T, baseURL string) *Client {
	t.Helper()
	client, err := NewClient(demoConfig(baseURL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

var beijing = time.FixedZone("UTC+8", 8*3600)

// recentHour returns the Beijing hour that began 3 hours ago, as
// yyyyMMddHH: complete, and well inside the emulator's retention.
func recentHour() string {
	return time.Now().In(beijing).Add(-3 * time.Hour).Format("2006010215")
}

// yesterday returns the previous Beijing day as yyyyMMdd.
func yesterday() string {
	return time.Now().In(beijing).AddDate(0, 0, -1).Format("20060102")
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}
