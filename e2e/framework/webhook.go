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
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"tierguard.io/e2e/controlplane"
)

// Webhook is a running `tierguard webhook`.
type Webhook struct {
	Proc *controlplane.Process
	// URL is https://HOST:PORT with no path; append /validate/pods etc.
	URL string
	// CABundle is the base64 PEM of the CA that signed the serving certificate, ready
	// for a webhook configuration's clientConfig.caBundle.
	CABundle string
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
	bin := Tierguard(t)
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
		args := []string{"webhook", "--listen", hostPort, "--tls-cert", certPath, "--tls-key", keyPath}
		for _, s := range states {
			args = append(args, "--state", s)
		}
		logPath := filepath.Join(logDir, fmt.Sprintf("tierguard-webhook-%d.log", attempt))
		p, err := controlplane.StartProcess("tierguard webhook", bin, args, logPath)
		if err != nil {
			t.Fatal(err)
		}
		w := &Webhook{Proc: p, URL: "https://" + hostPort, CABundle: base64.StdEncoding.EncodeToString(c.WebhookCA.CertPEM)}
		err = pollUntil(Context(t, 30*time.Second), 100*time.Millisecond, p.Done(), func(ctx context.Context) error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.URL+"/readyz", nil)
			if err != nil {
				return err
			}
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("GET /readyz: %s: %s", resp.Status, strings.TrimSpace(string(body)))
			}
			return nil
		})
		if err == nil {
			t.Cleanup(func() { stopWebhook(t, w) })
			t.Logf("tierguard webhook ready at %s (log %s)", w.URL, logPath)
			return w
		}
		_ = p.Stop(5 * time.Second)
		if p.Exited() && attempt < attempts && strings.Contains(strings.ToLower(p.LogTail(20)), "address already in use") {
			continue
		}
		t.Fatalf("tierguard webhook did not become ready: %v\n%s %s\nlast lines of its log:\n%s",
			err, bin, strings.Join(args, " "), p.LogTail(40))
	}
}

func stopWebhook(t testing.TB, w *Webhook) {
	if err := w.Proc.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("signal tierguard webhook: %v", err)
	}
	select {
	case <-w.Proc.Done():
	case <-time.After(10 * time.Second):
		t.Errorf("tierguard webhook did not exit within 10s of SIGTERM")
	}
	_ = w.Proc.Stop(time.Second)
	if t.Failed() {
		t.Logf("last lines of the tierguard webhook log %s:\n%s", w.Proc.LogPath, w.Proc.LogTail(40))
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
