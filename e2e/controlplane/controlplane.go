// Package controlplane starts a real Kubernetes control plane (etcd + kube-apiserver) on
// 127.0.0.1 the way controller-runtime's envtest does: a throwaway CA, serving and client
// certificates, a ServiceAccount signing key, free loopback ports, a readiness wait on
// /readyz, a kubeconfig for an admin in system:masters and, optionally, the CRDs of a
// directory installed and Established. There is no kubelet, scheduler or
// controller-manager: pods stay Pending, namespaces are not finalized, no default
// ServiceAccount is created and no garbage collector runs.
//
// Stop (also called on every failed Start) leaves no process and no port behind.
package controlplane

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Binaries the control plane needs in Config.BinDir.
const (
	EtcdBinary      = "etcd"
	APIServerBinary = "kube-apiserver"
	KubectlBinary   = "kubectl"
)

// ServiceClusterIPRange is the Service CIDR; the "kubernetes" Service gets its first IP.
const ServiceClusterIPRange = "10.0.0.0/24"

// Config says where the binaries are and how to run the control plane.
type Config struct {
	BinDir  string // holds etcd, kube-apiserver and kubectl
	WorkDir string // certificates, logs, etcd data; "" means a temporary directory removed by Stop
	CRDDir  string // install every *.yaml / *.yml here and wait for Established; "" or no files: skip

	EtcdPort      int // 0: a free port
	APIServerPort int // 0: a free port

	// StartTimeout bounds each readiness wait (etcd, apiserver, CRDs). Default 2 minutes:
	// a cold kube-apiserver on two busy cores takes 10-30 s.
	StartTimeout time.Duration

	// APIServerArgs are appended to the kube-apiserver flags (a later flag wins).
	APIServerArgs []string

	Log io.Writer // progress messages; nil: discarded
}

// ControlPlane is a running etcd + kube-apiserver.
type ControlPlane struct {
	cfg Config

	Dir            string // the work directory
	CA             *CA
	CACertPath     string
	CAKeyPath      string
	KubeconfigPath string // admin (system:masters)
	EnvPath        string // shell-sourceable KEY='value' lines, written last: its presence means ready
	APIServerURL   string // https://127.0.0.1:PORT
	EtcdURL        string // http://127.0.0.1:PORT

	Etcd      *Process
	APIServer *Process

	ownsDir bool
	pki     string
	logs    string
}

// Start brings up etcd and kube-apiserver and returns when the apiserver is ready and the
// CRDs are Established. On error everything started so far has been stopped.
func Start(ctx context.Context, cfg Config) (cp *ControlPlane, err error) {
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = 2 * time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	for _, b := range []string{EtcdBinary, APIServerBinary, KubectlBinary} {
		if err := checkExecutable(filepath.Join(cfg.BinDir, b)); err != nil {
			return nil, fmt.Errorf("%w (build the control plane with scripts/build-control-plane.sh)", err)
		}
	}
	if cfg.EtcdPort != 0 {
		if err := CheckPortFree(cfg.EtcdPort, "etcd"); err != nil {
			return nil, err
		}
	}
	if cfg.APIServerPort != 0 {
		if err := CheckPortFree(cfg.APIServerPort, "kube-apiserver"); err != nil {
			return nil, err
		}
	}

	cp = &ControlPlane{cfg: cfg}
	if cfg.WorkDir == "" {
		dir, err := os.MkdirTemp("", "tierguard-controlplane-")
		if err != nil {
			return nil, fmt.Errorf("create work directory: %w", err)
		}
		cp.Dir, cp.ownsDir = dir, true
	} else {
		dir, err := filepath.Abs(cfg.WorkDir)
		if err != nil {
			return nil, err
		}
		cp.Dir = dir
	}
	defer func() {
		if err != nil {
			if stopErr := cp.Stop(); stopErr != nil {
				err = fmt.Errorf("%w (and while cleaning up: %v)", err, stopErr)
			}
			cp = nil
		}
	}()

	// A reused work directory may hold the env file of an earlier run; it must not
	// announce readiness before this run is ready.
	if err := os.Remove(filepath.Join(cp.Dir, "env")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return cp, err
	}
	cp.pki = filepath.Join(cp.Dir, "pki")
	cp.logs = filepath.Join(cp.Dir, "logs")
	for _, d := range []string{cp.pki, cp.logs} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return cp, fmt.Errorf("create %s: %w", d, err)
		}
	}
	if err := cp.writePKI(); err != nil {
		return cp, err
	}
	if err := cp.startEtcd(ctx); err != nil {
		return cp, err
	}
	if err := cp.startAPIServer(ctx); err != nil {
		return cp, err
	}
	if err := cp.InstallCRDs(ctx, cfg.CRDDir); err != nil {
		return cp, err
	}
	if err := cp.writeEnv(); err != nil {
		return cp, err
	}
	cp.logf("ready: %s (kubeconfig %s)", cp.APIServerURL, cp.KubeconfigPath)
	return cp, nil
}

