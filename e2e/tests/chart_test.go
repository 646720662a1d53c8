package tests

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"tierguard.io/e2e/controlplane"
	"tierguard.io/e2e/framework"
)

// The Helm chart (charts/tierguard) and the image recipe (Dockerfile), tested with the real
// helm and kubectl against the real apiserver:
//   - helm lint --strict and a server-side dry run of every ci/*-values.yaml, so every
//     manifest the chart can render is valid for the apiserver under test (strict field
//     validation: a misplaced field is an error, not a silently dropped one);
//   - templates/validate.yaml refuses each contradictory combination, values.schema.json
//     each wrong type, and the schema's defaults are values.yaml's;
//   - the release namespace and kube-system are excluded from every webhook whatever the
//     values say, and the apiserver really skips them;
//   - the real tierguard binary starts with the Deployment's arguments and the chart's
//     generated certificate and answers the chart's probes;
//   - install, upgrade (certificates kept, renewed, CA rotated) and the hooks' RBAC;
//   - the chart's CRDs are crds/, and the image carries every library the binary links.
// Nothing here leaves a webhook that could affect another test: installs use fail-open or
// inert webhooks (see TestChartInstallUpgradeUninstall) and everything is removed.

const (
	chartName       = "tierguard"
	chartTimeout    = 3 * time.Minute
	wantRunAsUser   = 65532
	defaultPort     = 9443
	defaultSvcPort  = 443
	standInLabelKey = "e2e.tierguard.io/stand-in"
)

// ---------------------------------------------------------------------------------------------
// Lint, render, dry run.

func TestChartLint(t *testing.T) {
	h := newHelm(t)
	ctx := framework.Context(t, chartTimeout)
	for _, values := range append([]string{""}, h.ciValuesFiles(t)...) {
		name := "NoValues"
		if values != "" {
			name = ciName(values)
		}
		t.Run(name, func(t *testing.T) {
			// The oldest Kubernetes the chart supports and the one under test.
			for _, kube := range []string{"1.30.0", ""} {
				args := []string{"lint", "--strict", h.dir}
				if values != "" {
					args = append(args, "--values", values)
				}
				if kube != "" {
					args = append(args, "--kube-version", kube)
				}
				out, err := h.run(ctx, args...)
				if err != nil {
					t.Fatalf("helm %s: %v\n%s", strings.Join(args, " "), err, out)
				}
				// helm lint reports a template's `fail` only as a log line and still passes.
				for _, bad := range []string{"[ERROR]", "[WARNING]", "funcMap fail", "execution error"} {
					if strings.Contains(out, bad) {
						t.Errorf("helm %s reported %q:\n%s", strings.Join(args, " "), bad, out)
					}
				}
			}
		})
	}
}

// kubeVersion in Chart.yaml: the chart relies on matchConditions (GA in 1.30) and the
// preStop sleep action.
func TestChartKubeVersionFloor(t *testing.T) {
	h := newHelm(t)
	ctx := framework.Context(t, time.Minute)
	if _, err := h.template(ctx, "tg", "tierguard", "--kube-version", "1.29.9"); err == nil ||
		!strings.Contains(err.Error(), ">=1.30.0-0") {
		t.Errorf("rendering for Kubernetes 1.29: want a kubeVersion error naming >=1.30.0-0, got %v", err)
	}
	for _, v := range []string{"1.30.0", "1.31.4-eks-a1b2c3"} {
		if _, err := h.template(ctx, "tg", "tierguard", "--kube-version", v); err != nil {
			t.Errorf("rendering for Kubernetes %s: %v", v, err)
		}
	}
}

// Every manifest of every ci/*-values.yaml, hooks included, passes a server-side dry run
// (schema, strict field validation, CEL of matchConditions, admission) on the apiserver under
// test. cert-manager and Prometheus Operator kinds use the cluster's CRDs, or typed stand-ins.
func TestChartManifestsAreValid(t *testing.T) {
	h := newHelm(t)
	ctx := framework.Context(t, chartTimeout)
	ns := h.namespaces(t, ctx)
	h.ensureStandInCRDs(t, ctx)
	for _, values := range h.ciValuesFiles(t) {
		t.Run(ciName(values), func(t *testing.T) {
			objects := h.dryRun(t, ctx, h.mustTemplate(t, ctx, "tg", ns.Release, "--values", values))
			for _, kind := range []string{"Deployment", "Service", "ValidatingWebhookConfiguration"} {
				objects.get(t, kind, "tg-tierguard")
			}
		})
	}
}

// ---------------------------------------------------------------------------------------------
// validate.yaml and values.schema.json.

func TestChartRejectsContradictoryValues(t *testing.T) {
	h := newHelm(t)
	ctx := framework.Context(t, chartTimeout)
	set := func(kv ...string) []string {
		var args []string
		for _, s := range kv {
			args = append(args, "--set", s)
		}
		return args
	}
	cases := []struct {
		name string
		args []string
		want string
		// fixed is the same intent made consistent: it must render, so the rejection is
		// about the contradiction and nothing else.
		fixed []string
	}{
		{"CertManagerWithExistingSecret", set("certManager.enabled=true", "tls.existingSecret=ext"),
			"certManager.enabled and tls.existingSecret are mutually exclusive",
			set("certManager.enabled=true")},
		{"ExistingSecretWithoutCABundle", set("tls.existingSecret=ext"),
			"tls.existingSecret needs tls.caBundle",
			set("tls.existingSecret=ext", `webhooks.annotations.cert-manager\.io/inject-ca-from-secret=tg/ext`)},
		{"CABundleWithoutExistingSecret", set("tls.caBundle=Zm9v"),
			"tls.caBundle is only used with tls.existingSecret",
			set("tls.caBundle=Zm9v", "tls.existingSecret=ext")},
		{"IssuerRefWithoutCertManager", set("certManager.issuerRef.name=corp-ca"),
			"certManager.issuerRef is set but certManager.enabled is false",
			set("certManager.issuerRef.name=corp-ca", "certManager.enabled=true")},
		{"OneReplicaWithPDBMinAvailable1", set("replicaCount=1"),
			"podDisruptionBudget.minAvailable (1) must be below replicaCount (1)",
			set("replicaCount=1", "podDisruptionBudget.enabled=false")},
		{"PDBMinAvailableAllReplicas", set("replicaCount=3", "podDisruptionBudget.minAvailable=3"),
			"podDisruptionBudget.minAvailable (3) must be below replicaCount (3)",
			set("replicaCount=3", "podDisruptionBudget.minAvailable=2")},
		{"PDBMinAvailable100Percent", set("podDisruptionBudget.minAvailable=100%"),
			"podDisruptionBudget.minAvailable (100%) must be below replicaCount (2)",
			set("podDisruptionBudget.minAvailable=50%")},
		{"PDBMaxUnavailableZero", set("podDisruptionBudget.maxUnavailable=0"),
			"podDisruptionBudget.maxUnavailable is 0",
			set("podDisruptionBudget.maxUnavailable=1")},
		{"RenewWindowLongerThanCertificate", set("tls.selfSigned.renewBeforeDays=730"),
			"tls.selfSigned.renewBeforeDays (730) must be below certValidityDays (730) and caValidityDays (3650)",
			set("tls.selfSigned.renewBeforeDays=729")},
		{"WebhookTimeoutOver10s", set("webhooks.timeoutSeconds=11"),
			"webhooks.timeoutSeconds is 11; at most 10",
			set("webhooks.timeoutSeconds=10")},
		{"GracePeriodNotAboveDrain", set("terminationGracePeriodSeconds=30"),
			"terminationGracePeriodSeconds (30) must exceed shutdownDelaySeconds + drainTimeoutSeconds (30)",
			set("terminationGracePeriodSeconds=31")},
		{"ProbeThroughFailOpenWebhook", set("webhooks.tierguard.failurePolicy=Ignore"),
			"hooks.postInstallProbe sends a dry-run PrivilegeTier through the tierguard webhook",
			set("webhooks.tierguard.failurePolicy=Ignore", "hooks.postInstallProbe.enabled=false")},
		{"ProbeWithoutTierguardWebhook", set("webhooks.tierguard.enabled=false"),
			"hooks.postInstallProbe sends a dry-run PrivilegeTier through the tierguard webhook",
			set("webhooks.tierguard.enabled=false", "hooks.postInstallProbe.enabled=false")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.template(ctx, "tg", "tierguard", tc.args...)
			if err == nil {
				t.Fatalf("rendered with %v; want the error %q", tc.args, tc.want)
			}
			if !strings.Contains(err.Error(), "tierguard: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("with %v: want an error containing %q, got:\n%v", tc.args, tc.want, err)
			}
			if _, err := h.template(ctx, "tg", "tierguard", tc.fixed...); err != nil {
				t.Errorf("the consistent variant %v does not render: %v", tc.fixed, err)
			}
		})
	}
}

