package framework

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"tierguard.io/e2e/controlplane"
)

// Webhook is a running tierguard server: `tierguard webhook --state ...` (StartWebhook) or
// `tierguard run` following the cluster (StartRun).
type Webhook struct {
	Proc *controlplane.Process
	// URL is https://HOST:PORT with no path; append /validate/pods etc.
	URL string
	// CABundle is the base64 PEM of the CA that signed the serving certificate, ready
	// for a webhook configuration's clientConfig.caBundle.
	CABundle string

	name   string       // "tierguard webhook", "tierguard run"
	client *http.Client // trusts the webhook CA
}

// WebhookServingCert mints a serving certificate for host (an IP SAN when host is an IP)
// signed by the webhook CA and returns the paths of the certificate and key.
func (c *Cluster) WebhookServingCert(t testing.TB, host string) (certPath, keyPath string) {
	t.Helper()
	kp, err := c.WebhookCA.IssueServing(host)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certPath, keyPath = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	if err := kp.WriteFiles(certPath, keyPath); err != nil {
		t.Fatal(err)
	}
	return certPath, keyPath
}

// StartWebhook runs `tierguard webhook --listen HOST:PORT --tls-cert --tls-key --state ...`
// on a free port, waits until GET /readyz answers 200 over TLS verified against the test
// CA, and stops it (SIGTERM) when the test ends. The test fails if the webhook does not
// exit within 10 s of SIGTERM.
func (c *Cluster) StartWebhook(t testing.TB, states ...string) *Webhook {
	t.Helper()
	var args []string
	for _, s := range states {
		args = append(args, "--state", s)
	}
	return c.startServer(t, "webhook", args, 30*time.Second)
}

// RunOptions are the flags of `tierguard run` that StartRun sets.
type RunOptions struct {
	// Kubeconfig tierguard follows the cluster with; "" means the suite's admin kubeconfig.
	Kubeconfig string
	// ExemptNamespaces, when set, replace tierguard's default exempt namespaces.
	ExemptNamespaces []string
	// LogLevel is --log-level; "" means debug (the log is only read when a test fails).
	LogLevel string
	// ReadyTimeout bounds the wait for /readyz (every informer's initial list); default 60 s.
	ReadyTimeout time.Duration
}

// StartRun runs `tierguard run --listen HOST:PORT --tls-cert --tls-key --kubeconfig ...`:
// tierguard following the live cluster with its informers. It returns once /readyz answers
// 200 (every initial list is in) and stops the process (SIGTERM, 10 s to exit) when the
// test ends. Register webhook configurations pointing at it after calling StartRun, so that
// their cleanup runs first.
func (c *Cluster) StartRun(t testing.TB, opts RunOptions) *Webhook {
	t.Helper()
	kubeconfig := opts.Kubeconfig
	if kubeconfig == "" {
		kubeconfig = c.Kubectl.Kubeconfig
	}
	level := opts.LogLevel
	if level == "" {
		level = "debug"
	}
	args := []string{"--kubeconfig", kubeconfig, "--log-level", level}
	for _, ns := range opts.ExemptNamespaces {
		args = append(args, "--exempt-namespace", ns)
	}
	timeout := opts.ReadyTimeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	return c.startServer(t, "run", args, timeout)
}

// startServer runs `tierguard SUBCOMMAND --listen HOST:PORT --tls-cert --tls-key ARGS...`
// on a free port and waits up to readyTimeout for /readyz.
func (c *Cluster) startServer(t testing.TB, subcommand string, extra []string, readyTimeout time.Duration) *Webhook {
	t.Helper()
	bin := Tierguard(t)
	name := "tierguard " + subcommand
	certPath, keyPath := c.WebhookServingCert(t, c.WebhookHost)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: c.WebhookCA.CertPool()}}}
	t.Cleanup(client.CloseIdleConnections)
	logDir := t.TempDir()

	const attempts = 3 // a free port can be taken between our probe and tierguard's bind
	for attempt := 1; ; attempt++ {
		port, err := controlplane.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		hostPort := net.JoinHostPort(c.WebhookHost, strconv.Itoa(port))
		args := append([]string{subcommand, "--listen", hostPort, "--tls-cert", certPath, "--tls-key", keyPath}, extra...)
		logPath := filepath.Join(logDir, fmt.Sprintf("tierguard-%s-%d.log", subcommand, attempt))
		p, err := controlplane.StartProcess(name, bin, args, logPath)
		if err != nil {
			t.Fatal(err)
		}
		w := &Webhook{Proc: p, URL: "https://" + hostPort, CABundle: base64.StdEncoding.EncodeToString(c.WebhookCA.CertPEM),
			name: name, client: client}
		err = pollUntil(Context(t, readyTimeout), 100*time.Millisecond, p.Done(), w.Ready)
		if err == nil {
			t.Cleanup(func() { stopWebhook(t, w) })
			t.Logf("%s ready at %s (log %s)", name, w.URL, logPath)
			return w
		}
		_ = p.Stop(5 * time.Second)
		if p.Exited() && attempt < attempts && strings.Contains(strings.ToLower(p.LogTail(20)), "address already in use") {
			continue
		}
		t.Fatalf("%s did not become ready: %v\n%s %s\nlast lines of its log:\n%s",
			name, err, bin, strings.Join(args, " "), p.LogTail(40))
	}
}