// Stop stops kube-apiserver, then etcd, and removes the work directory if Start created
// it (a caller-chosen WorkDir keeps its logs and certificates; etcd's data and the env
// file, which announces a running control plane, go).
// Safe to call more than once.
func (cp *ControlPlane) Stop() error {
	var errs []error
	if cp.APIServer != nil {
		if err := cp.APIServer.Stop(15 * time.Second); err != nil {
			errs = append(errs, err)
		}
	}
	if cp.Etcd != nil {
		if err := cp.Etcd.Stop(10 * time.Second); err != nil {
			errs = append(errs, err)
		}
	}
	if cp.Dir != "" {
		if err := os.Remove(filepath.Join(cp.Dir, "env")); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
		target := filepath.Join(cp.Dir, "etcd-data")
		if cp.ownsDir {
			target = cp.Dir
		}
		if err := os.RemoveAll(target); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", target, err))
		}
	}
	return errors.Join(errs...)
}

// Kubectl returns a kubectl runner for the admin kubeconfig.
func (cp *ControlPlane) Kubectl() Kubectl {
	return Kubectl{Path: filepath.Join(cp.cfg.BinDir, KubectlBinary), Kubeconfig: cp.KubeconfigPath}
}

// AddUser writes DIR/users/NAME.kubeconfig for a user with a client certificate in the
// given groups and returns its path. The user has no rights until RBAC grants some.
func (cp *ControlPlane) AddUser(name string, groups ...string) (string, error) {
	path := filepath.Join(cp.Dir, "users", name+".kubeconfig")
	if err := WriteUserKubeconfig(path, cp.APIServerURL, cp.CA, name, groups...); err != nil {
		return "", fmt.Errorf("kubeconfig for user %q: %w", name, err)
	}
	return path, nil
}

// Failed reports an unexpected exit of etcd or kube-apiserver: a closed channel and the
// error once either has died. It watches the processes running when it is called; a
// StopAPIServer after it counts as an exit.
func (cp *ControlPlane) Failed() <-chan error {
	ch := make(chan error, 1)
	go func() {
		select {
		case <-cp.Etcd.Done():
			ch <- fmt.Errorf("%w; last lines of %s:\n%s", cp.Etcd.ExitError(), cp.Etcd.LogPath, cp.Etcd.LogTail(30))
		case <-cp.APIServer.Done():
			ch <- fmt.Errorf("%w; last lines of %s:\n%s", cp.APIServer.ExitError(), cp.APIServer.LogPath, cp.APIServer.LogTail(30))
		}
		close(ch)
	}()
	return ch
}

func (cp *ControlPlane) logf(format string, args ...any) {
	fmt.Fprintf(cp.cfg.Log, "controlplane: "+format+"\n", args...)
}

func (cp *ControlPlane) path(name string) string { return filepath.Join(cp.pki, name) }

