package tests

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"tierguard.io/e2e/controlplane"
	"tierguard.io/e2e/framework"
)

// The tests of tierguard following the live cluster (`tierguard run`): every decision comes
// from what its informers have seen, so a change made with kubectl must show in the next
// decisions within about a second, an object created a moment before the object under
// review must still be found, and an apiserver restart must not leave tierguard deciding
// from a frozen picture of the cluster.

// convergeBound is how long a change may take to show in tierguard's decisions before a
// test fails; tierguard's target is about a second (a watch event), the rest is headroom
// for a loaded two-core machine. The measured time is logged.
const convergeBound = 5 * time.Second

// liveRun is one `tierguard run` registered behind a ValidatingWebhookConfiguration.
type liveRun struct {
	c    *framework.Cluster
	w    *framework.Webhook
	run  string
	data map[string]string
}

// startLive starts `tierguard run` (with opts), applies the fixture clusterFixture (tiers,
// namespaces, ServiceAccounts... rendered with the run id) with kubectl, registers
// testdata/live/webhook.yaml and waits until a dry-run pod of ServiceAccount "app" in
// probeNS-RUN is denied naming probeTier-RUN: the webhook configuration is in effect and
// tierguard has seen that tier, namespace and ServiceAccount.
func startLive(t *testing.T, ctx context.Context, opts framework.RunOptions, clusterFixture, probeNS, probeTier string) *liveRun {
	t.Helper()
	c := framework.C
	run := framework.RunID(t)
	l := &liveRun{c: c, run: run, data: map[string]string{"Run": run}}

	l.w = c.StartRun(t, opts)

	// Created while tierguard is already running: it learns all of it from its watches.
	objects := c.Render(t, clusterFixture, l.data)
	c.MustKubectl(t, ctx, "apply", "-f", objects)
	t.Cleanup(func() {
		// Tiers and ClusterRoles are cluster-scoped and outlive the namespaces; the
		// namespaces only finish deleting on a cluster with a namespace controller.
		c.Kubectl.Run(context.Background(), nil, "delete", "-f", objects, "--wait=false", "--ignore-not-found")
	})

	l.data["URL"] = l.w.URL
	l.data["CABundle"] = l.w.CABundle
	config := c.Render(t, "live/webhook.yaml", l.data)
	c.MustKubectl(t, ctx, "apply", "-f", config)
	// Registered after StartRun, so it runs before tierguard is stopped: a failurePolicy
	// Fail webhook must never outlive its server.
	t.Cleanup(func() {
		if r := c.Kubectl.Run(context.Background(), nil, "delete", "-f", config, "--ignore-not-found"); r.Err != nil {
			t.Errorf("remove the webhook configuration: %v", r.Err)
		}
	})

	probe := l.pod(t, "probe", probeNS+"-"+run, "app")
	framework.Eventually(t, 30*time.Second, 250*time.Millisecond, "webhook configuration takes effect", func(ctx context.Context) error {
		return deniedNaming(c.Kubectl.Run(ctx, nil, "create", "--dry-run=server", "-f", probe), probeTier+"-"+run)
	})
	return l
}

// pod renders testdata/live/pod.yaml.
func (l *liveRun) pod(t *testing.T, name, namespace, sa string) string {
	t.Helper()
	return l.c.Render(t, "live/pod.yaml", map[string]string{"Name": name, "Namespace": namespace, "SA": sa})
}

// deployment renders testdata/live/deployment.yaml.
func (l *liveRun) deployment(t *testing.T, name, namespace, sa string) string {
	t.Helper()
	return l.c.Render(t, "live/deployment.yaml", map[string]string{"Name": name, "Namespace": namespace, "SA": sa})
}

// tierMessage returns what tierguard said in a rejection: kubectl prints `admission webhook
// "NAME" denied the request: MESSAGE`, and only MESSAGE comes from tierguard.
func tierMessage(r controlplane.Result) (string, bool) {
	_, msg, ok := strings.Cut(r.Stderr, "denied the request:")
	return strings.TrimSpace(msg), ok
}