// Get sends GET URL+path to the server (TLS verified against the test CA) and returns the
// status code and up to 1 MiB of the body.
func (w *Webhook) Get(ctx context.Context, path string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.URL+path, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(body), err
}

// Ready returns nil when GET /readyz answers 200.
func (w *Webhook) Ready(ctx context.Context) error {
	code, body, err := w.Get(ctx, "/readyz")
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		if len(body) > 512 {
			body = body[:512]
		}
		return fmt.Errorf("GET /readyz: %d: %s", code, strings.TrimSpace(body))
	}
	return nil
}

// Metric returns the value of the sample NAME{LABELS} of GET /metrics (Prometheus text
// format), where labels must match exactly the sample's label set; 0 with found=false when
// there is no such sample (a counter that never moved).
func (w *Webhook) Metric(ctx context.Context, name string, labels map[string]string) (value float64, found bool, err error) {
	code, body, err := w.Get(ctx, "/metrics")
	if err != nil {
		return 0, false, err
	}
	if code != http.StatusOK {
		return 0, false, fmt.Errorf("GET /metrics: %d", code)
	}
	want := sampleKey(name, labels)
	for _, line := range strings.Split(body, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		key, raw := line[:i], line[i+1:]
		if normalizeSample(key) != want {
			continue
		}
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return 0, false, fmt.Errorf("metric %s: %w", line, err)
		}
		return v, true, nil
	}
	return 0, false, nil
}

// sampleKey is NAME{k1="v1",k2="v2"} with the labels sorted.
func sampleKey(name string, labels map[string]string) string {
	if len(labels) == 0 {
		return name
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.Quote(labels[k])
	}
	return name + "{" + strings.Join(parts, ",") + "}"
}

// normalizeSample sorts the labels of a sample key the way sampleKey writes them. Label
// values with commas or escaped quotes are not expected in tierguard's metrics; such a
// sample just never matches.
func normalizeSample(key string) string {
	open := strings.IndexByte(key, '{')
	if open < 0 || !strings.HasSuffix(key, "}") {
		return key
	}
	inner := key[open+1 : len(key)-1]
	if inner == "" {
		return key[:open]
	}
	parts := strings.Split(inner, ",")
	sort.Strings(parts)
	return key[:open] + "{" + strings.Join(parts, ",") + "}"
}

func stopWebhook(t testing.TB, w *Webhook) {
	if err := w.Proc.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("signal %s: %v", w.name, err)
	}
	select {
	case <-w.Proc.Done():
	case <-time.After(10 * time.Second):
		t.Errorf("%s did not exit within 10s of SIGTERM", w.name)
	}
	_ = w.Proc.Stop(time.Second)
	if t.Failed() {
		t.Logf("last lines of the %s log %s:\n%s", w.name, w.Proc.LogPath, w.Proc.LogTail(40))
	}
}

// pollUntil calls probe every interval until it succeeds, ctx ends (error carries the
// last probe failure) or abort is closed.
func pollUntil(ctx context.Context, interval time.Duration, abort <-chan struct{}, probe func(context.Context) error) error {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var last error
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := probe(pctx)
		cancel()
		if err == nil {
			return nil
		}
		// A probe cut short by the overall deadline says less than the one before it.
		if last == nil || ctx.Err() == nil {
			last = err
		}
		select {
		case <-abort:
			return fmt.Errorf("process exited (last probe: %v)", last)
		case <-ctx.Done():
			return fmt.Errorf("%w (last probe: %v)", ctx.Err(), last)
		case <-tick.C:
		}
	}
}

// Eventually calls probe every interval until it succeeds or timeout passes, then fails
// the test with the last probe error. For waiting on the apiserver's eventual consistency
// (e.g. a webhook configuration taking effect), never for sleeping.
func Eventually(t testing.TB, timeout, interval time.Duration, what string, probe func(context.Context) error) {
	t.Helper()
	if err := pollUntil(Context(t, timeout), interval, nil, probe); err != nil {
		t.Fatalf("%s: not within %s: %v", what, timeout, err)
	}
}
