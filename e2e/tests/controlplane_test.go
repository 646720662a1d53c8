package tests

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"tierguard.io/e2e/controlplane"
	"tierguard.io/e2e/framework"
)

// pinnedKubernetesVersion reads the k8s.io/kubernetes version the tools are built from.
func pinnedKubernetesVersion(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(framework.C.E2EDir, "tools", "kubernetes", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?k8s\.io/kubernetes (v\S+)`).FindSubmatch(data)
	if m == nil {
		t.Fatal("no k8s.io/kubernetes requirement in e2e/tools/kubernetes/go.mod")
	}
	return string(m[1])
}

// The launcher self-test: kubectl and the apiserver are the pinned, version-stamped
// builds, the apiserver is ready and the admin is cluster-admin.
func TestControlPlaneServesVersion(t *testing.T) {
	c := framework.C
	ctx := framework.Context(t, time.Minute)
	want := pinnedKubernetesVersion(t)

	r := c.MustKubectl(t, ctx, "version", "-o", "json")
	var v struct {
		ClientVersion struct{ GitVersion, Major, Minor string }
		ServerVersion struct{ GitVersion, Major, Minor string }
	}
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatalf("kubectl version -o json: %v\n%s", err, r.Stdout)
	}
	if v.ClientVersion.GitVersion != want {
		t.Errorf("kubectl reports %q, want the pinned %q", v.ClientVersion.GitVersion, want)
	}
	if c.Embedded != nil {
		if v.ServerVersion.GitVersion != want {
			t.Errorf("kube-apiserver /version reports %q, want the pinned %q", v.ServerVersion.GitVersion, want)
		}
		if minor := strings.Split(want, ".")[1]; v.ServerVersion.Major != "1" || v.ServerVersion.Minor != minor {
			t.Errorf("kube-apiserver reports major.minor %s.%s, want 1.%s", v.ServerVersion.Major, v.ServerVersion.Minor, minor)
		}
	}
	t.Logf("kubectl %s, kube-apiserver %s", v.ClientVersion.GitVersion, v.ServerVersion.GitVersion)

	if r := c.MustKubectl(t, ctx, "get", "--raw", "/readyz"); strings.TrimSpace(r.Stdout) != "ok" {
		t.Errorf("/readyz = %q, want ok", r.Stdout)
	}
	if r := c.MustKubectl(t, ctx, "auth", "can-i", "*", "*", "--all-namespaces"); strings.TrimSpace(r.Stdout) != "yes" {
		t.Errorf("admin is not cluster-admin: %q", r.Stdout)
	}
}

// CRDs from a directory are applied and become Established, and their objects are served
// with schema validation; the repository's crds/ (installed by TestMain) are Established.
func TestControlPlaneInstallsCRDs(t *testing.T) {
	c := framework.C
	ctx := framework.Context(t, 2*time.Minute)
	if err := controlplane.InstallCRDs(ctx, c.Kubectl, c.Testdata("crds"), time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Kubectl.Run(context.Background(), nil, "delete", "crd", "widgets.e2e.tierguard.io", "--wait=false")
	})
	r := c.MustKubectl(t, ctx, "get", "crd", "widgets.e2e.tierguard.io",
		"-o", `jsonpath={.status.conditions[?(@.type=="Established")].status}`)
	if r.Stdout != "True" {
		t.Fatalf("widgets CRD Established = %q, want True", r.Stdout)
	}
	ns := "tg-e2e-crd-" + framework.RunID(t)
	c.MustKubectl(t, ctx, "create", "namespace", ns)
	t.Cleanup(func() { c.Kubectl.Run(context.Background(), nil, "delete", "namespace", ns, "--wait=false") })
	good := "apiVersion: e2e.tierguard.io/v1\nkind: Widget\nmetadata: {name: ok, namespace: " + ns + "}\nspec: {size: 3}\n"
	if r := c.Kubectl.Run(ctx, []byte(good), "apply", "-f", "-"); r.Err != nil {
		t.Errorf("valid Widget rejected: %v", r.Err)
	}
	bad := "apiVersion: e2e.tierguard.io/v1\nkind: Widget\nmetadata: {name: bad, namespace: " + ns + "}\nspec: {size: 0}\n"
	if r := c.Kubectl.Run(ctx, []byte(bad), "apply", "-f", "-"); r.Err == nil || !strings.Contains(r.Stderr, "spec.size") {
		t.Errorf("Widget with size 0 not rejected by the CRD schema: err=%v stderr=%s", r.Err, r.Stderr)
	}

	files, err := controlplane.ManifestFiles(filepath.Join(c.RepoRoot, "crds"))
	if err != nil || len(files) == 0 {
		t.Logf("no CRDs in %s yet", filepath.Join(c.RepoRoot, "crds"))
		return
	}
	args := []string{"wait", "--for=condition=Established", "--timeout=10s"}
	for _, f := range files {
		args = append(args, "-f", f)
	}
	c.MustKubectl(t, ctx, args...)
}

// A user minted by AddUser authenticates as that user and group, and RBAC gives it nothing.
func TestControlPlaneAddUser(t *testing.T) {
	c := framework.C
	if c.Embedded == nil {
		t.Skip("needs the embedded control plane's CA")
	}
	ctx := framework.Context(t, time.Minute)
	path, err := c.Embedded.AddUser("alice", "dev")
	if err != nil {
		t.Fatal(err)
	}
	alice := controlplane.Kubectl{Path: c.Kubectl.Path, Kubeconfig: path}
	r := alice.Run(ctx, nil, "auth", "whoami", "-o", "json")
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	var who struct {
		Status struct {
			UserInfo struct {
				Username string
				Groups   []string
			}
		}
	}
	if err := json.Unmarshal([]byte(r.Stdout), &who); err != nil {
		t.Fatal(err)
	}
	ui := who.Status.UserInfo
	if ui.Username != "alice" || !strings.Contains(strings.Join(ui.Groups, ","), "dev") {
		t.Errorf("whoami = %+v, want alice in group dev", ui)
	}
	if r := alice.Run(ctx, nil, "get", "pods", "-n", "default"); r.Err == nil || !strings.Contains(r.Stderr, "Forbidden") {
		t.Errorf("alice listed pods without RBAC: err=%v stderr=%s", r.Err, r.Stderr)
	}
}

// Stop leaves no process, port or directory behind, and a start that cannot become ready
// fails within its timeout with the apiserver's log in the error.
func TestControlPlaneLifecycle(t *testing.T) {
	c := framework.C
	if c.Embedded == nil {
		t.Skip("starts its own control plane from the tools in " + c.ToolsBin)
	}
	if testing.Short() {
		t.Skip("starts two more control planes")
	}

	t.Run("StopLeavesNothingBehind", func(t *testing.T) {
		cp, err := controlplane.Start(framework.Context(t, 3*time.Minute), controlplane.Config{BinDir: c.ToolsBin})
		if err != nil {
			t.Fatal(err)
		}
		pids := []int{cp.Etcd.Pid(), cp.APIServer.Pid()}
		ports := []string{cp.EtcdURL, cp.APIServerURL}
		dir := cp.Dir
		if err := cp.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
		for _, pid := range pids {
			if err := syscall.Kill(pid, 0); err == nil {
				t.Errorf("process %d still exists after Stop", pid)
			}
		}
		for _, raw := range ports {
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			port, err := strconv.Atoi(u.Port())
			if err != nil {
				t.Fatal(err)
			}
			if err := controlplane.CheckPortFree(port, raw); err != nil {
				t.Errorf("after Stop: %v", err)
			}
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("work directory %s still exists after Stop (err=%v)", dir, err)
		}
	})

	t.Run("ReadinessTimeoutShowsLog", func(t *testing.T) {
		// The real kube-apiserver behind a wrapper that points it at a port where no etcd
		// listens (a repeated --etcd-servers flag would add a server, not replace it):
		// it never gets ready.
		deadPort, err := controlplane.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		bin := t.TempDir()
		for _, b := range []string{controlplane.EtcdBinary, controlplane.KubectlBinary} {
			if err := os.Symlink(filepath.Join(c.ToolsBin, b), filepath.Join(bin, b)); err != nil {
				t.Fatal(err)
			}
		}
		wrapper := "#!/bin/sh\n" +
			"for a; do shift; case \"$a\" in --etcd-servers=*) a=--etcd-servers=http://127.0.0.1:" + strconv.Itoa(deadPort) + ";; esac; set -- \"$@\" \"$a\"; done\n" +
			"exec " + filepath.Join(c.ToolsBin, controlplane.APIServerBinary) + " \"$@\"\n"
		if err := os.WriteFile(filepath.Join(bin, controlplane.APIServerBinary), []byte(wrapper), 0o755); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		cp, err := controlplane.Start(framework.Context(t, 2*time.Minute), controlplane.Config{
			BinDir:       bin,
			StartTimeout: 10 * time.Second,
		})
		if err == nil {
			_ = cp.Stop()
			t.Fatal("Start succeeded with an unreachable etcd")
		}
		msg := err.Error()
		t.Logf("Start failed as expected after %s:\n%s", time.Since(start).Round(time.Second), firstLines(msg, 6))
		if !strings.Contains(msg, "kube-apiserver did not become ready") || !strings.Contains(msg, "kube-apiserver.log") {
			t.Errorf("error does not name the apiserver and its log:\n%s", msg)
		}
		if strings.Count(msg, "\n") < 5 {
			t.Errorf("error carries no log tail:\n%s", msg)
		}
		if took := time.Since(start); took > time.Minute {
			t.Errorf("readiness timeout of 10s took %s to report", took)
		}
	})
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