func (cp *ControlPlane) writePKI() error {
	ca, err := NewCA("tierguard-e2e-ca")
	if err != nil {
		return err
	}
	cp.CA = ca
	cp.CACertPath, cp.CAKeyPath = filepath.Join(cp.Dir, "ca.crt"), filepath.Join(cp.Dir, "ca.key")
	if err := ca.WriteFiles(cp.CACertPath, cp.CAKeyPath); err != nil {
		return fmt.Errorf("write CA: %w", err)
	}
	// The names and the Service IP in-cluster clients would use, and the loopback the
	// tests use.
	serving, err := ca.IssueServing(Loopback, "localhost", "kubernetes", "kubernetes.default",
		"kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "10.0.0.1")
	if err != nil {
		return err
	}
	if err := serving.WriteFiles(cp.path("apiserver.crt"), cp.path("apiserver.key")); err != nil {
		return fmt.Errorf("write apiserver certificate: %w", err)
	}
	if err := writeServiceAccountKeys(cp.path("sa.pub"), cp.path("sa.key")); err != nil {
		return err
	}
	admin, err := ca.IssueClient("tierguard-e2e-admin", "system:masters")
	if err != nil {
		return err
	}
	return admin.WriteFiles(cp.path("admin.crt"), cp.path("admin.key"))
}

// portAttempts bounds the retries when a port chosen as free was taken before the server
// bound it.
const portAttempts = 3

func (cp *ControlPlane) startEtcd(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		clientPort := cp.cfg.EtcdPort
		if clientPort == 0 {
			port, err := FreePort()
			if err != nil {
				return err
			}
			clientPort = port
		}
		peerPort, err := FreePort()
		if err != nil {
			return err
		}
		dataDir := filepath.Join(cp.Dir, "etcd-data")
		if err := os.RemoveAll(dataDir); err != nil {
			return err
		}
		cp.EtcdURL = fmt.Sprintf("http://%s:%d", Loopback, clientPort)
		peerURL := fmt.Sprintf("http://%s:%d", Loopback, peerPort)
		args := []string{
			"--name=tierguard-e2e",
			"--data-dir=" + dataDir,
			"--listen-client-urls=" + cp.EtcdURL,
			"--advertise-client-urls=" + cp.EtcdURL,
			"--listen-peer-urls=" + peerURL,
			"--initial-advertise-peer-urls=" + peerURL,
			"--initial-cluster=tierguard-e2e=" + peerURL,
			"--initial-cluster-state=new",
			// Throwaway data: skip fsync, which dominates etcd latency on shared disks.
			"--unsafe-no-fsync=true",
			"--log-level=warn",
		}
		logPath := filepath.Join(cp.logs, "etcd.log")
		cp.logf("starting etcd on %s", cp.EtcdURL)
		p, err := StartProcess("etcd", filepath.Join(cp.cfg.BinDir, EtcdBinary), args, logPath)
		if err != nil {
			return err
		}
		cp.Etcd = p
		err = waitReady(ctx, p, cp.cfg.StartTimeout, func(c context.Context) error {
			return httpOK(c, http.DefaultClient, cp.EtcdURL+"/health")
		})
		if err == nil {
			return nil
		}
		_ = p.Stop(5 * time.Second)
		if cp.cfg.EtcdPort == 0 && attempt < portAttempts && p.logContains("address already in use") {
			cp.logf("etcd: a port was taken before etcd bound it; retrying with new ports")
			continue
		}
		return fmt.Errorf("etcd did not become ready: %w\nlast lines of %s:\n%s", err, logPath, p.LogTail(40))
	}
}

func (cp *ControlPlane) startAPIServer(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		port := cp.cfg.APIServerPort
		if port == 0 {
			var err error
			if port, err = FreePort(); err != nil {
				return err
			}
		}
		err := cp.runAPIServer(ctx, port)
		if err == nil {
			break
		}
		if cp.cfg.APIServerPort == 0 && attempt < portAttempts && cp.APIServer != nil && cp.APIServer.logContains("address already in use") {
			cp.logf("kube-apiserver: its port was taken before it bound it; retrying with a new port")
			continue
		}
		return err
	}

	cp.KubeconfigPath = filepath.Join(cp.Dir, "kubeconfig")
	adminPair := &KeyPair{}
	var err error
	if adminPair.CertPEM, err = os.ReadFile(cp.path("admin.crt")); err != nil {
		return err
	}
	if adminPair.KeyPEM, err = os.ReadFile(cp.path("admin.key")); err != nil {
		return err
	}
	return WriteKubeconfig(cp.KubeconfigPath, cp.APIServerURL, cp.CA.CertPEM, "tierguard-e2e-admin", adminPair)
}

