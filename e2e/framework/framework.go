// Package framework is what the e2e tests share: the cluster under test (an embedded
// control plane started by TestMain, or an existing cluster given by a kubeconfig), the
// real kubectl, the tierguard binary, fixture rendering and webhook certificates.
package framework

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"text/template"
	"time"

	"tierguard.io/e2e/controlplane"
)

// Environment variables and flags that configure the suite (docs/testing.md).
const (
	EnvKubeconfig  = "TIERGUARD_E2E_KUBECONFIG"   // existing cluster instead of the embedded one
	EnvToolsBin    = "TIERGUARD_TOOLS_BIN"        // etcd, kube-apiserver, kubectl, helm (default <repo>/bin)
	EnvTierguard   = "TIERGUARD_BIN"              // the tierguard binary under test
	EnvWebhookHost = "TIERGUARD_E2E_WEBHOOK_HOST" // address webhooks listen on and are called at (default 127.0.0.1)
	EnvKeepWorkDir = "TIERGUARD_E2E_KEEP"         // 1: keep the control plane's work directory (logs) after the run
)

var kubeconfigFlag = flag.String("kubeconfig", "", "run against the existing cluster of this kubeconfig instead of starting etcd + kube-apiserver (also "+EnvKubeconfig+")")

// Cluster is the cluster under test.
type Cluster struct {
	Kubectl controlplane.Kubectl

	// Embedded is the control plane TestMain started; nil for an existing cluster.
	Embedded *controlplane.ControlPlane

	// WebhookCA signs webhook serving certificates; it is the caBundle of webhook
	// configurations. The embedded control plane's CA, or a fresh one for an existing cluster.
	WebhookCA *controlplane.CA
	// WebhookHost is where webhooks listen and where the apiserver calls them.
	WebhookHost string

	RepoRoot string
	E2EDir   string
	ToolsBin string
	WorkDir  string // scratch space for this run
}

// C is the cluster of this test binary, set by Main.
var C *Cluster

// Main is TestMain for every e2e package: it sets C up, runs the tests and tears down.
func Main(m *testing.M) {
	flag.Parse()
	code, err := run(m)
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	e2eDir, err := findE2EDir()
	if err != nil {
		return 1, err
	}
	c := &Cluster{E2EDir: e2eDir, RepoRoot: filepath.Dir(e2eDir)}
	c.ToolsBin = os.Getenv(EnvToolsBin)
	if c.ToolsBin == "" {
		c.ToolsBin = filepath.Join(c.RepoRoot, "bin")
	}
	if c.ToolsBin, err = filepath.Abs(c.ToolsBin); err != nil {
		return 1, err
	}
	c.WebhookHost = os.Getenv(EnvWebhookHost)
	if c.WebhookHost == "" {
		c.WebhookHost = controlplane.Loopback
	}
	if c.WorkDir, err = os.MkdirTemp("", "tierguard-e2e-"); err != nil {
		return 1, err
	}
	keep := os.Getenv(EnvKeepWorkDir) == "1"
	defer func() {
		if keep {
			fmt.Fprintf(os.Stderr, "e2e: kept work directory %s\n", c.WorkDir)
		} else {
			os.RemoveAll(c.WorkDir)
		}
	}()

	kubectlPath := filepath.Join(c.ToolsBin, controlplane.KubectlBinary)
	crds := filepath.Join(c.RepoRoot, "crds")
	if _, err := os.Stat(crds); err != nil {
		crds = ""
	}

	// Ctrl-C and SIGTERM stop the control plane before the binary exits (the kernel would
	// kill the children anyway through Pdeathsig, but leave the work directory behind).
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)

	kubeconfig := *kubeconfigFlag
	if kubeconfig == "" {
		kubeconfig = os.Getenv(EnvKubeconfig)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var started atomic.Pointer[controlplane.ControlPlane]
	go func() {
		sig := <-sigs
		fmt.Fprintf(os.Stderr, "e2e: %v: stopping\n", sig)
		cancel() // aborts a start-up in progress, which then cleans up after itself
		if cp := started.Load(); cp != nil {
			_ = cp.Stop()
			if !keep {
				os.RemoveAll(c.WorkDir)
			}
			os.Exit(130)
		}
	}()

	if kubeconfig != "" {
		abs, err := filepath.Abs(kubeconfig)
		if err != nil {
			return 1, err
		}
		c.Kubectl = controlplane.Kubectl{Path: kubectlPath, Kubeconfig: abs}
		if _, err := os.Stat(kubectlPath); err != nil {
			return 1, fmt.Errorf("kubectl not found at %s (run scripts/build-control-plane.sh or set %s)", kubectlPath, EnvToolsBin)
		}
		if c.WebhookCA, err = controlplane.NewCA("tierguard-e2e-webhook-ca"); err != nil {
			return 1, err
		}
		fmt.Fprintf(os.Stderr, "e2e: using the existing cluster of %s\n", abs)
		if err := controlplane.InstallCRDs(ctx, c.Kubectl, crds, 2*time.Minute, os.Stderr); err != nil {
			return 1, err
		}
	} else {
		start := time.Now()
		cp, err := controlplane.Start(ctx, controlplane.Config{
			BinDir:  c.ToolsBin,
			WorkDir: filepath.Join(c.WorkDir, "controlplane"),
			CRDDir:  crds,
			Log:     os.Stderr,
		})
		if err != nil {
			return 1, fmt.Errorf("start the control plane: %w", err)
		}
		fmt.Fprintf(os.Stderr, "e2e: control plane up in %s\n", time.Since(start).Round(100*time.Millisecond))
		started.Store(cp)
		c.Embedded, c.Kubectl, c.WebhookCA = cp, cp.Kubectl(), cp.CA
		defer func() {
			if err := cp.Stop(); err != nil {
				fmt.Fprintf(os.Stderr, "e2e: stopping the control plane: %v\n", err)
			}
		}()
	}

	C = c
	code := m.Run()
	if code != 0 && c.Embedded != nil {
		fmt.Fprintf(os.Stderr, "e2e: tests failed; last lines of %s:\n%s\n",
			c.Embedded.APIServer.LogPath, c.Embedded.APIServer.LogTail(30))
	}
	return code, nil
}

