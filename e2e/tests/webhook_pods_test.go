package tests

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"tierguard.io/e2e/framework"
)

// The wire contract with a real kube-apiserver as the client: tierguard's pod validation,
// registered through a ValidatingWebhookConfiguration (failurePolicy Fail, 5 s timeout,
// https://127.0.0.1:PORT with the test CA), decides pods created with kubectl.
func TestWebhookPods(t *testing.T) {
	c := framework.C
	ctx := framework.Context(t, 3*time.Minute)
	run := framework.RunID(t)
	data := map[string]string{"Run": run}

	// The namespaces and ServiceAccounts exist in the apiserver and in tierguard's state.
	clusterState := c.Render(t, "webhook-pods/cluster.yaml", data)
	tiers := c.Render(t, "webhook-pods/tiers.yaml", data)
	c.MustKubectl(t, ctx, "apply", "-f", clusterState)
	t.Cleanup(func() {
		// Only matters on an existing cluster: without a namespace controller the
		// embedded control plane never finishes deleting namespaces.
		c.Kubectl.Run(context.Background(), nil, "delete", "-f", clusterState, "--wait=false", "--ignore-not-found")
	})

	w := c.StartWebhook(t, clusterState, tiers)

	data["URL"] = w.URL
	data["CABundle"] = w.CABundle
	webhookConfig := c.Render(t, "webhook-pods/webhook.yaml", data)
	c.MustKubectl(t, ctx, "apply", "-f", webhookConfig)
	// Registered after StartWebhook, so it runs before the webhook is stopped: a
	// failurePolicy Fail webhook must never outlive its server.
	t.Cleanup(func() {
		if r := c.Kubectl.Run(context.Background(), nil, "delete", "-f", webhookConfig, "--ignore-not-found"); r.Err != nil {
			t.Errorf("remove the webhook configuration: %v", r.Err)
		}
	})

	// The apiserver picks webhook configurations up asynchronously: dry-run the probe pod
	// until tierguard denies it.
	probe := c.Render(t, "webhook-pods/pod-probe.yaml", data)
	framework.Eventually(t, 30*time.Second, 250*time.Millisecond, "webhook configuration takes effect", func(ctx context.Context) error {
		r := c.Kubectl.Run(ctx, nil, "create", "--dry-run=server", "-f", probe)
		if r.Err == nil {
			return errors.New("probe pod admitted (webhook not called yet)")
		}
		if !strings.Contains(r.Stderr, "denied the request") {
			return r.Err
		}
		return nil
	})

	t.Run("AllowedPodIsCreated", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		pod := c.Render(t, "webhook-pods/pod-allowed.yaml", data)
		r := c.Kubectl.Run(ctx, nil, "apply", "-f", pod)
		if r.Err != nil {
			t.Fatalf("allowed pod rejected: %v", r.Err)
		}
		if strings.Contains(r.Stderr, "Warning:") {
			t.Errorf("allowed pod drew a warning: %s", r.Stderr)
		}
		c.MustKubectl(t, ctx, "get", "pod", "allowed", "-n", "tg-e2e-dev-"+run)
	})

	t.Run("DeniedPodIsRejectedWithReason", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		pod := c.Render(t, "webhook-pods/pod-denied.yaml", data)
		r := c.Kubectl.Run(ctx, nil, "apply", "-f", pod)
		if r.Err == nil {
			t.Fatalf("denied pod was admitted:\n%s%s", r.Stdout, r.Stderr)
		}
		// kubectl prints: admission webhook "pods.validate.tierguard.io" denied the request: MESSAGE.
		// Only MESSAGE comes from tierguard; it must name tierguard and the tier.
		_, msg, ok := strings.Cut(r.Stderr, "denied the request:")
		if !ok {
			t.Fatalf("rejected, but not by the webhook: %s", r.Stderr)
		}
		for _, want := range []string{"tierguard", "restricted"} {
			if !strings.Contains(msg, want) {
				t.Errorf("denial message %q does not contain %q", strings.TrimSpace(msg), want)
			}
		}
		if g := c.Kubectl.Run(ctx, nil, "get", "pod", "denied", "-n", "tg-e2e-prod-"+run); g.Err == nil {
			t.Error("the denied pod exists")
		}
	})

	t.Run("WarnModePodIsAdmittedWithWarning", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		pod := c.Render(t, "webhook-pods/pod-warn.yaml", data)
		r := c.Kubectl.Run(ctx, nil, "apply", "-f", pod)
		if r.Err != nil {
			t.Fatalf("pod under a Warn tier rejected: %v", r.Err)
		}
		if !strings.Contains(r.Stderr, "Warning:") {
			t.Errorf("kubectl printed no admission warning; stderr: %q", r.Stderr)
		}
		c.MustKubectl(t, ctx, "get", "pod", "warned", "-n", "tg-e2e-sandbox-"+run)
	})
}