func TestChartSchemaRejectsWrongTypes(t *testing.T) {
	h := newHelm(t)
	ctx := framework.Context(t, chartTimeout)
	cases := []struct {
		name string
		args []string
		want []string // all in the error
	}{
		{"ReplicaCountString", []string{"--set-string", "replicaCount=two"}, []string{"/replicaCount", "want integer"}},
		{"ReplicaCountZero", []string{"--set", "replicaCount=0"}, []string{"/replicaCount"}},
		{"UnknownTopLevelKey", []string{"--set", "replicas=3"}, []string{"replicas", "not allowed"}},
		{"MisspeltNestedKey", []string{"--set", "webhooks.pods.failurepolicy=Fail"}, []string{"/webhooks/pods", "failurepolicy"}},
		{"FailurePolicyNotAnEnum", []string{"--set", "webhooks.rbac.failurePolicy=Maybe"}, []string{"/webhooks/rbac/failurePolicy"}},
		{"TimeoutZero", []string{"--set", "webhooks.timeoutSeconds=0"}, []string{"/webhooks/timeoutSeconds"}},
		{"TimeoutString", []string{"--set-string", "webhooks.timeoutSeconds=3s"}, []string{"/webhooks/timeoutSeconds"}},
		{"ExemptNamespaceNotADNSLabel", []string{"--set-json", `exemptNamespaces=["Team_A"]`}, []string{"/exemptNamespaces/0"}},
		{"ExemptNamespacesNotAList", []string{"--set", "exemptNamespaces=team-a"}, []string{"/exemptNamespaces"}},
		{"DigestNotSHA256", []string{"--set", "image.digest=latest"}, []string{"/image/digest"}},
		{"PullPolicyNotAnEnum", []string{"--set", "image.pullPolicy=Sometimes"}, []string{"/image/pullPolicy"}},
		{"IssuerRefWithoutName", []string{"--set", "certManager.enabled=true", "--set", "certManager.issuerRef.kind=ClusterIssuer"}, []string{"/certManager/issuerRef", "name"}},
		{"CertDurationNotGo", []string{"--set", "certManager.duration=90d"}, []string{"/certManager/duration"}},
		{"MatchConditionWithoutExpression", []string{"--set-json", `webhooks.matchConditions=[{"name":"x"}]`}, []string{"/webhooks/matchConditions/0", "expression"}},
		{"MatchConditionNamedLikeTheChartsOwn", []string{"--set-json", `webhooks.matchConditions=[{"name":"exclude-apiserver","expression":"true"}]`}, []string{"/webhooks/matchConditions/0/name"}},
		{"NamespaceSelectorOperator", []string{"--set-json", `webhooks.namespaceSelector={"matchExpressions":[{"key":"a","operator":"Equals"}]}`}, []string{"/webhooks/namespaceSelector/matchExpressions/0/operator"}},
		{"LogLevelNotAnEnum", []string{"--set", "logLevel=verbose"}, []string{"/logLevel"}},
		{"ProbeTimingUnknownKey", []string{"--set", "readinessProbe.httpGet.path=/"}, []string{"/readinessProbe", "httpGet"}},
		{"PDBMinAvailableNotANumber", []string{"--set-string", "podDisruptionBudget.minAvailable=one"}, []string{"/podDisruptionBudget/minAvailable"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.template(ctx, "tg", "tierguard", tc.args...)
			if err == nil {
				t.Fatalf("rendered with %v; want a schema error", tc.args)
			}
			if !strings.Contains(err.Error(), "values don't meet the specifications of the schema") {
				t.Errorf("with %v: not a schema error:\n%v", tc.args, err)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("with %v: the error does not contain %q:\n%v", tc.args, want, err)
				}
			}
		})
	}
}