// deniedNaming is nil when kubectl failed because tierguard denied the request with a
// message naming tierguard and every one of wants.
func deniedNaming(r controlplane.Result, wants ...string) error {
	if r.Err == nil {
		return fmt.Errorf("admitted: %s%s", r.Stdout, r.Stderr)
	}
	msg, ok := tierMessage(r)
	if !ok {
		return fmt.Errorf("rejected, but not by the webhook: %v", r.Err)
	}
	for _, want := range append([]string{"tierguard"}, wants...) {
		if !strings.Contains(msg, want) {
			return fmt.Errorf("denial %q does not contain %q", msg, want)
		}
	}
	return nil
}

// admittedClean is nil when kubectl succeeded without an admission warning.
func admittedClean(r controlplane.Result) error {
	if r.Err != nil {
		return r.Err
	}
	if strings.Contains(r.Stderr, "Warning:") {
		return fmt.Errorf("admitted with a warning: %s", strings.TrimSpace(r.Stderr))
	}
	return nil
}

// admittedWarning is nil when kubectl succeeded and printed tierguard's admission warning
// naming every one of wants.
func admittedWarning(r controlplane.Result, wants ...string) error {
	if r.Err != nil {
		return r.Err
	}
	if !strings.Contains(r.Stderr, "Warning: tierguard") {
		return fmt.Errorf("admitted without tierguard's warning; stderr: %q", r.Stderr)
	}
	for _, want := range wants {
		if !strings.Contains(r.Stderr, want) {
			return fmt.Errorf("warning %q does not contain %q", strings.TrimSpace(r.Stderr), want)
		}
	}
	return nil
}

// converges polls probe (a server-side dry run is cheap and leaves nothing behind) every
// 50 ms from the moment a change was made until it passes, fails the test after
// convergeBound, and returns how long the change took to show.
func converges(t *testing.T, changed time.Time, what string, probe func(ctx context.Context) error) time.Duration {
	t.Helper()
	framework.Eventually(t, convergeBound, 50*time.Millisecond, what, probe)
	took := time.Since(changed)
	t.Logf("%s: the decision flipped %s after the change", what, took.Round(time.Millisecond))
	return took
}

