package controlplane

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestServingCertVerifiesForLoopbackIP(t *testing.T) {
	ca, err := NewCA("test-ca")
	if err != nil {
		t.Fatal(err)
	}
	kp, err := ca.IssueServing("127.0.0.1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(kp.CertPEM, kp.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	opts := x509.VerifyOptions{Roots: ca.CertPool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if _, err := leaf.Verify(opts); err != nil {
		t.Fatalf("serving cert does not chain to the CA: %v", err)
	}
	if err := leaf.VerifyHostname("127.0.0.1"); err != nil {
		t.Errorf("no IP SAN for 127.0.0.1: %v", err)
	}
	if err := leaf.VerifyHostname("10.1.2.3"); err == nil {
		t.Error("certificate unexpectedly valid for 10.1.2.3")
	}
}

func TestClientCertCarriesUserAndGroups(t *testing.T) {
	ca, err := NewCA("test-ca")
	if err != nil {
		t.Fatal(err)
	}
	kp, err := ca.IssueClient("alice", "dev", "qa")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(kp.CertPEM)
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	groups := slices.Sorted(slices.Values(cert.Subject.Organization)) // a DER SET has no order
	if cert.Subject.CommonName != "alice" || strings.Join(groups, ",") != "dev,qa" {
		t.Errorf("subject = %v, want CN=alice O=dev,qa", cert.Subject)
	}
	opts := x509.VerifyOptions{Roots: ca.CertPool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if _, err := cert.Verify(opts); err != nil {
		t.Errorf("client cert does not verify for client auth: %v", err)
	}
	if _, err := ca.IssueClient(""); err == nil {
		t.Error("a client certificate without a user name was issued")
	}
}

func TestCAWriteLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	ca, err := NewCA("test-ca")
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath := filepath.Join(dir, "ca.crt"), filepath.Join(dir, "ca.key")
	if err := ca.WriteFiles(certPath, keyPath); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(keyPath); st.Mode().Perm() != 0o600 {
		t.Errorf("CA key mode = %v, want 0600", st.Mode().Perm())
	}
	loaded, err := LoadCA(certPath, keyPath)
	if err != nil {
		t.Fatal(err)
	}
	kp, err := loaded.IssueServing("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(kp.CertPEM)
	leaf, _ := x509.ParseCertificate(b.Bytes)
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: ca.CertPool()}); err != nil {
		t.Errorf("cert from the reloaded CA does not verify against the original: %v", err)
	}
	if _, err := LoadCA(certPath, certPath); err == nil {
		t.Error("LoadCA accepted a certificate as the key")
	}
}

func TestEnvFileRoundTrip(t *testing.T) {
	cp := &ControlPlane{Dir: t.TempDir(), KubeconfigPath: "/tmp/it's here/kubeconfig", APIServerURL: "https://127.0.0.1:4321"}
	if err := cp.writeEnv(); err != nil {
		t.Fatal(err)
	}
	env, err := ReadEnv(cp.EnvPath)
	if err != nil {
		t.Fatal(err)
	}
	if env["KUBECONFIG"] != cp.KubeconfigPath || env["TIERGUARD_APISERVER_PORT"] != "4321" {
		t.Errorf("env round trip: %v", env)
	}
}

func TestCheckPortFreeReportsTakenPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	err = CheckPortFree(port, "kube-apiserver")
	if err == nil || !strings.Contains(err.Error(), "already in use") || !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Errorf("CheckPortFree(taken) = %v, want an 'already in use' error naming the port", err)
	}
}

func TestStartFailsFastOnMissingBinary(t *testing.T) {
	start := time.Now()
	_, err := Start(context.Background(), Config{BinDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "etcd is missing") || !strings.Contains(err.Error(), "build-control-plane.sh") {
		t.Fatalf("Start with an empty bin dir = %v, want a 'missing' error that says how to build", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("failing on a missing binary took %s", time.Since(start))
	}
}

func TestStartFailsFastOnTakenPort(t *testing.T) {
	bin := t.TempDir()
	for _, b := range []string{EtcdBinary, APIServerBinary, KubectlBinary} {
		if err := os.WriteFile(filepath.Join(bin, b), []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	_, err = Start(context.Background(), Config{BinDir: bin, APIServerPort: port})
	if err == nil || !strings.Contains(err.Error(), "kube-apiserver port") || !strings.Contains(err.Error(), "already in use") {
		t.Fatalf("Start with a taken apiserver port = %v", err)
	}
}

// A process that dies during start-up is reported at once, with its log, and the work
// directory is removed.
func TestStartReportsEarlyExitWithLog(t *testing.T) {
	bin := t.TempDir()
	scripts := map[string]string{
		EtcdBinary:      "#!/bin/sh\necho 'etcd: simulated fatal error' >&2\nexit 3\n",
		APIServerBinary: "#!/bin/sh\nexit 1\n",
		KubectlBinary:   "#!/bin/sh\nexit 1\n",
	}
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	_, err := Start(context.Background(), Config{BinDir: bin, StartTimeout: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "simulated fatal error") || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("Start = %v, want the exit status and the log tail", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("an early exit was reported after %s", time.Since(start))
	}
}

func TestProcessStopKillsTheWholeGroup(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "grandchild.pid")
	// The child ignores SIGTERM and leaves a grandchild behind: Stop must escalate to
	// SIGKILL and take the grandchild with it.
	script := "trap '' TERM; sleep 300 & echo $! > " + pidFile + "; wait"
	p, err := StartProcess("stubborn", "/bin/sh", []string{"-c", script}, filepath.Join(dir, "log"))
	if err != nil {
		t.Fatal(err)
	}
	var grandchild int
	deadline := time.Now().Add(5 * time.Second)
	for grandchild == 0 && time.Now().Before(deadline) {
		if data, err := os.ReadFile(pidFile); err == nil && strings.HasSuffix(string(data), "\n") {
			grandchild, _ = strconv.Atoi(strings.TrimSpace(string(data)))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if grandchild == 0 {
		t.Fatal("grandchild did not start")
	}
	err = p.Stop(500 * time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "did not exit within") {
		t.Errorf("Stop of a SIGTERM-ignoring process = %v, want a 'killed' report", err)
	}
	if !p.Exited() {
		t.Fatal("process still running after Stop")
	}
	// The grandchild was reparented; it is gone once kill(pid, 0) fails.
	deadline = time.Now().Add(5 * time.Second)
	for syscall.Kill(grandchild, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("grandchild %d survived Stop", grandchild)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