// runAPIServer starts kube-apiserver on port and waits for its /readyz. On failure the
// process has been stopped (cp.APIServer still points at it, for its log).
func (cp *ControlPlane) runAPIServer(ctx context.Context, port int) error {
	admin, err := tls.LoadX509KeyPair(cp.path("admin.crt"), cp.path("admin.key"))
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs:      cp.CA.CertPool(),
		Certificates: []tls.Certificate{admin},
	}}}
	defer client.CloseIdleConnections()

	cp.APIServerURL = fmt.Sprintf("https://%s:%d", Loopback, port)
	args := []string{
		"--advertise-address=" + Loopback,
		// Since 1.37 the lease endpoint reconciler refuses a loopback advertise
		// address. Nothing runs in-cluster (no kubelet) to use the "kubernetes"
		// Service's endpoints, so do without them.
		"--endpoint-reconciler-type=none",
		"--bind-address=" + Loopback,
		"--secure-port=" + strconv.Itoa(port),
		"--etcd-servers=" + cp.EtcdURL,
		"--cert-dir=" + cp.pki,
		"--tls-cert-file=" + cp.path("apiserver.crt"),
		"--tls-private-key-file=" + cp.path("apiserver.key"),
		"--client-ca-file=" + cp.CACertPath,
		"--service-account-issuer=" + cp.APIServerURL + "/",
		"--service-account-key-file=" + cp.path("sa.pub"),
		"--service-account-signing-key-file=" + cp.path("sa.key"),
		"--authorization-mode=RBAC",
		// On by default; named so that nobody's flag file can silently drop them.
		// Unlike envtest we keep the ServiceAccount plugin on, as in a real cluster:
		// a pod's ServiceAccount must exist (there is no controller-manager to create
		// "default"), and the plugin mutates pods before webhooks see them.
		"--enable-admission-plugins=NamespaceLifecycle,ServiceAccount,MutatingAdmissionWebhook,ValidatingAdmissionWebhook",
		"--service-cluster-ip-range=" + ServiceClusterIPRange,
		"--allow-privileged=true",
		"--profiling=false",
	}
	args = append(args, cp.cfg.APIServerArgs...)
	logPath := filepath.Join(cp.logs, "kube-apiserver.log")
	cp.logf("starting kube-apiserver on %s", cp.APIServerURL)
	p, err := StartProcess("kube-apiserver", filepath.Join(cp.cfg.BinDir, APIServerBinary), args, logPath)
	if err != nil {
		return err
	}
	cp.APIServer = p
	start := time.Now()
	err = waitReady(ctx, p, cp.cfg.StartTimeout, func(c context.Context) error {
		return httpOK(c, client, cp.APIServerURL+"/readyz")
	})
	if err != nil {
		_ = p.Stop(5 * time.Second)
		return fmt.Errorf("kube-apiserver did not become ready: %w\nlast lines of %s:\n%s", err, logPath, p.LogTail(40))
	}
	cp.logf("kube-apiserver ready after %s", time.Since(start).Round(100*time.Millisecond))
	return nil
}

// APIServerPort is the port kube-apiserver listens on (and keeps across restarts).
func (cp *ControlPlane) APIServerPort() int {
	u, err := url.Parse(cp.APIServerURL)
	if err != nil {
		return 0
	}
	port, _ := strconv.Atoi(u.Port())
	return port
}

// StopAPIServer stops kube-apiserver and leaves etcd, the PKI and the kubeconfig as they
// are: StartAPIServer brings it back. It sends SIGTERM and, if the apiserver is still
// shutting down after grace, SIGKILL. (With watches open a graceful shutdown takes the
// apiserver about a minute: it drains them for the length of its request timeout. A short
// grace ends like a crash, with every connection closed at once.) Clients see connection
// errors meanwhile, and their watches end.
func (cp *ControlPlane) StopAPIServer(grace time.Duration) error {
	if cp.APIServer == nil {
		return errors.New("kube-apiserver was never started")
	}
	cp.logf("stopping kube-apiserver (etcd keeps running)")
	err := cp.APIServer.Stop(grace)
	if cp.APIServer.Exited() {
		return nil // killed after grace is what was asked for
	}
	return err
}

// StartAPIServer starts kube-apiserver again after StopAPIServer: same port, flags,
// certificates, ServiceAccount keys and etcd, so kubeconfigs and clients stay valid and
// every object (and resourceVersion) is still there. It returns once /readyz answers 200.
// A port taken by someone else meanwhile is an error (the kubeconfig names that port).
func (cp *ControlPlane) StartAPIServer(ctx context.Context) error {
	if cp.APIServer == nil {
		return errors.New("kube-apiserver was never started")
	}
	if !cp.APIServer.Exited() {
		return errors.New("kube-apiserver is still running; StopAPIServer first")
	}
	port := cp.APIServerPort()
	if port == 0 {
		return fmt.Errorf("no port in %q", cp.APIServerURL)
	}
	if err := CheckPortFree(port, "kube-apiserver (restart)"); err != nil {
		return err
	}
	return cp.runAPIServer(ctx, port)
}

