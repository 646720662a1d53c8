// Command tg-controlplane runs the e2e control plane (etcd + kube-apiserver on 127.0.0.1)
// in the foreground, for the demo and for poking at tierguard by hand.
//
//	tg-controlplane up   [--bin-dir bin] [--work-dir DIR] [--crds crds] [--etcd-port N] [--apiserver-port N] [--timeout 2m]
//	tg-controlplane user --work-dir DIR --name alice [--group dev]... [--out PATH]
//	tg-controlplane serving-cert --work-dir DIR --out-dir D [--host 127.0.0.1]...
//
// "up" prints "ready" and the kubeconfig path once the apiserver serves and the CRDs are
// Established, writes DIR/env (shell-sourceable; it appears only when ready), and runs
// until SIGINT or SIGTERM, then stops everything. Without --work-dir a temporary directory
// is used and removed on exit.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"tierguard.io/e2e/controlplane"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "up":
		err = up(os.Args[2:])
	case "user":
		err = user(os.Args[2:])
	case "serving-cert":
		err = servingCert(os.Args[2:])
	case "-h", "--help", "help":
		usage()
		return
	default:
		fmt.Fprintf(os.Stderr, "tg-controlplane: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintf(os.Stderr, "tg-controlplane: error: %v\n", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  tg-controlplane up   [--bin-dir bin] [--work-dir DIR] [--crds DIR] [--etcd-port N] [--apiserver-port N] [--timeout 2m]
  tg-controlplane user --work-dir DIR --name NAME [--group GROUP]... [--out PATH]
  tg-controlplane serving-cert --work-dir DIR --out-dir D [--host HOST]...
`)
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func up(args []string) error {
	fs := flag.NewFlagSet("up", flag.ContinueOnError)
	binDir := fs.String("bin-dir", "bin", "directory holding etcd, kube-apiserver and kubectl")
	workDir := fs.String("work-dir", "", "directory for certificates, logs, kubeconfig and env (default: a temporary directory removed on exit)")
	crds := fs.String("crds", "", "install the CRDs of every *.yaml in this directory and wait until Established")
	etcdPort := fs.Int("etcd-port", 0, "etcd client port on 127.0.0.1 (0: any free port)")
	apiPort := fs.Int("apiserver-port", 0, "kube-apiserver port on 127.0.0.1 (0: any free port)")
	timeout := fs.Duration("timeout", 2*time.Minute, "bound on each readiness wait")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("up: unexpected arguments %q", fs.Args())
	}
	bin, err := filepath.Abs(*binDir)
	if err != nil {
		return err
	}

	// Ctrl-C or SIGTERM during start-up aborts the readiness waits and cleans up too.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cp, err := controlplane.Start(ctx, controlplane.Config{
		BinDir:        bin,
		WorkDir:       *workDir,
		CRDDir:        *crds,
		EtcdPort:      *etcdPort,
		APIServerPort: *apiPort,
		StartTimeout:  *timeout,
		Log:           os.Stderr,
	})
	if err != nil {
		return err
	}
	fmt.Printf("ready\nkubeconfig: %s\napiserver: %s\nenv: %s\nCA: %s %s\n",
		cp.KubeconfigPath, cp.APIServerURL, cp.EnvPath, cp.CACertPath, cp.CAKeyPath)
	fmt.Printf("try: %s --kubeconfig %s get namespaces\n", filepath.Join(bin, "kubectl"), cp.KubeconfigPath)

	var runErr error
	select {
	case <-ctx.Done():
		fmt.Fprintln(os.Stderr, "tg-controlplane: stopping")
	case runErr = <-cp.Failed():
		runErr = fmt.Errorf("control plane failed: %w", runErr)
	}
	if err := cp.Stop(); err != nil {
		return errors.Join(runErr, fmt.Errorf("stop: %w", err))
	}
	fmt.Fprintln(os.Stderr, "tg-controlplane: stopped")
	return runErr
}

func user(args []string) error {
	fs := flag.NewFlagSet("user", flag.ContinueOnError)
	workDir := fs.String("work-dir", "", "work directory of a running `tg-controlplane up` (required)")
	name := fs.String("name", "", "user name (the certificate's CommonName; required)")
	out := fs.String("out", "", "kubeconfig to write (default WORK_DIR/users/NAME.kubeconfig)")
	var groups stringList
	fs.Var(&groups, "group", "group (the certificate's Organization); repeatable")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *workDir == "" || *name == "" {
		return errors.New("user: --work-dir and --name are required")
	}
	env, err := controlplane.ReadEnv(filepath.Join(*workDir, "env"))
	if err != nil {
		return fmt.Errorf("user: is a control plane running with --work-dir %s? %w", *workDir, err)
	}
	ca, err := controlplane.LoadCA(env["TIERGUARD_CA_CERT"], env["TIERGUARD_CA_KEY"])
	if err != nil {
		return err
	}
	path := *out
	if path == "" {
		path = filepath.Join(*workDir, "users", *name+".kubeconfig")
	}
	if err := controlplane.WriteUserKubeconfig(path, env["TIERGUARD_APISERVER_URL"], ca, *name, groups...); err != nil {
		return err
	}
	fmt.Println(path)
	return nil
}

// servingCert mints a TLS serving certificate signed by the control plane's CA, e.g. for
// `tierguard webhook`; the caBundle of the webhook configuration is base64(DIR/ca.crt).
func servingCert(args []string) error {
	fs := flag.NewFlagSet("serving-cert", flag.ContinueOnError)
	workDir := fs.String("work-dir", "", "work directory of a running `tg-controlplane up` (required)")
	outDir := fs.String("out-dir", "", "directory to write tls.crt and tls.key into (required)")
	var hosts stringList
	fs.Var(&hosts, "host", "IP address or DNS name the certificate is valid for; repeatable (default 127.0.0.1)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *workDir == "" || *outDir == "" {
		return errors.New("serving-cert: --work-dir and --out-dir are required")
	}
	if len(hosts) == 0 {
		hosts = stringList{controlplane.Loopback}
	}
	env, err := controlplane.ReadEnv(filepath.Join(*workDir, "env"))
	if err != nil {
		return fmt.Errorf("serving-cert: is a control plane running with --work-dir %s? %w", *workDir, err)
	}
	ca, err := controlplane.LoadCA(env["TIERGUARD_CA_CERT"], env["TIERGUARD_CA_KEY"])
	if err != nil {
		return err
	}
	kp, err := ca.IssueServing(hosts...)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return err
	}
	certPath, keyPath := filepath.Join(*outDir, "tls.crt"), filepath.Join(*outDir, "tls.key")
	if err := kp.WriteFiles(certPath, keyPath); err != nil {
		return err
	}
	fmt.Printf("%s\n%s\n", certPath, keyPath)
	return nil
}