// findE2EDir walks up from the working directory to the directory of module tierguard.io/e2e.
func findE2EDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(data, []byte("module tierguard.io/e2e\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find the e2e module (go.mod of tierguard.io/e2e) above the working directory")
		}
		dir = parent
	}
}

// Tierguard returns the path of the tierguard binary under test, failing the test with a
// clear message when TIERGUARD_BIN is unset or wrong.
func Tierguard(t testing.TB) string {
	t.Helper()
	path := os.Getenv(EnvTierguard)
	if path == "" {
		t.Fatalf("%s is not set: point it at the tierguard binary (scripts/e2e.sh --tierguard PATH does)", EnvTierguard)
	}
	st, err := os.Stat(path)
	if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		t.Fatalf("%s=%s is not an executable file (build it first: cmake --build --preset release)", EnvTierguard, path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// RunID returns a short random id; tests put it in namespace names and labels so runs
// against a shared, existing cluster never collide.
func RunID(t testing.TB) string {
	t.Helper()
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// Context returns a context that ends after d or when the test ends.
func Context(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// Testdata returns the path of a fixture under e2e/testdata.
func (c *Cluster) Testdata(rel string) string { return filepath.Join(c.E2EDir, "testdata", rel) }

// Render executes the fixture e2e/testdata/REL as a text/template with data and writes the
// result into the test's temporary directory, returning its path. Missing keys are errors.
func (c *Cluster) Render(t testing.TB, rel string, data any) string {
	t.Helper()
	src, err := os.ReadFile(c.Testdata(rel))
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := template.New(rel).Option("missingkey=error").Parse(string(src))
	if err != nil {
		t.Fatalf("parse fixture %s: %v", rel, err)
	}
	var out bytes.Buffer
	if err := tmpl.Execute(&out, data); err != nil {
		t.Fatalf("render fixture %s: %v", rel, err)
	}
	path := filepath.Join(t.TempDir(), strings.ReplaceAll(rel, string(filepath.Separator), "_"))
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// MustKubectl runs kubectl and fails the test when it fails.
func (c *Cluster) MustKubectl(t testing.TB, ctx context.Context, args ...string) controlplane.Result {
	t.Helper()
	r := c.Kubectl.Run(ctx, nil, args...)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	return r
}