// values.schema.json describes values.yaml exactly: every value has a schema entry with a
// description and a default equal to the value, objects the chart owns are closed, and the
// schema names nothing values.yaml lacks.
func TestChartSchemaMatchesValues(t *testing.T) {
	h := newHelm(t)
	ctx := framework.Context(t, time.Minute)
	values := h.valuesJSON(t, ctx)
	raw, err := os.ReadFile(filepath.Join(h.dir, "values.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatalf("values.schema.json: %v", err)
	}
	if schema["additionalProperties"] != false {
		t.Error("the schema's top level accepts unknown keys")
	}
	var walk func(path string, node map[string]any, value map[string]any)
	walk = func(path string, node map[string]any, value map[string]any) {
		props, _ := node["properties"].(map[string]any)
		for key, v := range value {
			p := strings.TrimPrefix(path+"."+key, ".")
			s, ok := props[key].(map[string]any)
			if !ok {
				t.Errorf("%s: in values.yaml, not in values.schema.json", p)
				continue
			}
			sub, owned := v.(map[string]any)
			if owned && s["additionalProperties"] == false && s["default"] == nil {
				walk(p, s, sub) // a group the chart owns: its keys are values of their own
				continue
			}
			if d, _ := s["description"].(string); len(d) < 10 {
				t.Errorf("%s: no description in the schema", p)
			}
			if def, ok := s["default"]; !ok {
				t.Errorf("%s: no default in the schema", p)
			} else if !reflect.DeepEqual(def, v) {
				t.Errorf("%s: schema default %v, values.yaml %v", p, def, v)
			}
		}
		for key := range props {
			if _, ok := value[key]; !ok && !(path == "" && key == "global") {
				t.Errorf("%s: in values.schema.json, not in values.yaml", strings.TrimPrefix(path+"."+key, "."))
			}
		}
	}
	walk("", schema, values)
}

// ---------------------------------------------------------------------------------------------
// What the chart renders.

func TestChartDefaults(t *testing.T) {
	h := newHelm(t)
	ctx := framework.Context(t, chartTimeout)
	ns := h.namespaces(t, ctx)
	objects := h.dryRun(t, ctx, h.mustTemplate(t, ctx, "tg", ns.Release))

	t.Run("Deployment", func(t *testing.T) {
		var d chartDeployment
		objects.get(t, "Deployment", "tg-tierguard").decode(t, &d)
		pod := d.Spec.Template.Spec
		if d.Spec.Replicas != 2 {
			t.Errorf("replicas %d, want 2 (webhooks serve on every replica)", d.Spec.Replicas)
		}
		if pod.PriorityClassName != "system-cluster-critical" {
			t.Errorf("priorityClassName %q", pod.PriorityClassName)
		}
		if pod.ServiceAccountName != "tg-tierguard" {
			t.Errorf("serviceAccountName %q", pod.ServiceAccountName)
		}
		if len(pod.Containers) != 1 {
			t.Fatalf("%d containers", len(pod.Containers))
		}
		ctr := pod.Containers[0]
		wantArgs := []string{"run", "--listen=0.0.0.0:9443", "--tls-cert=/tls/tls.crt", "--tls-key=/tls/tls.key",
			"--threads=2", "--log-level=info", "--drain-timeout=25s",
			"--exempt-namespace=" + ns.Release, "--exempt-namespace=kube-system",
			"--exempt-namespace=kube-public", "--exempt-namespace=kube-node-lease"}
		if !slices.Equal(ctr.Args, wantArgs) {
			t.Errorf("args\n got %q\nwant %q", ctr.Args, wantArgs)
		}
		if ctr.Image != "ghcr.io/tierguard/tierguard:0.1.0" {
			t.Errorf("image %q: want the chart's appVersion as tag", ctr.Image)
		}
		if len(ctr.Ports) != 1 || ctr.Ports[0].Name != "https" || ctr.Ports[0].ContainerPort != defaultPort {
			t.Errorf("ports %+v", ctr.Ports)
		}
		for path, p := range map[string]*chartProbe{"/healthz": ctr.LivenessProbe, "/readyz": ctr.ReadinessProbe} {
			if p == nil || p.HTTPGet.Path != path || p.HTTPGet.Scheme != "HTTPS" || fmt.Sprint(p.HTTPGet.Port) != "https" {
				t.Errorf("probe %s: %+v", path, p)
			}
		}
		delay := 0
		if ctr.Lifecycle != nil && ctr.Lifecycle.PreStop != nil && ctr.Lifecycle.PreStop.Sleep != nil {
			delay = ctr.Lifecycle.PreStop.Sleep.Seconds
		}
		if delay != 5 {
			t.Errorf("preStop sleep %ds, want 5", delay)
		}
		if pod.TerminationGracePeriodSeconds <= delay+25 {
			t.Errorf("terminationGracePeriodSeconds %d not above preStop %d + drain 25", pod.TerminationGracePeriodSeconds, delay)
		}
		sc := ctr.SecurityContext
		if sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser != wantRunAsUser ||
			sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
			sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
			!slices.Equal(sc.Capabilities.Drop, []string{"ALL"}) || sc.SeccompProfile.Type != "RuntimeDefault" {
			t.Errorf("container securityContext %+v", sc)
		}
		if ctr.Resources.Requests["cpu"] == "" || ctr.Resources.Requests["memory"] == "" || ctr.Resources.Limits["memory"] == "" {
			t.Errorf("resources %+v: want cpu and memory requests and a memory limit", ctr.Resources)
		}
		if len(pod.Volumes) != 1 || pod.Volumes[0].Secret == nil || pod.Volumes[0].Secret.SecretName != "tg-tierguard-tls" {
			t.Errorf("volumes %+v: want the serving Secret", pod.Volumes)
		}
		if pod.Affinity == nil || len(pod.Affinity.PodAntiAffinity.Preferred) == 0 {
			t.Errorf("no pod anti-affinity")
		}
	})

	t.Run("PodDisruptionBudgetAndService", func(t *testing.T) {
		var pdb struct{ Spec struct{ MinAvailable any } }
		objects.get(t, "PodDisruptionBudget", "tg-tierguard").decode(t, &pdb)
		if fmt.Sprint(pdb.Spec.MinAvailable) != "1" {
			t.Errorf("PodDisruptionBudget minAvailable %v, want 1", pdb.Spec.MinAvailable)
		}
		var svc struct {
			Spec struct {
				Ports []struct {
					Port       int
					TargetPort any
				}
			}
		}
		objects.get(t, "Service", "tg-tierguard").decode(t, &svc)
		if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != defaultSvcPort || fmt.Sprint(svc.Spec.Ports[0].TargetPort) != "https" {
			t.Errorf("Service ports %+v: want 443 -> https", svc.Spec.Ports)
		}
	})

	t.Run("ClusterRoleIsReadOnly", func(t *testing.T) {
		var role struct{ Rules []chartPolicyRule }
		objects.get(t, "ClusterRole", "tg-tierguard").decode(t, &role)
		got := map[string]bool{}
		for _, r := range role.Rules {
			if !slices.Equal(r.Verbs, []string{"get", "list", "watch"}) {
				t.Errorf("rule %+v: want get, list, watch only", r)
			}
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					got[g+"/"+res] = true
				}
			}
		}
		want := []string{"tierguard.io/privilegetiers", "/namespaces", "/serviceaccounts", "/pods",
			"rbac.authorization.k8s.io/roles", "rbac.authorization.k8s.io/clusterroles",
			"rbac.authorization.k8s.io/rolebindings", "rbac.authorization.k8s.io/clusterrolebindings",
			"apps/deployments", "apps/statefulsets", "apps/daemonsets", "apps/replicasets", "batch/jobs", "batch/cronjobs"}
		for _, w := range want {
			if !got[w] {
				t.Errorf("ClusterRole lacks %s", w)
			}
			delete(got, w)
		}
		for extra := range got {
			t.Errorf("ClusterRole grants %s, which tierguard does not read", extra)
		}
	})

	t.Run("Webhooks", func(t *testing.T) {
		var vwc chartWebhookConfiguration
		objects.get(t, "ValidatingWebhookConfiguration", "tg-tierguard").decode(t, &vwc)
		want := []struct {
			name, path, policy string
			resources          []string
		}{
			{"pods.validate.tierguard.io", "/validate/pods", "Ignore", []string{"pods"}},
			{"workloads.validate.tierguard.io", "/validate/workloads", "Ignore", []string{"deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs"}},
			{"rbac.validate.tierguard.io", "/validate/rbac", "Fail", []string{"roles", "clusterroles", "rolebindings", "clusterrolebindings"}},
			{"tierguard.validate.tierguard.io", "/validate/tierguard", "Fail", []string{"privilegetiers"}},
		}
		if len(vwc.Webhooks) != len(want) {
			t.Fatalf("%d webhooks, want %d", len(vwc.Webhooks), len(want))
		}
		for i, w := range want {
			got := vwc.Webhooks[i]
			if got.Name != w.name || got.ClientConfig.Service.Path != w.path || got.FailurePolicy != w.policy {
				t.Errorf("webhook %d: %s %s %s, want %s %s %s", i, got.Name, got.ClientConfig.Service.Path, got.FailurePolicy, w.name, w.path, w.policy)
			}
			if got.TimeoutSeconds != 3 || got.SideEffects != "None" || got.MatchPolicy != "Equivalent" ||
				!slices.Equal(got.AdmissionReviewVersions, []string{"v1"}) {
				t.Errorf("%s: timeout %d, sideEffects %s, matchPolicy %s, versions %v", got.Name, got.TimeoutSeconds, got.SideEffects, got.MatchPolicy, got.AdmissionReviewVersions)
			}
			if s := got.ClientConfig.Service; s.Name != "tg-tierguard" || s.Namespace != ns.Release || s.Port != defaultSvcPort {
				t.Errorf("%s: service %+v", got.Name, s)
			}
			var resources []string
			for _, r := range got.Rules {
				if !slices.Equal(r.Operations, []string{"CREATE", "UPDATE"}) {
					t.Errorf("%s: operations %v, want CREATE, UPDATE (deletions are never denied)", got.Name, r.Operations)
				}
				resources = append(resources, r.Resources...)
			}
			if !slices.Equal(resources, w.resources) {
				t.Errorf("%s: resources %v, want %v", got.Name, resources, w.resources)
			}
			if len(got.MatchConditions) == 0 || got.MatchConditions[0].Name != "exclude-apiserver" {
				t.Errorf("%s: matchConditions %+v: want exclude-apiserver first", got.Name, got.MatchConditions)
			}
		}
	})
}

func TestChartTLSModes(t *testing.T) {
	h := newHelm(t)
	ctx := framework.Context(t, chartTimeout)
	ns := h.namespaces(t, ctx)
	h.ensureStandInCRDs(t, ctx)
	serviceDNS := "tg-tierguard." + ns.Release + ".svc"

	t.Run("HelmGenerated", func(t *testing.T) {
		objects := h.dryRun(t, ctx, h.mustTemplate(t, ctx, "tg", ns.Release))
		tlsSecret := objects.get(t, "Secret", "tg-tierguard-tls").secretData(t)
		caSecret := objects.get(t, "Secret", "tg-tierguard-ca").secretData(t)
		if !bytes.Equal(tlsSecret["ca.crt"], caSecret["tls.crt"]) {
			t.Error("the serving Secret's ca.crt is not the CA Secret's certificate")
		}
		verifyServing(t, tlsSecret["tls.crt"], tlsSecret["tls.key"], caSecret["tls.crt"], serviceDNS)
		for _, w := range objects.webhooks(t) {
			if w.ClientConfig.CABundle != base64.StdEncoding.EncodeToString(caSecret["tls.crt"]) {
				t.Errorf("%s: caBundle is not the generated CA", w.Name)
			}
		}
		if len(objects.ofKind("Certificate")) != 0 {
			t.Error("cert-manager Certificates rendered in Helm-generated mode")
		}
	})

	t.Run("CertManager", func(t *testing.T) {
		objects := h.dryRun(t, ctx, h.mustTemplate(t, ctx, "tg", ns.Release, "--values", h.ci("cert-manager")))
		vwc := objects.get(t, "ValidatingWebhookConfiguration", "tg-tierguard")
		if got := vwc.Metadata.Annotations["cert-manager.io/inject-ca-from"]; got != ns.Release+"/tg-tierguard-serving" {
			t.Errorf("inject-ca-from %q, want %s/tg-tierguard-serving", got, ns.Release)
		}
		for _, w := range objects.webhooks(t) {
			if w.ClientConfig.CABundle != "" {
				t.Errorf("%s: a caBundle next to cert-manager's injection", w.Name)
			}
		}
		var cert chartCertificate
		objects.get(t, "Certificate", "tg-tierguard-serving").decode(t, &cert)
		if cert.Spec.SecretName != "tg-tierguard-tls" || !slices.Contains(cert.Spec.DNSNames, serviceDNS) ||
			cert.Spec.IssuerRef.Name != "tg-tierguard-ca" || cert.Spec.IssuerRef.Kind != "Issuer" {
			t.Errorf("serving Certificate %+v", cert.Spec)
		}
		var ca chartCertificate
		objects.get(t, "Certificate", "tg-tierguard-ca").decode(t, &ca)
		if !ca.Spec.IsCA || ca.Spec.IssuerRef.Name != "tg-tierguard-selfsigned" {
			t.Errorf("CA Certificate %+v", ca.Spec)
		}
		objects.get(t, "Issuer", "tg-tierguard-selfsigned")
		objects.get(t, "Issuer", "tg-tierguard-ca")
		if len(objects.ofKind("Secret")) != 0 {
			t.Errorf("Secrets rendered in cert-manager mode: %v", objects.ofKind("Secret").names())
		}
	})

	t.Run("CertManagerWithClusterIssuer", func(t *testing.T) {
		objects := h.dryRun(t, ctx, h.mustTemplate(t, ctx, "tg", ns.Release, "--values", h.ci("cert-manager-issuer")))
		var cert chartCertificate
		objects.get(t, "Certificate", "tg-tierguard-serving").decode(t, &cert)
		if cert.Spec.IssuerRef.Name != "internal-ca" || cert.Spec.IssuerRef.Kind != "ClusterIssuer" {
			t.Errorf("issuerRef %+v, want the ClusterIssuer internal-ca", cert.Spec.IssuerRef)
		}
		if n := len(objects.ofKind("Issuer")) + len(objects.ofKind("Certificate")); n != 1 {
			t.Errorf("%d cert-manager objects, want only the serving Certificate", n)
		}
	})

	t.Run("ExistingSecret", func(t *testing.T) {
		values := h.ci("existing-secret")
		objects := h.dryRun(t, ctx, h.mustTemplate(t, ctx, "tg", ns.Release, "--values", values))
		raw, err := os.ReadFile(values)
		if err != nil {
			t.Fatal(err)
		}
		bundle := regexp.MustCompile(`(?m)^\s*caBundle:\s*(\S+)`).FindSubmatch(raw)
		if bundle == nil {
			t.Fatalf("%s: no caBundle", values)
		}
		for _, w := range objects.webhooks(t) {
			if w.ClientConfig.CABundle != string(bundle[1]) {
				t.Errorf("%s: caBundle is not tls.caBundle", w.Name)
			}
		}
		var d chartDeployment
		objects.get(t, "Deployment", "tg-tierguard").decode(t, &d)
		if v := d.Spec.Template.Spec.Volumes; len(v) != 1 || v[0].Secret == nil || v[0].Secret.SecretName != "tierguard-serving-cert" {
			t.Errorf("volumes %+v: want the existing Secret", v)
		}
		if n := len(objects.ofKind("Secret")) + len(objects.ofKind("Certificate")); n != 0 {
			t.Errorf("the chart rendered %d Secrets/Certificates next to an existing Secret", n)
		}
	})
}