// RestartAPIServer is StopAPIServer(grace) then StartAPIServer.
func (cp *ControlPlane) RestartAPIServer(ctx context.Context, grace time.Duration) error {
	if err := cp.StopAPIServer(grace); err != nil {
		return err
	}
	return cp.StartAPIServer(ctx)
}

// InstallCRDs applies every *.yaml and *.yml file of dir (server-side) and waits until
// their CRDs are Established. An empty dir argument, or a directory without such files,
// is a no-op; a missing directory is an error.
func (cp *ControlPlane) InstallCRDs(ctx context.Context, dir string) error {
	return InstallCRDs(ctx, cp.Kubectl(), dir, cp.cfg.StartTimeout, cp.cfg.Log)
}

// InstallCRDs applies the CRD manifests of dir with k (server-side, so repeated installs
// and large schemas work) and waits until they are Established, all within timeout.
func InstallCRDs(ctx context.Context, k Kubectl, dir string, timeout time.Duration, log io.Writer) error {
	if dir == "" {
		return nil
	}
	if log == nil {
		log = io.Discard
	}
	files, err := ManifestFiles(dir)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fmt.Fprintf(log, "controlplane: no CRD manifests in %s; skipping\n", dir)
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args := []string{"apply", "--server-side", "--force-conflicts"}
	wait := []string{"wait", "--for=condition=Established", fmt.Sprintf("--timeout=%ds", int(timeout.Seconds()))}
	for _, f := range files {
		args = append(args, "-f", f)
		wait = append(wait, "-f", f)
	}
	fmt.Fprintf(log, "controlplane: installing %d CRD manifest(s) from %s\n", len(files), dir)
	if r := k.Run(ctx, nil, args...); r.Err != nil {
		return fmt.Errorf("install CRDs: %w", r.Err)
	}
	if r := k.Run(ctx, nil, wait...); r.Err != nil {
		return fmt.Errorf("CRDs did not become Established: %w", r.Err)
	}
	return nil
}

// ManifestFiles lists the *.yaml and *.yml files directly in dir, sorted.
func ManifestFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read manifest directory: %w", err)
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if e.Type().IsRegular() && (strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			files = append(files, filepath.Join(dir, name))
		}
	}
	sort.Strings(files)
	return files, nil
}

func (cp *ControlPlane) writeEnv() error {
	cp.EnvPath = filepath.Join(cp.Dir, "env")
	port := strings.TrimPrefix(cp.APIServerURL, "https://"+Loopback+":")
	vars := [][2]string{
		{"KUBECONFIG", cp.KubeconfigPath},
		{"TIERGUARD_KUBECONFIG", cp.KubeconfigPath},
		{"TIERGUARD_APISERVER_URL", cp.APIServerURL},
		{"TIERGUARD_APISERVER_PORT", port},
		{"TIERGUARD_ETCD_URL", cp.EtcdURL},
		{"TIERGUARD_CA_CERT", cp.CACertPath},
		{"TIERGUARD_CA_KEY", cp.CAKeyPath},
		{"TIERGUARD_CONTROLPLANE_DIR", cp.Dir},
		{"TIERGUARD_TOOLS_BIN", cp.cfg.BinDir},
	}
	var sb strings.Builder
	for _, kv := range vars {
		fmt.Fprintf(&sb, "%s=%s\n", kv[0], shellQuote(kv[1]))
	}
	return writeFileAtomic(cp.EnvPath, []byte(sb.String()), 0o644)
}

// ReadEnv parses an env file written by Start.
func ReadEnv(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = strings.ReplaceAll(v[1:len(v)-1], `'\''`, `'`)
		}
		env[k] = v
	}
	return env, nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func checkExecutable(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("binary %s is missing", path)
		}
		return fmt.Errorf("binary %s: %w", path, err)
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("binary %s is not an executable file", path)
	}
	return nil
}

// waitReady polls probe every 100 ms until it succeeds, the process exits, ctx ends or
// timeout passes; the error carries the last probe failure.
func waitReady(ctx context.Context, p *Process, timeout time.Duration, probe func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
		err := probe(pctx)
		pcancel()
		if err == nil {
			return nil
		}
		// A probe cut short by the overall deadline says less than the one before it.
		if last == nil || ctx.Err() == nil {
			last = err
		}
		select {
		case <-p.Done():
			return p.ExitError()
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("not ready after %s (last probe: %v)", timeout, last)
			}
			return ctx.Err()
		case <-tick.C:
		}
	}
}

func httpOK(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}