// TestLiveDecisionsFollowTheCluster: `tierguard run` behind a real webhook configuration
// (pods, workloads, RBAC; failurePolicy Fail, 5 s timeout) decides from the live cluster,
// and edits made with kubectl — namespace labels, a tier's placement, a tier's enforcement,
// a bound Role's rules — change the very next decisions.
func TestLiveDecisionsFollowTheCluster(t *testing.T) {
	c := framework.C
	ctx := framework.Context(t, 4*time.Minute)
	l := startLive(t, ctx, framework.RunOptions{}, "live/decisions-cluster.yaml", "tg-e2e-live-probe", "live-app")
	run := l.run
	dev, prod, move := "tg-e2e-live-dev-"+run, "tg-e2e-live-prod-"+run, "tg-e2e-live-move-"+run
	appTier, flipTier := "live-app-"+run, "live-flip-"+run

	t.Run("AllowedPodIsCreated", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		if err := admittedClean(c.Kubectl.Run(ctx, nil, "apply", "-f", l.pod(t, "allowed", dev, "app"))); err != nil {
			t.Fatalf("pod of %s/app (tier %s, placed in dev) rejected: %v", dev, appTier, err)
		}
		c.MustKubectl(t, ctx, "get", "pod", "allowed", "-n", dev)
	})

	t.Run("PodOutsidePlacementIsDeniedNamingTheTier", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		r := c.Kubectl.Run(ctx, nil, "apply", "-f", l.pod(t, "denied", prod, "app"))
		if err := deniedNaming(r, appTier, "placement", prod); err != nil {
			t.Fatal(err)
		}
		if g := c.Kubectl.Run(ctx, nil, "get", "pod", "denied", "-n", prod); g.Err == nil {
			t.Error("the denied pod exists")
		}
	})

	t.Run("WorkloadOutsidePlacementIsDenied", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		r := c.Kubectl.Run(ctx, nil, "apply", "-f", l.deployment(t, "web", prod, "app"))
		if err := deniedNaming(r, appTier, "placement"); err != nil {
			t.Fatal(err)
		}
		if err := admittedClean(c.Kubectl.Run(ctx, nil, "apply", "-f", l.deployment(t, "web", dev, "app"))); err != nil {
			t.Fatalf("Deployment in %s rejected: %v", dev, err)
		}
	})

	t.Run("NamespaceLabelChangeFlipsTheNextDecision", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		pod := l.pod(t, "moved", move, "app")
		dryRun := func(ctx context.Context) controlplane.Result {
			return c.Kubectl.Run(ctx, nil, "create", "--dry-run=server", "-f", pod)
		}
		if err := deniedNaming(dryRun(ctx), appTier, "placement"); err != nil {
			t.Fatalf("before relabelling (environment=prod): %v", err)
		}

		c.MustKubectl(t, ctx, "label", "namespace", move, "tierguard.io/environment=dev", "--overwrite")
		converges(t, time.Now(), "namespace relabelled prod -> dev: pod admitted", func(ctx context.Context) error {
			return admittedClean(dryRun(ctx))
		})

		c.MustKubectl(t, ctx, "label", "namespace", move, "tierguard.io/environment=prod", "--overwrite")
		converges(t, time.Now(), "namespace relabelled dev -> prod: pod denied", func(ctx context.Context) error {
			return deniedNaming(dryRun(ctx), appTier, "placement")
		})
	})

	t.Run("TierPlacementPatchFlipsTheNextDecision", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		pod := l.pod(t, "placed", prod, "app")
		dryRun := func(ctx context.Context) controlplane.Result {
			return c.Kubectl.Run(ctx, nil, "create", "--dry-run=server", "-f", pod)
		}
		placement := func(envs string) string {
			return `[{"op":"replace","path":"/spec/placement/namespaceSelector","value":` +
				`{"matchExpressions":[{"key":"tierguard.io/environment","operator":"In","values":[` + envs + `]}]}}]`
		}

		c.MustKubectl(t, ctx, "patch", "privilegetier", appTier, "--type=json", "-p", placement(`"dev","prod"`))
		converges(t, time.Now(), "tier placement widened to prod: pod admitted", func(ctx context.Context) error {
			return admittedClean(dryRun(ctx))
		})
		if err := admittedClean(c.Kubectl.Run(ctx, nil, "apply", "-f", pod)); err != nil {
			t.Fatalf("pod in %s after widening the placement: %v", prod, err)
		}

		c.MustKubectl(t, ctx, "patch", "privilegetier", appTier, "--type=json", "-p", placement(`"dev"`))
		converges(t, time.Now(), "tier placement narrowed to dev: pod denied", func(ctx context.Context) error {
			return deniedNaming(dryRun(ctx), appTier, "placement")
		})
	})

	t.Run("TierEnforcementPatchedToWarnAdmitsWithWarning", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		pod := l.pod(t, "flipped", prod, "flip")
		// The ServiceAccount's label selects the lower-ranked tier live-flip.
		if err := deniedNaming(c.Kubectl.Run(ctx, nil, "create", "--dry-run=server", "-f", pod), flipTier, "placement"); err != nil {
			t.Fatalf("while %s is Enforce: %v", flipTier, err)
		}

		c.MustKubectl(t, ctx, "patch", "privilegetier", flipTier, "--type=merge", "-p", `{"spec":{"enforcement":"Warn"}}`)
		converges(t, time.Now(), "tier enforcement Enforce -> Warn: pod admitted with a warning", func(ctx context.Context) error {
			return admittedWarning(c.Kubectl.Run(ctx, nil, "create", "--dry-run=server", "-f", pod), flipTier)
		})
		r := c.Kubectl.Run(ctx, nil, "apply", "-f", pod)
		if err := admittedWarning(r, flipTier, "placement"); err != nil {
			t.Fatalf("pod under the Warn tier: %v", err)
		}
		t.Logf("kubectl apply printed: %s", strings.TrimSpace(r.Stderr))
		c.MustKubectl(t, ctx, "get", "pod", "flipped", "-n", prod)
	})

	t.Run("RoleBindingAboveTheCeilingIsDenied", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		r := c.Kubectl.Run(ctx, nil, "create", "rolebinding", "app-exec", "-n", dev, "--role=pod-exec", "--serviceaccount="+dev+":app")
		if err := deniedNaming(r, appTier, "pods/exec"); err != nil {
			t.Fatal(err)
		}
		if g := c.Kubectl.Run(ctx, nil, "get", "rolebinding", "app-exec", "-n", dev); g.Err == nil {
			t.Error("the denied RoleBinding exists")
		}
		r = c.Kubectl.Run(ctx, nil, "create", "rolebinding", "app-config", "-n", dev, "--role=config-reader", "--serviceaccount="+dev+":app")
		if err := admittedClean(r); err != nil {
			t.Fatalf("RoleBinding within the ceiling rejected: %v", err)
		}
	})

	t.Run("ClusterRoleBindingWithoutClusterScopeIsDenied", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		crb := c.Render(t, "live/clusterrolebinding.yaml", map[string]string{"Run": run, "Namespace": dev})
		t.Cleanup(func() { c.Kubectl.Run(context.Background(), nil, "delete", "-f", crb, "--ignore-not-found") })
		if err := deniedNaming(c.Kubectl.Run(ctx, nil, "apply", "-f", crb), appTier); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("EditingABoundRoleAboveTheCeilingIsDenied", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		// Needs RoleBinding app-config (config-reader -> app) from RoleBindingAboveTheCeilingIsDenied.
		if r := c.Kubectl.Run(ctx, nil, "get", "rolebinding", "app-config", "-n", dev); r.Err != nil {
			t.Skipf("RoleBinding app-config missing (RoleBindingAboveTheCeilingIsDenied failed?): %v", r.Err)
		}
		addExec := `[{"op":"add","path":"/rules/-","value":{"apiGroups":[""],"resources":["pods/exec"],"verbs":["create"]}}]`
		// The binding was created a moment ago: a watch that has not delivered it yet is
		// TestLiveCacheMiss's business (RoleBindingThenRole...); here, the drift check.
		framework.Eventually(t, convergeBound, 50*time.Millisecond, "server-side dry run of the Role edit denied", func(ctx context.Context) error {
			return deniedNaming(c.Kubectl.Run(ctx, nil, "patch", "role", "config-reader", "-n", dev, "--dry-run=server", "--type=json", "-p", addExec), appTier, "pods/exec")
		})
		r := c.Kubectl.Run(ctx, nil, "patch", "role", "config-reader", "-n", dev, "--type=json", "-p", addExec)
		if err := deniedNaming(r, appTier, "pods/exec"); err != nil {
			t.Fatal(err)
		}
		got := c.MustKubectl(t, ctx, "get", "role", "config-reader", "-n", dev, "-o", "jsonpath={.rules[*].resources}")
		if strings.Contains(got.Stdout, "pods/exec") {
			t.Errorf("the Role was changed anyway: rules' resources %s", got.Stdout)
		}
		// An edit that stays within the ceiling is fine.
		addWatch := `[{"op":"add","path":"/rules/0/verbs/-","value":"watch"}]`
		if err := admittedClean(c.Kubectl.Run(ctx, nil, "patch", "role", "config-reader", "-n", dev, "--type=json", "-p", addWatch)); err != nil {
			t.Errorf("Role edit within the ceiling rejected: %v", err)
		}
	})

	if err := l.w.Ready(ctx); err != nil {
		t.Errorf("tierguard run no longer ready at the end: %v", err)
	}
}

