package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tierguard.io/e2e/framework"
)

// The PrivilegeTier CRD's OpenAPI schema and CEL rules, enforced by the real apiserver:
// the shipped example tiers are accepted, and each malformed tier is rejected with a message
// naming the field. Server-side dry runs: nothing is stored.
func TestPrivilegeTierSchema(t *testing.T) {
	c := framework.C
	ctx := framework.Context(t, 2*time.Minute)

	t.Run("ExampleTiersAreAccepted", func(t *testing.T) {
		examples := filepath.Join(c.RepoRoot, "examples", "tiers.yaml")
		r := c.Kubectl.Run(ctx, nil, "apply", "--dry-run=server", "-f", examples)
		if r.Err != nil {
			t.Fatalf("example tiers rejected: %v\n%s", r.Err, r.Stderr)
		}
		for _, name := range []string{"restricted", "standard", "deployer", "legacy"} {
			if !strings.Contains(r.Stdout, "privilegetier.tierguard.io/"+name) {
				t.Errorf("kubectl did not report tier %s: %s", name, r.Stdout)
			}
		}
	})

	invalid := []struct {
		name, spec, wantInError string
	}{
		{"MissingPlacement", `{rank: 1}`, "placement"},
		{"UnknownEnforcement", `{rank: 1, placement: {namespaceSelector: {}}, enforcement: Block}`, "enforcement"},
		{"NegativeRank", `{rank: -1, placement: {namespaceSelector: {}}}`, "rank"},
		{"InWithoutValues", `{rank: 1, placement: {namespaceSelector: {matchExpressions: [{key: env, operator: In}]}}}`, "In and NotIn need values"},
		{"RuleWithoutVerbs", `{rank: 1, placement: {namespaceSelector: {}}, standing: {rules: [{apiGroups: [""], resources: [pods]}]}}`, "verbs"},
		{"RuleMixingResourcesAndURLs", `{rank: 1, placement: {namespaceSelector: {}}, standing: {rules: [{apiGroups: [""], resources: [pods], nonResourceURLs: ["/x"], verbs: [get]}]}}`, "either resources"},
		{"ResourcesWithoutGroups", `{rank: 1, placement: {namespaceSelector: {}}, standing: {rules: [{resources: [pods], verbs: [get]}]}}`, "at least one API group"},
		{"BadMaxDuration", `{rank: 1, placement: {namespaceSelector: {}}, elevation: {maxDuration: "two hours"}}`, "maxDuration"},
		{"WindowEndsBeforeStart", `{rank: 1, placement: {namespaceSelector: {}}, elevation: {windows: [{days: [Mon], startHour: 18, endHour: 8}]}}`, "endHour must be after startHour"},
		{"ApprovalWithoutApprovers", `{rank: 1, placement: {namespaceSelector: {}}, elevation: {approval: {required: true}}}`, "no approvers"},
		{"SharingZero", `{rank: 1, placement: {namespaceSelector: {}}, sharing: {maxWorkloads: 0}}`, "maxWorkloads"},
	}
	for _, tc := range invalid {
		t.Run("Rejects"+tc.name, func(t *testing.T) {
			manifest := "apiVersion: tierguard.io/v1alpha1\nkind: PrivilegeTier\nmetadata: {name: schema-" +
				strings.ToLower(tc.name) + "}\nspec: " + tc.spec + "\n"
			path := filepath.Join(t.TempDir(), "tier.yaml")
			if err := os.WriteFile(path, []byte(manifest), 0o600); err != nil {
				t.Fatal(err)
			}
			r := c.Kubectl.Run(ctx, nil, "apply", "--dry-run=server", "-f", path)
			if r.Err == nil {
				t.Fatalf("invalid tier accepted:\n%s", manifest)
			}
			if !strings.Contains(r.Stderr, tc.wantInError) {
				t.Errorf("error does not mention %q:\n%s", tc.wantInError, r.Stderr)
			}
		})
	}
}