// ---------------------------------------------------------------------------------------------
// The release namespace and kube-system are never reviewed.

func TestChartWebhookExclusions(t *testing.T) {
	h := newHelm(t)
	ctx := framework.Context(t, chartTimeout)
	ns := h.namespaces(t, ctx)

	// Every way values could try to take the exclusions away; none may succeed.
	variants := []struct {
		name      string
		args      []string
		wantExtra []string
	}{
		{"Defaults", nil, []string{"kube-public", "kube-node-lease"}},
		{"EmptyList", []string{"--set-json", "exemptNamespaces=[]"}, nil},
		{"NullList", []string{"--set", "exemptNamespaces=null"}, nil},
		{"OtherNamespacesOnly", []string{"--set-json", `exemptNamespaces=["team-a"]`}, []string{"team-a"}},
		{"SelectorReincludingThem", []string{"--set-json", `webhooks.namespaceSelector={"matchExpressions":[{"key":"kubernetes.io/metadata.name","operator":"In","values":["kube-system","` + ns.Release + `","apps"]}]}`}, nil},
		{"ExtraExemptNamespacesCI", []string{"--values", h.ci("extra-exempt-namespaces")}, []string{"cert-manager", "monitoring"}},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			objects := h.dryRun(t, ctx, h.mustTemplate(t, ctx, "tg", ns.Release, v.args...))
			want := append([]string{ns.Release, "kube-system"}, v.wantExtra...)
			for _, w := range objects.webhooks(t) {
				excluded := notInNames(w.NamespaceSelector.MatchExpressions)
				for _, n := range want {
					if !slices.Contains(excluded, n) {
						t.Errorf("%s: namespaceSelector does not exclude %s (excluded: %v)", w.Name, n, excluded)
					}
				}
			}
			var d chartDeployment
			objects.get(t, "Deployment", "tg-tierguard").decode(t, &d)
			for _, n := range want {
				if !slices.Contains(d.Spec.Template.Spec.Containers[0].Args, "--exempt-namespace="+n) {
					t.Errorf("tierguard is not started with --exempt-namespace=%s: %q", n, d.Spec.Template.Spec.Containers[0].Args)
				}
			}
		})
	}
}

// The apiserver honours the rendered configuration: with every webhook failing closed and no
// server behind them, requests in the release namespace and kube-system still pass (they are
// never sent), while the same requests in a governed namespace, and cluster-scoped ones, fail
// on the missing webhook. A matchCondition sends only requests of this test's own user to
// the webhooks, so the configuration affects nothing else on the cluster, even for a moment.
func TestChartWebhookExclusionsInAPIServer(t *testing.T) {
	h := newHelm(t)
	ctx := framework.Context(t, chartTimeout)
	ns := h.namespaces(t, ctx)
	user := "tg-e2e-chart-user-" + ns.Run
	rendered := h.mustTemplate(t, ctx, "tg", ns.Release,
		"--set", "fullnameOverride=tg-e2e-chart-"+ns.Run,
		"--set", "webhooks.pods.failurePolicy=Fail",
		"--set-json", "exemptNamespaces=[]",
		"--set-json", `webhooks.matchConditions=[{"name":"only-this-test","expression":"request.userInfo.username == '`+user+`'"}]`,
		"--show-only", "templates/webhook/validatingwebhookconfiguration.yaml")
	h.c.MustKubectl(t, ctx, "apply", "-f", rendered)
	t.Cleanup(func() {
		if r := h.c.Kubectl.Run(context.Background(), nil, "delete", "-f", rendered, "--ignore-not-found"); r.Err != nil {
			t.Errorf("remove the webhook configuration: %v", r.Err)
		}
	})

	as := []string{"--as", user, "--as-group", "system:masters"}
	dryRun := func(ctx context.Context, fixture, namespace string, asUser bool) controlplane.Result {
		path := h.c.Render(t, "chart/"+fixture, map[string]string{"Run": ns.Run, "Namespace": namespace})
		args := []string{"create", "--dry-run=server", "-f", path}
		if asUser {
			args = append(as, args...)
		}
		return h.c.Kubectl.Run(ctx, nil, args...)
	}
	failedCalling := func(r controlplane.Result, webhook string) error {
		if r.Err == nil {
			return fmt.Errorf("admitted: %s", strings.TrimSpace(r.Stdout))
		}
		if !strings.Contains(r.Stderr, "failed calling webhook") || !strings.Contains(r.Stderr, webhook) {
			return r.Err
		}
		return nil
	}

	// The configuration takes effect asynchronously: wait until the governed namespace's
	// RoleBinding reaches the (absent) webhook.
	framework.Eventually(t, 30*time.Second, 250*time.Millisecond, "webhook configuration takes effect", func(ctx context.Context) error {
		return failedCalling(dryRun(ctx, "probe-rolebinding.yaml", ns.Governed, true), "rbac.validate.tierguard.io")
	})

	t.Run("GovernedNamespaceIsReviewed", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		if err := failedCalling(dryRun(ctx, "probe-pod.yaml", ns.Governed, true), "pods.validate.tierguard.io"); err != nil {
			t.Errorf("pod in %s: %v", ns.Governed, err)
		}
	})
	t.Run("ClusterScopedObjectsAreReviewed", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		if err := failedCalling(dryRun(ctx, "probe-clusterrole.yaml", "", true), "rbac.validate.tierguard.io"); err != nil {
			t.Errorf("ClusterRole: %v", err)
		}
	})
	t.Run("ReleaseNamespaceIsNeverSent", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		for _, fixture := range []string{"probe-rolebinding.yaml", "probe-pod.yaml"} {
			if r := dryRun(ctx, fixture, ns.Release, true); r.Err != nil {
				t.Errorf("%s in the release namespace %s: %v", fixture, ns.Release, r.Err)
			}
		}
	})
	t.Run("KubeSystemIsNeverSent", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		if r := dryRun(ctx, "probe-rolebinding.yaml", "kube-system", true); r.Err != nil {
			t.Errorf("RoleBinding in kube-system: %v", r.Err)
		}
	})
	t.Run("OtherUsersAreNeverSent", func(t *testing.T) {
		ctx := framework.Context(t, time.Minute)
		if r := dryRun(ctx, "probe-rolebinding.yaml", ns.Governed, false); r.Err != nil {
			t.Errorf("the admin's RoleBinding in %s reached the webhook: %v", ns.Governed, r.Err)
		}
	})
}

// ---------------------------------------------------------------------------------------------
// The chart and the binary agree.