// cacheWatchDelay is how late TestLiveCacheMiss's proxy delivers the watch events of the
// objects a review may depend on: far longer than a `kubectl apply` of a few objects takes,
// so every review in one apply happens before tierguard's watch has the objects before it.
const cacheWatchDelay = 3 * time.Second

// TestLiveCacheMiss: objects created a moment before the object under review — in the same
// `kubectl apply` — are taken into account even when tierguard's watch has not delivered
// them yet (one bounded GET per review), and a review about an object that does not exist,
// or whose GET never returns, is answered quickly, never left to run into the webhook
// timeout.
//
// On the embedded control plane tierguard follows the cluster through an APIProxy that
// delivers the watch events of ServiceAccounts, Namespaces, tiers, Roles and RoleBindings
// cacheWatchDelay late (as an apiserver whose watch cache lags), so the cache-miss path is
// taken every time instead of losing a race with a watch that usually wins within
// milliseconds. On an existing cluster tierguard talks to it directly and the subtests that
// need the delay skip.
func TestLiveCacheMiss(t *testing.T) {
	c := framework.C
	ctx := framework.Context(t, 3*time.Minute)
	var proxy *framework.APIProxy
	var opts framework.RunOptions
	if c.Embedded != nil {
		proxy = c.StartAPIProxy(t, framework.ProxyOptions{
			WatchDelay:   cacheWatchDelay,
			DelayWatches: []string{"serviceaccounts", "namespaces", "privilegetiers", "roles", "rolebindings"},
			HangGets: func(resource, _, name string) bool {
				return resource == "serviceaccounts" && strings.HasPrefix(name, "hang")
			},
		})
		opts.Kubeconfig = proxy.Kubeconfig
	}
	needsDelay := func(t *testing.T) {
		if proxy == nil {
			t.Skip("needs the embedded control plane: delays tierguard's watches through an APIProxy")
		}
	}
	l := startLive(t, ctx, opts, "live/cache-cluster.yaml", "tg-e2e-cache-probe", "cache-base")
	run := l.run
	ns := "tg-e2e-cache-" + run
	fetches := func(t *testing.T, kind, result string) float64 {
		t.Helper()
		v, _, err := l.w.Metric(ctx, "tierguard_state_fetches_total", map[string]string{"kind": kind, "result": result})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	t.Run("ServiceAccountAndPodInOneApply", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		names := []string{"svc-1", "svc-2", "svc-3"}
		file := c.Render(t, "live/cache-sa-and-pods.yaml", struct {
			Run   string
			Names []string
		}{run, names})
		before := fetches(t, "ServiceAccount", "found")
		r := c.Kubectl.Run(ctx, nil, "apply", "-f", file)
		if err := admittedClean(r); err != nil {
			t.Fatalf("pods of ServiceAccounts created just before them (tier cache-svc-%s, placed in dev) rejected: %v", run, err)
		}
		for _, n := range names {
			if !strings.Contains(r.Stdout, "pod/"+n+" created") {
				t.Errorf("kubectl apply did not create pod %s:\n%s", n, r.Stdout)
			}
		}
		got := fetches(t, "ServiceAccount", "found") - before
		t.Logf("%v of %d pods were decided after a cache-miss GET of their ServiceAccount", got, len(names))
		if proxy != nil && got < float64(len(names)) {
			t.Errorf("tierguard_state_fetches_total{kind=ServiceAccount,result=found} rose by %v, want %d (one GET per pod: the watch events were %s late)",
				got, len(names), cacheWatchDelay)
		}
	})

	t.Run("TierAndPodOfAnnotatedServiceAccountInOneApply", func(t *testing.T) {
		needsDelay(t)
		ctx := framework.Context(t, time.Minute)
		file := c.Render(t, "live/cache-tier-and-pod.yaml", l.data)
		t.Cleanup(func() {
			c.Kubectl.Run(context.Background(), nil, "delete", "-f", file, "--wait=false", "--ignore-not-found")
		})
		before := fetches(t, "PrivilegeTier", "found")
		if err := admittedClean(c.Kubectl.Run(ctx, nil, "apply", "-f", file)); err != nil {
			t.Fatalf("pod of a ServiceAccount annotated with tier cache-late-%s, created with the tier: %v", run, err)
		}
		if got := fetches(t, "PrivilegeTier", "found") - before; got < 1 {
			t.Errorf("tierguard_state_fetches_total{kind=PrivilegeTier,result=found} rose by %v, want 1", got)
		}
	})

	// FAILS with tierguard at 12ed2f4: the pod review makes one GET (the ServiceAccount)
	// and then finds the namespace unknown; see the report in docs/testing.md.
	t.Run("NamespaceServiceAccountAndDeploymentInOneApply", func(t *testing.T) {
		needsDelay(t)
		ctx := framework.Context(t, time.Minute)
		file := c.Render(t, "live/cache-namespace-sa-deployment.yaml", l.data)
		t.Cleanup(func() {
			c.Kubectl.Run(context.Background(), nil, "delete", "-f", file, "--wait=false", "--ignore-not-found")
		})
		if err := admittedClean(c.Kubectl.Run(ctx, nil, "apply", "-f", file)); err != nil {
			t.Fatalf("Deployment applied with its namespace and ServiceAccount rejected: %v", err)
		}
	})

	// FAILS with tierguard at 12ed2f4: a RoleBinding whose Role the state does not hold yet
	// is admitted ("does not exist yet; its rules are checked when it is created"), though the
	// Role exists and was checked, unbound, a moment before.
	t.Run("RoleThenRoleBindingAboveTheCeilingInOneApply", func(t *testing.T) {
		needsDelay(t)
		ctx := framework.Context(t, time.Minute)
		file := c.Render(t, "live/cache-role-then-binding.yaml", l.data)
		t.Cleanup(func() { c.Kubectl.Run(context.Background(), nil, "delete", "-f", file, "--ignore-not-found") })
		r := c.Kubectl.Run(ctx, nil, "apply", "-f", file)
		if err := deniedNaming(r, "cache-svc-"+run, "pods/exec"); err != nil {
			t.Fatalf("RoleBinding of a Role above the ceiling, applied right after the Role: %v\nstdout: %s", err, r.Stdout)
		}
	})

	// FAILS with tierguard at 12ed2f4: the Role review finds no binding of the Role in the
	// state (its watch event is late) and admits rules above the bound ServiceAccount's ceiling.
	t.Run("RoleBindingThenRoleAboveTheCeilingInOneApply", func(t *testing.T) {
		needsDelay(t)
		ctx := framework.Context(t, time.Minute)
		file := c.Render(t, "live/cache-binding-then-role.yaml", l.data)
		t.Cleanup(func() { c.Kubectl.Run(context.Background(), nil, "delete", "-f", file, "--ignore-not-found") })
		r := c.Kubectl.Run(ctx, nil, "apply", "-f", file)
		if err := deniedNaming(r, "cache-svc-"+run, "pods/exec"); err != nil {
			t.Fatalf("Role above the ceiling, applied right after a RoleBinding of it: %v\nstdout: %s", err, r.Stdout)
		}
	})

	t.Run("PodOfMissingServiceAccountIsRejectedQuickly", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		start := time.Now()
		r := c.Kubectl.Run(ctx, nil, "apply", "-f", l.pod(t, "ghost", ns, "ghost"))
		took := time.Since(start)
		if r.Err == nil {
			t.Fatalf("pod of a ServiceAccount that does not exist was admitted:\n%s", r.Stdout)
		}
		t.Logf("rejected after %s: %s", took.Round(time.Millisecond), strings.TrimSpace(r.Stderr))
		if timedOut(r) {
			t.Errorf("the webhook call timed out instead of being answered: %s", r.Stderr)
		}
		if took > 4*time.Second {
			t.Errorf("rejection took %s; the webhook timeout is 5 s and a cache miss may add at most ~2 s", took)
		}
	})

	t.Run("WorkloadOfMissingServiceAccountIsDecidedQuickly", func(t *testing.T) {
		// The ServiceAccount admission plugin checks pods only: a Deployment naming a
		// ServiceAccount that does not exist reaches tierguard, whose cache-miss GET finds
		// nothing; the ServiceAccount then resolves from its namespace alone (cache-base,
		// not placed in dev).
		ctx := framework.Context(t, time.Minute)
		before := fetches(t, "ServiceAccount", "missing")
		start := time.Now()
		r := c.Kubectl.Run(ctx, nil, "apply", "-f", l.deployment(t, "ghost", ns, "ghost"))
		took := time.Since(start)
		if err := deniedNaming(r, "cache-base-"+run, "placement"); err != nil {
			t.Fatal(err)
		}
		t.Logf("denied after %s", took.Round(time.Millisecond))
		if took > 4*time.Second {
			t.Errorf("decision took %s; a cache miss may add at most ~2 s", took)
		}
		if got := fetches(t, "ServiceAccount", "missing") - before; got < 1 {
			t.Errorf("tierguard_state_fetches_total{kind=ServiceAccount,result=missing} rose by %v, want >= 1 (no cache-miss GET was made)", got)
		}
	})

	t.Run("HungCacheMissGetIsBounded", func(t *testing.T) {
		// The proxy holds tierguard's GET of ServiceAccount "hang" until tierguard gives up:
		// the review must still be answered (from the namespace alone) well within the
		// webhook's 5 s timeout.
		needsDelay(t)
		ctx := framework.Context(t, time.Minute)
		start := time.Now()
		r := c.Kubectl.Run(ctx, nil, "apply", "-f", l.deployment(t, "hang", ns, "hang"))
		took := time.Since(start)
		if timedOut(r) {
			t.Fatalf("the webhook call timed out: tierguard waited for the GET (%s): %s", took.Round(time.Millisecond), r.Stderr)
		}
		if err := deniedNaming(r, "cache-base-"+run, "placement"); err != nil {
			t.Fatal(err)
		}
		t.Logf("denied after %s (the GET was held by the proxy)", took.Round(time.Millisecond))
		if held := proxy.HeldGets("serviceaccounts", ns, "hang"); held != 1 {
			t.Errorf("the proxy held %d GETs of serviceaccount hang, want exactly 1 (one bounded GET per review)", held)
		}
		if took > 4*time.Second {
			t.Errorf("decision took %s with a hung GET; tierguard bounds it at 2 s", took)
		}
	})
}

