package controlplane

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ClusterName is the cluster and context name used in the kubeconfigs written here.
const ClusterName = "tierguard-e2e"

// WriteKubeconfig writes a kubeconfig that authenticates to server with a client
// certificate, trusting caPEM for the server. The credentials are embedded, so the file
// stands alone (mode 0600).
func WriteKubeconfig(path, server string, caPEM []byte, user string, client *KeyPair) error {
	b64 := base64.StdEncoding.EncodeToString
	ctx := user + "@" + ClusterName
	var sb strings.Builder
	fmt.Fprintf(&sb, "apiVersion: v1\nkind: Config\n")
	fmt.Fprintf(&sb, "clusters:\n- name: %s\n  cluster:\n    server: %s\n    certificate-authority-data: %s\n",
		ClusterName, server, b64(caPEM))
	fmt.Fprintf(&sb, "users:\n- name: %q\n  user:\n    client-certificate-data: %s\n    client-key-data: %s\n",
		user, b64(client.CertPEM), b64(client.KeyPEM))
	fmt.Fprintf(&sb, "contexts:\n- name: %q\n  context:\n    cluster: %s\n    user: %q\n", ctx, ClusterName, user)
	fmt.Fprintf(&sb, "current-context: %q\n", ctx)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return writeFileAtomic(path, []byte(sb.String()), 0o600)
}

// WriteUserKubeconfig mints a client certificate for user in groups, signed by ca, and
// writes a kubeconfig for it. RBAC then decides what the user may do (no group grants
// anything by default except system:masters).
func WriteUserKubeconfig(path, server string, ca *CA, user string, groups ...string) error {
	kp, err := ca.IssueClient(user, groups...)
	if err != nil {
		return err
	}
	return WriteKubeconfig(path, server, ca.CertPEM, user, kp)
}

// writeFileAtomic writes data to a temporary file beside path and renames it into place,
// so a reader polling for path never sees a partial file.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