// The real tierguard binary, started with exactly the Deployment's arguments (the listen
// address moved to the loopback) and the chart's Helm-generated certificate, follows the
// cluster, answers the Deployment's probe paths over TLS that verifies against the chart's CA
// under the Service's DNS name, and exits within the pod's grace period after SIGTERM.
func TestChartArgumentsStartTierguard(t *testing.T) {
	h := newHelm(t)
	bin := framework.Tierguard(t)
	ctx := framework.Context(t, chartTimeout)
	ns := h.namespaces(t, ctx)
	objects := h.dryRun(t, ctx, h.mustTemplate(t, ctx, "tg", ns.Release))
	var d chartDeployment
	objects.get(t, "Deployment", "tg-tierguard").decode(t, &d)
	pod := d.Spec.Template.Spec
	ctr := pod.Containers[0]
	secret := objects.get(t, "Secret", "tg-tierguard-tls").secretData(t)

	// The Secret as the kubelet would mount it at /tls.
	dir := t.TempDir()
	for _, key := range []string{"tls.crt", "tls.key", "ca.crt"} {
		if err := os.WriteFile(filepath.Join(dir, key), secret[key], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	port, err := controlplane.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	host := net.JoinHostPort(h.c.WebhookHost, strconv.Itoa(port))
	var args []string
	for _, a := range ctr.Args {
		switch {
		case strings.HasPrefix(a, "--listen="):
			if a != fmt.Sprintf("--listen=0.0.0.0:%d", ctr.Ports[0].ContainerPort) {
				t.Errorf("%s does not listen on the container port %d", a, ctr.Ports[0].ContainerPort)
			}
			a = "--listen=" + host
		case strings.HasPrefix(a, "--tls-cert=/tls/"), strings.HasPrefix(a, "--tls-key=/tls/"):
			a = strings.Replace(a, "/tls/", dir+"/", 1)
		}
		args = append(args, a)
	}
	args = append(args, "--kubeconfig", h.c.Kubectl.Kubeconfig)
	proc, err := controlplane.StartProcess("tierguard run (chart arguments)", bin, args, filepath.Join(t.TempDir(), "tierguard.log"))
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = proc.Stop(5 * time.Second)
		}
		if t.Failed() {
			t.Logf("%s %s\nlast lines of its log:\n%s", bin, strings.Join(args, " "), proc.LogTail(40))
		}
	})

	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(secret["ca.crt"]) {
		t.Fatal("ca.crt holds no certificate")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs:    pool,
		ServerName: "tg-tierguard." + ns.Release + ".svc", // what the apiserver verifies
	}}}
	t.Cleanup(client.CloseIdleConnections)
	get := func(ctx context.Context, path string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+host+path, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %d", path, resp.StatusCode)
		}
		return nil
	}
	framework.Eventually(t, time.Minute, 200*time.Millisecond, "tierguard ready on the readiness probe's path", func(ctx context.Context) error {
		if proc.Exited() {
			return errors.New("tierguard exited")
		}
		return get(ctx, ctr.ReadinessProbe.HTTPGet.Path)
	})
	for _, path := range []string{ctr.LivenessProbe.HTTPGet.Path, "/metrics"} {
		if err := get(ctx, path); err != nil {
			t.Errorf("%v", err)
		}
	}

	// SIGTERM, as the kubelet sends it after the preStop sleep: tierguard must be gone before
	// the rest of the grace period runs out.
	budget := time.Duration(pod.TerminationGracePeriodSeconds-ctr.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	start := time.Now()
	if err := proc.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-proc.Done():
		t.Logf("tierguard exited %s after SIGTERM (budget %s)", time.Since(start).Round(time.Millisecond), budget)
	case <-time.After(budget):
		t.Errorf("tierguard still running %s after SIGTERM", budget)
	}
	stopped = true
	_ = proc.Stop(time.Second)
}

// ---------------------------------------------------------------------------------------------
// A real install.