// timedOut reports a webhook call that ran into its timeout (or failed) rather than being
// answered by tierguard.
func timedOut(r controlplane.Result) bool {
	s := r.Stderr
	return strings.Contains(s, "failed calling webhook") || strings.Contains(s, "context deadline exceeded") ||
		strings.Contains(s, "Timeout")
}

// TestLiveSurvivesAPIServerRestart: kube-apiserver goes away (etcd stays) and comes back on
// the same port; changes made while tierguard is reconnecting show in its decisions, and
// tierguard itself kept running and ready.
func TestLiveSurvivesAPIServerRestart(t *testing.T) {
	c := framework.C
	if c.Embedded == nil {
		t.Skip("restarts kube-apiserver: needs the embedded control plane, not an existing cluster")
	}
	ctx := framework.Context(t, 5*time.Minute)
	l := startLive(t, ctx, framework.RunOptions{}, "live/restart-cluster.yaml", "tg-e2e-restart-probe", "restart-app")
	run := l.run
	ns := "tg-e2e-restart-" + run
	appTier, lateTier, goneTier := "restart-app-"+run, "restart-late-"+run, "restart-gone-"+run

	if err := admittedClean(c.Kubectl.Run(ctx, nil, "apply", "-f", l.pod(t, "before", ns, "app"))); err != nil {
		t.Fatalf("before the restart: pod in %s (dev) rejected: %v", ns, err)
	}
	gonePod := l.pod(t, "gone", ns, "gone")
	if err := deniedNaming(c.Kubectl.Run(ctx, nil, "create", "--dry-run=server", "-f", gonePod), goneTier); err != nil {
		t.Fatalf("before the restart: pod of gone (tier %s, placed in staging): %v", goneTier, err)
	}
	apiserverURL := c.Embedded.APIServerURL

	restarted := false
	t.Cleanup(func() {
		// Never leave the suite without its apiserver.
		if !restarted && c.Embedded.APIServer.Exited() {
			if err := c.Embedded.StartAPIServer(context.Background()); err != nil {
				t.Errorf("start kube-apiserver again: %v", err)
			}
		}
	})
	// A short grace: with watches open, kube-apiserver drains for a minute before it exits;
	// after 3 s it is killed, and every connection closes at once, as in a crash.
	stopped := time.Now()
	if err := c.Embedded.StopAPIServer(3 * time.Second); err != nil {
		t.Fatalf("stop kube-apiserver: %v", err)
	}
	// While the apiserver is away tierguard must keep running (its state is merely stale).
	if l.w.Proc.Exited() {
		t.Fatalf("tierguard exited when the apiserver went away: %v\n%s", l.w.Proc.ExitError(), l.w.Proc.LogTail(40))
	}
	if err := l.w.Ready(ctx); err != nil {
		t.Logf("tierguard /readyz while the apiserver is down: %v", err)
	} else {
		t.Logf("tierguard /readyz while the apiserver is down: ok")
	}
	if err := c.Embedded.StartAPIServer(ctx); err != nil {
		t.Fatalf("start kube-apiserver again: %v", err)
	}
	restarted = true
	back := time.Now()
	t.Logf("kube-apiserver was down for %s", back.Sub(stopped).Round(100*time.Millisecond))

	if c.Embedded.APIServerURL != apiserverURL {
		t.Errorf("kube-apiserver came back at %s, want %s (the same port)", c.Embedded.APIServerURL, apiserverURL)
	}

	// Right away, while tierguard's watches are reconnecting: move the namespace to prod,
	// delete tier restart-gone and add a tier (placed in prod) for a new ServiceAccount "late".
	c.MustKubectl(t, ctx, "label", "namespace", ns, "tierguard.io/environment=prod", "--overwrite")
	c.MustKubectl(t, ctx, "delete", "privilegetier", goneTier)
	after := c.Render(t, "live/restart-after.yaml", l.data)
	c.MustKubectl(t, ctx, "apply", "-f", after)
	t.Cleanup(func() {
		c.Kubectl.Run(context.Background(), nil, "delete", "-f", after, "--wait=false", "--ignore-not-found")
	})

	appPod, latePod := l.pod(t, "app-after", ns, "app"), l.pod(t, "late-after", ns, "late")
	// Each change on its own, so that the log says how long each kind took to catch up
	// (the informers reconnect independently, each with its own backoff).
	checks := []struct {
		what  string
		check func(ctx context.Context) error
	}{
		{"namespace relabelled dev -> prod: pod of app denied", func(ctx context.Context) error {
			return deniedNaming(c.Kubectl.Run(ctx, nil, "create", "--dry-run=server", "-f", appPod), appTier, "placement")
		}},
		{"tier " + goneTier + " deleted: pod of gone decided by " + appTier, func(ctx context.Context) error {
			r := c.Kubectl.Run(ctx, nil, "create", "--dry-run=server", "-f", gonePod)
			if err := deniedNaming(r, appTier); err != nil {
				return err
			}
			if msg, _ := tierMessage(r); strings.Contains(msg, goneTier) {
				return fmt.Errorf("still decided by the deleted tier: %s", msg)
			}
			return nil
		}},
		{"tier " + lateTier + " created: pod of late admitted", func(ctx context.Context) error {
			return admittedClean(c.Kubectl.Run(ctx, nil, "create", "--dry-run=server", "-f", latePod))
		}},
	}
	for _, ch := range checks {
		framework.Eventually(t, time.Minute, 100*time.Millisecond, ch.what, ch.check)
		t.Logf("%s: %s after the apiserver was ready again", ch.what, time.Since(back).Round(time.Millisecond))
	}
	// All of them at once, in case one flipped back.
	for _, ch := range checks {
		if err := ch.check(ctx); err != nil {
			t.Errorf("%s: no longer true: %v", ch.what, err)
		}
	}
	t.Logf("tierguard's log about the cluster connection since the restart:\n%s", watchLog(l.w.Proc.LogPath, 40))

	if err := admittedClean(c.Kubectl.Run(ctx, nil, "apply", "-f", latePod)); err != nil {
		t.Errorf("pod of late: %v", err)
	}
	if l.w.Proc.Exited() {
		t.Fatalf("tierguard exited: %v", l.w.Proc.ExitError())
	}
	if err := l.w.Ready(ctx); err != nil {
		t.Errorf("tierguard not ready after the restart: %v", err)
	}
	for _, kind := range []string{"PrivilegeTier", "Namespace", "ServiceAccount"} {
		v, found, err := l.w.Metric(ctx, "tierguard_state_synced", map[string]string{"kind": kind})
		if err != nil || !found || v != 1 {
			t.Errorf("tierguard_state_synced{kind=%q} = %v (found %v, err %v), want 1", kind, v, found, err)
		}
	}
}

// watchLog returns up to n lines of a tierguard log that are about its connection to the
// cluster (not admission decisions, not debug).
func watchLog(path string, n int) string {
	var out []string
	for _, line := range strings.Split(controlplane.FileTail(path, 2000), "\n") {
		if strings.Contains(line, `"admission decision"`) || strings.Contains(line, `"level":"debug"`) {
			continue
		}
		out = append(out, line)
	}
	if len(out) > n {
		out = append([]string{fmt.Sprintf("(%d earlier lines)", len(out)-n)}, out[len(out)-n:]...)
	}
	return strings.Join(out, "\n")
}