// helm install, upgrade and uninstall in a dedicated namespace, with webhooks that cannot
// affect anything: they fail open and a matchCondition that no request satisfies keeps the
// apiserver from ever calling them (the tierguard webhook keeps failurePolicy Fail, as the
// install probe requires, and is just as inert). Hooks do not run (--no-hooks: the embedded
// control plane has no Job controller); their ServiceAccounts' permissions are exercised
// directly with kubectl --as.
func TestChartInstallUpgradeUninstall(t *testing.T) {
	h := newHelm(t)
	ctx := framework.Context(t, 5*time.Minute)
	ns := h.namespaces(t, ctx)
	release := "tg-e2e-" + ns.Run
	full := release + "-tierguard"
	inert := []string{
		"--set", "webhooks.pods.failurePolicy=Ignore",
		"--set", "webhooks.workloads.failurePolicy=Ignore",
		"--set", "webhooks.rbac.failurePolicy=Ignore",
		"--set-json", `webhooks.matchConditions=[{"name":"never","expression":"request.userInfo.username == 'tg-e2e-nobody-` + ns.Run + `'"}]`,
	}
	helm := func(t *testing.T, args ...string) string {
		t.Helper()
		args = append(args, "--kubeconfig", h.c.Kubectl.Kubeconfig)
		out, err := h.run(ctx, args...)
		if err != nil {
			t.Fatalf("helm %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	installed := false
	t.Cleanup(func() {
		if installed {
			h.run(context.Background(), "uninstall", release, "--namespace", ns.Release, "--no-hooks", "--kubeconfig", h.c.Kubectl.Kubeconfig)
		}
	})
	helm(t, append([]string{"install", release, h.dir, "--namespace", ns.Release, "--no-hooks"}, inert...)...)
	installed = true

	certs := func() (caCert, servingCert, servingKey, caBundle string) {
		t.Helper()
		ca := h.secret(t, ctx, ns.Release, full+"-ca")
		serving := h.secret(t, ctx, ns.Release, full+"-tls")
		if !bytes.Equal(serving["ca.crt"], ca["tls.crt"]) {
			t.Errorf("the serving Secret's ca.crt is not the CA")
		}
		verifyServing(t, serving["tls.crt"], serving["tls.key"], ca["tls.crt"], full+"."+ns.Release+".svc")
		r := h.c.MustKubectl(t, ctx, "get", "validatingwebhookconfiguration", full, "-o", "jsonpath={.webhooks[*].clientConfig.caBundle}")
		bundles := strings.Fields(r.Stdout)
		if len(bundles) != 4 {
			t.Fatalf("%d caBundles, want 4", len(bundles))
		}
		for _, b := range bundles[1:] {
			if b != bundles[0] {
				t.Error("the webhooks carry different caBundles")
			}
		}
		pemBundle, err := base64.StdEncoding.DecodeString(bundles[0])
		if err != nil {
			t.Fatal(err)
		}
		return string(ca["tls.crt"]), string(serving["tls.crt"]), string(serving["tls.key"]), string(pemBundle)
	}
	ca1, cert1, key1, bundle1 := certs()
	if bundle1 != ca1 {
		t.Error("the caBundle is not the generated CA")
	}

	t.Run("UpgradeKeepsCertificates", func(t *testing.T) {
		helm(t, append([]string{"upgrade", release, h.dir, "--namespace", ns.Release, "--no-hooks",
			"--set", "podAnnotations.upgraded=yes"}, inert...)...)
		ca, cert, key, bundle := certs()
		if ca != ca1 || cert != cert1 || key != key1 || bundle != bundle1 {
			t.Error("an upgrade rotated the certificates")
		}
	})

	t.Run("UpgradeRenewsExpiringServingCertificate", func(t *testing.T) {
		soon := strconv.FormatInt(time.Now().Add(24*time.Hour).Unix(), 10)
		// As if the certificate had been generated two years ago. The annotation is now owned
		// by kubectl, so the upgrade forces Helm's server-side apply to take it back.
		h.c.MustKubectl(t, ctx, "annotate", "secret", full+"-tls", "-n", ns.Release, "--overwrite", "tierguard.io/not-after="+soon)
		helm(t, append([]string{"upgrade", release, h.dir, "--namespace", ns.Release, "--no-hooks", "--force-conflicts"}, inert...)...)
		ca, cert, _, bundle := certs()
		if cert == cert1 {
			t.Error("a serving certificate a day from expiry was not renewed")
		}
		if ca != ca1 || bundle != bundle1 {
			t.Error("renewing the serving certificate changed the CA or the caBundle")
		}
	})

	t.Run("UpgradeRotatesExpiringCA", func(t *testing.T) {
		past := strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)
		h.c.MustKubectl(t, ctx, "annotate", "secret", full+"-ca", "-n", ns.Release, "--overwrite", "tierguard.io/not-after="+past)
		helm(t, append([]string{"upgrade", release, h.dir, "--namespace", ns.Release, "--no-hooks", "--force-conflicts"}, inert...)...)
		ca2, _, _, bundle := certs()
		if ca2 == ca1 {
			t.Fatal("an expired CA was not replaced")
		}
		// For one revision the apiserver trusts both, so pods still serving the old
		// certificate (the Secret volume catches up within a minute) keep being trusted.
		if got := pemCertificates(t, bundle); len(got) != 2 || got[0] != ca2 || got[1] != ca1 {
			t.Errorf("caBundle after a CA rotation holds %d certificates, want the new CA then the old one", len(got))
		}
		helm(t, append([]string{"upgrade", release, h.dir, "--namespace", ns.Release, "--no-hooks"}, inert...)...)
		if _, _, _, bundle := certs(); bundle != ca2 {
			t.Error("the old CA is still in the caBundle one upgrade after the rotation")
		}
	})

	t.Run("ProbeServiceAccountCanProbe", func(t *testing.T) {
		sa := "system:serviceaccount:" + ns.Release + ":" + full + "-probe"
		r := h.c.MustKubectl(t, ctx, "get", "configmap", full+"-probe", "-n", ns.Release, "-o", "jsonpath={.data.probe-tier\\.yaml}")
		tier := filepath.Join(t.TempDir(), "probe-tier.yaml")
		if err := os.WriteFile(tier, []byte(r.Stdout), 0o600); err != nil {
			t.Fatal(err)
		}
		// The hook's command, as its ServiceAccount: the CRD accepts the tier, RBAC allows it.
		if r := h.c.Kubectl.Run(ctx, nil, "--as", sa, "create", "--dry-run=server", "--filename="+tier); r.Err != nil ||
			!strings.Contains(r.Stdout, "privilegetier.tierguard.io/tierguard-install-probe-") {
			t.Errorf("probe as %s: %v %s", sa, r.Err, r.Stdout)
		}
		// kubectl wait's reads are allowed (it times out: nothing runs the pods here).
		r = h.c.Kubectl.Run(ctx, nil, "--as", sa, "wait", "--namespace="+ns.Release, "--for=condition=Available", "--timeout=1s", "deployment/"+full)
		if r.Err == nil || strings.Contains(strings.ToLower(r.Stderr), "forbidden") {
			t.Errorf("kubectl wait as %s: %v", sa, r.Err)
		}
		// And nothing beyond the probe.
		if r := h.c.Kubectl.Run(ctx, nil, "--as", sa, "get", "privilegetiers"); r.Err == nil {
			t.Errorf("the probe's ServiceAccount may list PrivilegeTiers")
		}
	})

	t.Run("UninstallHookServiceAccountRemovesOnlyItsWebhooks", func(t *testing.T) {
		sa := "system:serviceaccount:" + ns.Release + ":" + full + "-remove-webhooks"
		if r := h.c.Kubectl.Run(ctx, nil, "--as", sa, "delete", "validatingwebhookconfiguration", "tg-e2e-someone-else", "--dry-run=server"); r.Err == nil ||
			!strings.Contains(strings.ToLower(r.Stderr), "forbidden") {
			t.Errorf("the hook's ServiceAccount may delete other webhook configurations: %v", r.Err)
		}
		// The pre-delete Job's own arguments, from the stored release.
		manifest := helm(t, "get", "hooks", release, "--namespace", ns.Release)
		args := jobArgs(t, manifest, full+"-remove-webhooks")
		if r := h.c.Kubectl.Run(ctx, nil, append([]string{"--as", sa}, args...)...); r.Err != nil {
			t.Fatalf("kubectl %s as %s: %v", strings.Join(args, " "), sa, r.Err)
		}
		if r := h.c.Kubectl.Run(ctx, nil, "get", "validatingwebhookconfiguration", full); r.Err == nil {
			t.Error("the webhook configuration survived the hook's command")
		}
	})

	t.Run("Uninstall", func(t *testing.T) {
		helm(t, "uninstall", release, "--namespace", ns.Release, "--no-hooks")
		installed = false
		for _, obj := range []string{"clusterrole/" + full, "clusterrolebinding/" + full, "clusterrole/" + full + "-probe",
			"clusterrole/" + full + "-remove-webhooks", "validatingwebhookconfiguration/" + full} {
			if r := h.c.Kubectl.Run(ctx, nil, "get", obj); r.Err == nil {
				t.Errorf("%s survived helm uninstall", obj)
			}
		}
		// CRDs from the chart's crds/ directory are never deleted by Helm (docs/install.md).
		h.c.MustKubectl(t, ctx, "get", "crd", "privilegetiers.tierguard.io")
	})
}

// ---------------------------------------------------------------------------------------------
// The CRDs and the image.

// The chart ships crds/ byte for byte (scripts/sync-chart-crds.sh copies them).
func TestChartCRDsMatchRepository(t *testing.T) {
	h := newHelm(t)
	src, _ := filepath.Glob(filepath.Join(h.c.RepoRoot, "crds", "*.yaml"))
	dst, _ := filepath.Glob(filepath.Join(h.dir, "crds", "*.yaml"))
	if len(src) == 0 {
		t.Fatal("no CRDs in crds/")
	}
	base := func(paths []string) []string {
		var out []string
		for _, p := range paths {
			out = append(out, filepath.Base(p))
		}
		return out
	}
	if !slices.Equal(base(src), base(dst)) {
		t.Fatalf("crds/ has %v, the chart has %v: run scripts/sync-chart-crds.sh", base(src), base(dst))
	}
	for i := range src {
		a, errA := os.ReadFile(src[i])
		b, errB := os.ReadFile(dst[i])
		if errA != nil || errB != nil {
			t.Fatal(errors.Join(errA, errB))
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from crds/%s: run scripts/sync-chart-crds.sh", dst[i], filepath.Base(src[i]))
		}
	}
	cmd := exec.Command(filepath.Join(h.c.RepoRoot, "scripts", "sync-chart-crds.sh"), "--check")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("scripts/sync-chart-crds.sh --check: %v\n%s", err, out)
	}
}

// The Dockerfile cannot be built here (no container engine), so check what can go wrong
// without one: the runtime stage installs a package for every shared library the real
// binary links (besides what debian:12-slim has), the build stage installs only packages
// scripts/install-deps.sh knows, it copies every directory the build reads, and the image's
// user and port are the chart's.
func TestChartImageRecipe(t *testing.T) {
	h := newHelm(t)
	bin := framework.Tierguard(t)
	raw, err := os.ReadFile(filepath.Join(h.c.RepoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	stages := dockerStages(string(raw))
	if len(stages) != 2 {
		t.Fatalf("%d stages in the Dockerfile, want build and runtime", len(stages))
	}
	build, runtime := stages[0], stages[1]

	t.Run("RuntimePackagesCoverLinkedLibraries", func(t *testing.T) {
		if _, err := exec.LookPath("dpkg-query"); err != nil {
			t.Skip("no dpkg here: cannot map libraries to Debian packages")
		}
		installed := append(aptInstalled(runtime), "libc6", "libgcc-s1", "libstdc++6") // in debian:12-slim
		out, err := exec.Command("ldd", bin).Output()
		if err != nil {
			t.Fatalf("ldd %s: %v", bin, err)
		}
		for _, line := range strings.Split(string(out), "\n") {
			_, after, ok := strings.Cut(line, "=> ")
			if !ok {
				continue
			}
			lib := strings.Fields(after)[0]
			real, err := filepath.EvalSymlinks(lib)
			if err != nil {
				t.Errorf("%s: %v", lib, err)
				continue
			}
			pkg := debianPackageOf(t, real, lib)
			if !slices.Contains(installed, pkg) {
				t.Errorf("tierguard links %s (package %s), which the runtime stage does not install (it installs %v)", lib, pkg, aptInstalled(runtime))
			}
		}
	})

	t.Run("BuildPackagesAreProjectDependencies", func(t *testing.T) {
		deps, err := os.ReadFile(filepath.Join(h.c.RepoRoot, "scripts", "install-deps.sh"))
		if err != nil {
			t.Fatal(err)
		}
		known := strings.Fields(string(deps))
		pkgs := aptInstalled(build)
		if len(pkgs) == 0 {
			t.Fatal("the build stage installs nothing")
		}
		for _, p := range pkgs {
			if !slices.Contains(known, p) {
				t.Errorf("the build stage installs %s, which scripts/install-deps.sh does not", p)
			}
		}
		for _, want := range []string{"libboost1.81-dev", "libssl-dev", "rapidjson-dev", "libyaml-cpp-dev", "libcli11-dev", "cmake", "ninja-build"} {
			if !slices.Contains(pkgs, want) {
				t.Errorf("the build stage does not install %s", want)
			}
		}
	})

	t.Run("BuildCopiesWhatCMakeReads", func(t *testing.T) {
		copied := map[string]bool{}
		for _, line := range build {
			if f := strings.Fields(line); len(f) >= 3 && f[0] == "COPY" {
				for _, src := range f[1 : len(f)-1] {
					copied[strings.TrimSuffix(src, "/")] = true
				}
			}
		}
		for _, need := range []string{"CMakeLists.txt", "CMakePresets.json", "cmake", "src"} {
			if !copied[need] {
				t.Errorf("the build stage does not copy %s", need)
			}
		}
		// Every directory the top-level CMakeLists.txt adds unconditionally is copied.
		top, err := os.ReadFile(filepath.Join(h.c.RepoRoot, "CMakeLists.txt"))
		if err != nil {
			t.Fatal(err)
		}
		depth := 0
		for _, line := range strings.Split(string(top), "\n") {
			line = strings.TrimSpace(line)
			switch {
			case strings.HasPrefix(line, "if("):
				depth++
			case strings.HasPrefix(line, "endif("):
				depth--
			case depth == 0 && strings.HasPrefix(line, "add_subdirectory("):
				dir := strings.TrimSuffix(strings.TrimPrefix(line, "add_subdirectory("), ")")
				if !copied[strings.SplitN(dir, "/", 2)[0]] {
					t.Errorf("CMakeLists.txt adds %s, which the build stage does not copy", dir)
				}
			}
		}
		joined := strings.Join(build, "\n")
		for _, flag := range []string{"--preset release", "-DTIERGUARD_BUILD_TESTS=OFF", "-DTIERGUARD_BUILD_BENCH=OFF"} {
			if !strings.Contains(joined, flag) {
				t.Errorf("the build stage does not configure with %s", flag)
			}
		}
	})

	t.Run("RuntimeMatchesChart", func(t *testing.T) {
		values := h.valuesJSON(t, framework.Context(t, time.Minute))
		joined := strings.Join(runtime, "\n")
		uid := values["podSecurityContext"].(map[string]any)["runAsUser"]
		if !strings.Contains(joined, fmt.Sprintf("USER %v:%v", uid, uid)) {
			t.Errorf("the runtime stage does not run as the chart's runAsUser %v", uid)
		}
		if !strings.Contains(joined, fmt.Sprintf("EXPOSE %v", values["containerPort"])) {
			t.Errorf("the runtime stage does not expose the chart's containerPort %v", values["containerPort"])
		}
		for _, want := range []string{`ENTRYPOINT ["/usr/local/bin/tierguard"]`, `CMD ["run"]`,
			"COPY --from=build /src/build/release/src/cli/tierguard /usr/local/bin/tierguard"} {
			if !strings.Contains(joined, want) {
				t.Errorf("the runtime stage lacks %s", want)
			}
		}
	})
}

// ---------------------------------------------------------------------------------------------
// Helpers.

// helmRunner runs the real helm on the chart with its own, empty Helm home directories.
type helmRunner struct {
	c   *framework.Cluster
	dir string // charts/tierguard
	bin string
	env []string
}

func newHelm(t *testing.T) *helmRunner {
	t.Helper()
	c := framework.C
	bin := filepath.Join(c.ToolsBin, "helm")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("helm not found at %s (scripts/build-control-plane.sh builds it)", bin)
	}
	home := t.TempDir()
	return &helmRunner{
		c:   c,
		dir: filepath.Join(c.RepoRoot, "charts", chartName),
		bin: bin,
		env: []string{"HELM_CACHE_HOME=" + filepath.Join(home, "cache"), "HELM_CONFIG_HOME=" + filepath.Join(home, "config"),
			"HELM_DATA_HOME=" + filepath.Join(home, "data"), "KUBECONFIG=" + c.Kubectl.Kubeconfig},
	}
}

// run runs helm and returns its combined output.
func (h *helmRunner) run(ctx context.Context, args ...string) (string, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, h.bin, args...)
	cmd.Env = append(os.Environ(), h.env...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// template renders the chart as release into namespace and returns the manifests, or an error
// carrying helm's output.
func (h *helmRunner) template(ctx context.Context, release, namespace string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, h.bin, append([]string{"template", release, h.dir, "--namespace", namespace}, args...)...)
	cmd.Env = append(os.Environ(), h.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("helm template %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// mustTemplate renders the chart into a file and returns its path.
func (h *helmRunner) mustTemplate(t *testing.T, ctx context.Context, release, namespace string, args ...string) string {
	t.Helper()
	out, err := h.template(ctx, release, namespace, args...)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rendered.yaml")
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func (h *helmRunner) ciValuesFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(h.dir, "ci", "*-values.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no ci/*-values.yaml in %s", h.dir)
	}
	return files
}

func (h *helmRunner) ci(name string) string {
	return filepath.Join(h.dir, "ci", name+"-values.yaml")
}

func ciName(path string) string {
	name := strings.TrimSuffix(filepath.Base(path), "-values.yaml")
	var b strings.Builder
	for _, part := range strings.Split(name, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// valuesJSON returns values.yaml as Helm reads it, through a throwaway chart whose only
// template prints .Values as JSON (the e2e module has no YAML parser, helm does).
func (h *helmRunner) valuesJSON(t *testing.T, ctx context.Context) map[string]any {
	t.Helper()
	dir := t.TempDir()
	values, err := os.ReadFile(filepath.Join(h.dir, "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"Chart.yaml":           "apiVersion: v2\nname: values-dump\nversion: 0.0.0\n",
		"values.yaml":          string(values),
		"templates/dump.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dump}\ndata:\n  values: {{ .Values | toJson | b64enc | quote }}\n",
		"templates/.gitignore": "",
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := h.run(ctx, "template", "dump", dir)
	if err != nil {
		t.Fatalf("render the values: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(?m)^\s*values: "([A-Za-z0-9+/=]+)"`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no values in:\n%s", out)
	}
	raw, err := base64.StdEncoding.DecodeString(m[1])
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// chartNamespaces are the namespaces of one test: the release namespace and a governed one.
type chartNamespaces struct{ Run, Release, Governed string }

func (h *helmRunner) namespaces(t *testing.T, ctx context.Context) chartNamespaces {
	t.Helper()
	run := framework.RunID(t)
	ns := chartNamespaces{Run: run, Release: "tg-e2e-chart-" + run, Governed: "tg-e2e-chart-gov-" + run}
	path := h.c.Render(t, "chart/namespaces.yaml", ns)
	h.c.MustKubectl(t, ctx, "apply", "-f", path)
	t.Cleanup(func() {
		// Without a namespace controller (embedded control plane) they never finish deleting.
		h.c.Kubectl.Run(context.Background(), nil, "delete", "-f", path, "--wait=false", "--ignore-not-found")
	})
	return ns
}

// ensureStandInCRDs installs the typed stand-ins of cert-manager's and the Prometheus
// Operator's CRDs that the cluster lacks, and removes them when the test ends; a cluster
// with the real CRDs keeps and uses them.
func (h *helmRunner) ensureStandInCRDs(t *testing.T, ctx context.Context) {
	t.Helper()
	for file, crds := range map[string][]string{
		"cert-manager.yaml":        {"issuers.cert-manager.io", "certificates.cert-manager.io"},
		"prometheus-operator.yaml": {"servicemonitors.monitoring.coreos.com"},
	} {
		missing := false
		for _, crd := range crds {
			if r := h.c.Kubectl.Run(ctx, nil, "get", "crd", crd); r.Err != nil {
				missing = true
			}
		}
		if !missing {
			continue
		}
		path := h.c.Testdata(filepath.Join("chart", "crds", file))
		h.c.MustKubectl(t, ctx, "apply", "--server-side", "-f", path)
		t.Cleanup(func() {
			h.c.Kubectl.Run(context.Background(), nil, "delete", "crd", "-l", standInLabelKey+"=true", "--ignore-not-found")
		})
		for _, crd := range crds {
			h.c.MustKubectl(t, ctx, "wait", "--for=condition=Established", "--timeout=60s", "crd/"+crd)
		}
	}
	// A new kind is served a moment after Established; wait until discovery lists it.
	framework.Eventually(t, 30*time.Second, 250*time.Millisecond, "stand-in kinds discoverable", func(ctx context.Context) error {
		for _, kind := range []string{"certificates.cert-manager.io", "issuers.cert-manager.io", "servicemonitors.monitoring.coreos.com"} {
			if r := h.c.Kubectl.Run(ctx, nil, "get", kind, "-A", "--ignore-not-found"); r.Err != nil {
				return r.Err
			}
		}
		return nil
	})
}

// dryRun applies the manifests with --dry-run=server (strict field validation) and returns
// the objects as the apiserver would store them.
func (h *helmRunner) dryRun(t *testing.T, ctx context.Context, path string) chartManifests {
	t.Helper()
	r := h.c.Kubectl.Run(ctx, nil, "apply", "--dry-run=server", "-o", "json", "-f", path)
	if r.Err != nil {
		t.Fatalf("server-side dry run of the rendered chart: %v", r.Err)
	}
	var list struct {
		Kind  string
		Items []json.RawMessage
	}
	if err := json.Unmarshal([]byte(r.Stdout), &list); err != nil {
		t.Fatalf("kubectl output: %v", err)
	}
	items := list.Items
	if list.Kind != "List" {
		items = []json.RawMessage{json.RawMessage(r.Stdout)}
	}
	var out chartManifests
	for _, raw := range items {
		var o chartObject
		if err := json.Unmarshal(raw, &o); err != nil {
			t.Fatal(err)
		}
		o.raw = raw
		out = append(out, o)
	}
	return out
}

func (h *helmRunner) secret(t *testing.T, ctx context.Context, namespace, name string) map[string][]byte {
	t.Helper()
	r := h.c.MustKubectl(t, ctx, "get", "secret", name, "-n", namespace, "-o", "json")
	var o chartObject
	if err := json.Unmarshal([]byte(r.Stdout), &o); err != nil {
		t.Fatal(err)
	}
	o.raw = json.RawMessage(r.Stdout)
	return o.secretData(t)
}

type chartObject struct {
	Kind     string
	Metadata struct {
		Name, Namespace     string
		Labels, Annotations map[string]string
	}
	raw json.RawMessage
}

func (o chartObject) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(o.raw, v); err != nil {
		t.Fatalf("%s %s: %v", o.Kind, o.Metadata.Name, err)
	}
}

func (o chartObject) secretData(t *testing.T) map[string][]byte {
	t.Helper()
	var s struct{ Data map[string][]byte } // base64 in JSON, decoded by encoding/json
	o.decode(t, &s)
	return s.Data
}

type chartManifests []chartObject

func (m chartManifests) get(t *testing.T, kind, name string) chartObject {
	t.Helper()
	for _, o := range m {
		if o.Kind == kind && o.Metadata.Name == name {
			return o
		}
	}
	t.Fatalf("no %s %s among %v", kind, name, m.names())
	return chartObject{}
}

func (m chartManifests) ofKind(kind string) chartManifests {
	var out chartManifests
	for _, o := range m {
		if o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

func (m chartManifests) names() []string {
	var out []string
	for _, o := range m {
		out = append(out, o.Kind+"/"+o.Metadata.Name)
	}
	sort.Strings(out)
	return out
}

// webhooks returns the webhooks of the one ValidatingWebhookConfiguration.
func (m chartManifests) webhooks(t *testing.T) []chartWebhook {
	t.Helper()
	configs := m.ofKind("ValidatingWebhookConfiguration")
	if len(configs) != 1 {
		t.Fatalf("%d ValidatingWebhookConfigurations, want 1", len(configs))
	}
	var vwc chartWebhookConfiguration
	configs[0].decode(t, &vwc)
	if len(vwc.Webhooks) == 0 {
		t.Fatal("no webhooks")
	}
	return vwc.Webhooks
}

type chartProbe struct {
	HTTPGet struct {
		Path   string
		Port   any
		Scheme string
	}
}

type chartDeployment struct {
	Spec struct {
		Replicas int
		Template struct {
			Spec struct {
				ServiceAccountName            string
				PriorityClassName             string
				TerminationGracePeriodSeconds int
				Containers                    []struct {
					Name, Image string
					Args        []string
					Ports       []struct {
						Name          string
						ContainerPort int
					}
					LivenessProbe, ReadinessProbe *chartProbe
					Lifecycle                     *struct {
						PreStop *struct{ Sleep *struct{ Seconds int } }
					}
					Resources       struct{ Requests, Limits map[string]string }
					SecurityContext struct {
						RunAsNonRoot, ReadOnlyRootFilesystem, AllowPrivilegeEscalation *bool
						RunAsUser                                                      *int64
						Capabilities                                                   struct{ Drop []string }
						SeccompProfile                                                 struct{ Type string }
					}
				}
				Volumes []struct {
					Name   string
					Secret *struct{ SecretName string }
				}
				Affinity *struct {
					PodAntiAffinity struct {
						Preferred []any `json:"preferredDuringSchedulingIgnoredDuringExecution"`
					}
				}
			}
		}
	}
}

type chartPolicyRule struct {
	APIGroups, Resources, Verbs []string
}

type chartWebhook struct {
	Name                    string
	FailurePolicy           string
	TimeoutSeconds          int
	SideEffects             string
	MatchPolicy             string
	AdmissionReviewVersions []string
	ClientConfig            struct {
		CABundle string
		Service  struct {
			Name, Namespace, Path string
			Port                  int
		}
	}
	Rules []struct {
		APIGroups, APIVersions, Operations, Resources []string
		Scope                                         string
	}
	NamespaceSelector struct {
		MatchLabels      map[string]string
		MatchExpressions []chartLabelExpression
	}
	MatchConditions []struct{ Name, Expression string }
}

type chartWebhookConfiguration struct{ Webhooks []chartWebhook }

type chartLabelExpression struct {
	Key, Operator string
	Values        []string
}

type chartCertificate struct {
	Spec struct {
		SecretName string
		DNSNames   []string
		IsCA       bool
		IssuerRef  struct{ Name, Kind, Group string }
	}
}

// notInNames returns the namespaces a selector excludes by name (kubernetes.io/metadata.name
// is set by the apiserver and cannot be changed, unlike other labels).
func notInNames(exprs []chartLabelExpression) []string {
	var out []string
	for _, e := range exprs {
		if e.Key == "kubernetes.io/metadata.name" && e.Operator == "NotIn" {
			out = append(out, e.Values...)
		}
	}
	return out
}

// verifyServing checks that cert and key are a pair and that cert chains to ca for dnsName as
// a TLS server certificate (what the apiserver verifies when it calls the webhook).
func verifyServing(t *testing.T, certPEM, keyPEM, caPEM []byte, dnsName string) {
	t.Helper()
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatalf("serving certificate and key: %v", err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("no CA certificate")
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: dnsName, Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		t.Errorf("serving certificate does not verify for %s: %v", dnsName, err)
	}
}

// pemCertificates splits a PEM bundle into its certificates (each re-encoded as PEM).
func pemCertificates(t *testing.T, bundle string) []string {
	t.Helper()
	var out []string
	rest := []byte(bundle)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		out = append(out, string(pem.EncodeToMemory(block)))
	}
	return out
}

// jobArgs returns the container args of the Job named name in a multi-document manifest
// (helm get hooks), read line by line: the args list is the chart's, one item a line.
func jobArgs(t *testing.T, manifest, name string) []string {
	t.Helper()
	for _, doc := range strings.Split(manifest, "\n---") {
		if !strings.Contains(doc, "\nkind: Job") || !strings.Contains(doc, "\n  name: "+name+"\n") {
			continue
		}
		var args []string
		in := false
		sc := bufio.NewScanner(strings.NewReader(doc))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			switch {
			case line == "args:":
				in = true
			case in && strings.HasPrefix(line, "- "):
				args = append(args, strings.TrimPrefix(line, "- "))
			case in:
				return args
			}
		}
		return args
	}
	t.Fatalf("no Job %s in the release's hooks", name)
	return nil
}

// dockerStages splits a Dockerfile into its stages' instructions (continuation lines joined).
func dockerStages(dockerfile string) [][]string {
	var stages [][]string
	var cur []string
	logical := ""
	for _, line := range strings.Split(dockerfile, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && logical == "") {
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			logical += strings.TrimSuffix(trimmed, "\\") + " "
			continue
		}
		logical += trimmed
		if strings.HasPrefix(logical, "FROM ") {
			if cur != nil {
				stages = append(stages, cur)
			}
			cur = []string{}
		}
		if cur != nil {
			cur = append(cur, logical)
		}
		logical = ""
	}
	if cur != nil {
		stages = append(stages, cur)
	}
	return stages
}

// aptInstalled returns the packages a stage installs with apt-get install.
func aptInstalled(stage []string) []string {
	var out []string
	for _, instr := range stage {
		if !strings.HasPrefix(instr, "RUN ") {
			continue
		}
		for _, cmd := range strings.Split(instr, "&&") {
			f := strings.Fields(cmd)
			i := slices.Index(f, "install")
			if i < 0 || !slices.Contains(f[:i], "apt-get") {
				continue
			}
			for _, w := range f[i+1:] {
				if !strings.HasPrefix(w, "-") {
					out = append(out, w)
				}
			}
		}
	}
	return out
}

// debianPackageOf returns the Debian package (without architecture) that ships a library.
func debianPackageOf(t *testing.T, paths ...string) string {
	t.Helper()
	var tried []string
	for _, p := range paths {
		// Debian 12 is merged-/usr: a library may be registered under /usr/lib or /lib.
		for _, candidate := range []string{p, strings.Replace(p, "/usr/lib/", "/lib/", 1), strings.Replace(p, "/lib/", "/usr/lib/", 1)} {
			out, err := exec.Command("dpkg-query", "-S", candidate).Output()
			tried = append(tried, candidate)
			if err != nil {
				continue
			}
			pkg, _, _ := strings.Cut(strings.TrimSpace(string(out)), ": ")
			pkg, _, _ = strings.Cut(pkg, ":") // libssl3:amd64
			return pkg
		}
	}
	t.Errorf("no Debian package ships %v", tried)
	return ""
}
