package framework

import (
	"bytes"
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tierguard.io/e2e/controlplane"
)

// APIProxy is a TLS-terminating reverse proxy in front of the embedded kube-apiserver, for
// pointing tierguard at (Kubeconfig) when a test needs the cluster to misbehave in a
// controlled way: watch events of some resources delivered late (as from an apiserver whose
// watch cache lags), GETs of some objects that never answer. Everything else passes through
// unchanged, streamed (watches are flushed as they arrive).
type APIProxy struct {
	// URL is https://127.0.0.1:PORT.
	URL string
	// Kubeconfig points at the proxy, trusting the test CA, with a client certificate the
	// proxy does not check (it talks to the apiserver as its own system:masters user).
	Kubeconfig string

	opts ProxyOptions

	mu   sync.Mutex
	hung map[string]int // "RESOURCE NAMESPACE/NAME" -> GETs held
}

// ProxyOptions say how the proxy misbehaves.
type ProxyOptions struct {
	// WatchDelay delays every byte of the watch streams of DelayWatches by this much
	// (order kept). The initial LIST is not delayed, so tierguard still gets ready at once.
	WatchDelay time.Duration
	// DelayWatches are plural resource names (serviceaccounts, namespaces, roles, ...).
	DelayWatches []string
	// HangGets: a GET of one object whose resource and name this returns true for is held
	// until the client gives up (at most a minute), then answered 504.
	HangGets func(resource, namespace, name string) bool
}

// StartAPIProxy starts an APIProxy on a free 127.0.0.1 port and stops it when the test ends
// (start it before the process that uses it, so that process stops first). It needs the
// embedded control plane (its CA signs the proxy's certificates); the test is skipped on
// an existing cluster.
func (c *Cluster) StartAPIProxy(t testing.TB, opts ProxyOptions) *APIProxy {
	t.Helper()
	cp := c.Embedded
	if cp == nil {
		t.Skip("needs the embedded control plane (the proxy uses its CA)")
	}
	upstream, err := url.Parse(cp.APIServerURL)
	if err != nil {
		t.Fatal(err)
	}
	proxyUser, err := cp.CA.IssueClient("tierguard-e2e-apiproxy", "system:masters")
	if err != nil {
		t.Fatal(err)
	}
	clientCert, err := tls.X509KeyPair(proxyUser.CertPEM, proxyUser.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	serving, err := cp.CA.IssueServing(controlplane.Loopback)
	if err != nil {
		t.Fatal(err)
	}
	servingCert, err := tls.X509KeyPair(serving.CertPEM, serving.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}

	l, err := net.Listen("tcp", net.JoinHostPort(controlplane.Loopback, "0"))
	if err != nil {
		t.Fatal(err)
	}
	p := &APIProxy{URL: "https://" + l.Addr().String(), opts: opts, hung: map[string]int{}}

	transport := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: cp.CA.CertPool(), Certificates: []tls.Certificate{clientCert}},
		MaxIdleConnsPerHost: 32,
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(upstream)
			r.Out.Host = upstream.Host
		},
		Transport:     transport,
		FlushInterval: -1,
		ModifyResponse: func(resp *http.Response) error {
			if p.delayed(resp.Request) {
				resp.Body = delayBody(resp.Body, opts.WatchDelay)
			}
			return nil
		},
		// Connections tierguard closes (watches it ends, GETs it gives up on) are no news.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	srv := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, rp) }),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{servingCert}},
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = srv.ServeTLS(l, "", "") }()
	t.Cleanup(func() {
		_ = srv.Close()
		transport.CloseIdleConnections()
	})

	tierguardUser, err := cp.CA.IssueClient("tierguard-e2e-via-proxy")
	if err != nil {
		t.Fatal(err)
	}
	p.Kubeconfig = filepath.Join(t.TempDir(), "proxy.kubeconfig")
	if err := controlplane.WriteKubeconfig(p.Kubeconfig, p.URL, cp.CA.CertPEM, "tierguard-e2e-via-proxy", tierguardUser); err != nil {
		t.Fatal(err)
	}
	return p
}

// HeldGets returns how many GETs of RESOURCE NAMESPACE/NAME the proxy has held (HangGets).
func (p *APIProxy) HeldGets(resource, namespace, name string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hung[resource+" "+namespace+"/"+name]
}

func (p *APIProxy) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if p.opts.HangGets != nil && r.Method == http.MethodGet && !isWatch(r) {
		if res, ns, name, ok := objectPath(r.URL.Path); ok && p.opts.HangGets(res, ns, name) {
			p.mu.Lock()
			p.hung[res+" "+ns+"/"+name]++
			p.mu.Unlock()
			select {
			case <-r.Context().Done():
			case <-time.After(time.Minute):
			}
			http.Error(w, "held by the e2e APIProxy", http.StatusGatewayTimeout)
			return
		}
	}
	next.ServeHTTP(w, r)
}

func (p *APIProxy) delayed(r *http.Request) bool {
	if p.opts.WatchDelay <= 0 || !isWatch(r) {
		return false
	}
	res := collectionResource(r.URL.Path)
	for _, d := range p.opts.DelayWatches {
		if d == res {
			return true
		}
	}
	return false
}

func isWatch(r *http.Request) bool {
	w := r.URL.Query().Get("watch")
	return w == "true" || w == "1"
}

// apiSegments splits /api/v1/... or /apis/GROUP/VERSION/... into the segments after the
// version; nil for other paths.
func apiSegments(path string) []string {
	s := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(s) >= 2 && s[0] == "api":
		return s[2:]
	case len(s) >= 3 && s[0] == "apis":
		return s[3:]
	}
	return nil
}

// collectionResource is RESOURCE of a list or watch path: .../RESOURCE or
// .../namespaces/NS/RESOURCE.
func collectionResource(path string) string {
	s := apiSegments(path)
	switch len(s) {
	case 1:
		return s[0]
	case 3:
		if s[0] == "namespaces" {
			return s[2]
		}
	}
	return ""
}

// objectPath parses the path of one object: .../RESOURCE/NAME or
// .../namespaces/NS/RESOURCE/NAME (a namespace itself is namespaces/NAME).
func objectPath(path string) (resource, namespace, name string, ok bool) {
	s := apiSegments(path)
	switch len(s) {
	case 2:
		return s[0], "", s[1], true
	case 4:
		if s[0] == "namespaces" {
			return s[2], s[1], s[3], true
		}
	}
	return "", "", "", false
}

// delayBody returns a body that yields what body yields, each chunk d after it arrived.
func delayBody(body io.ReadCloser, d time.Duration) io.ReadCloser {
	type chunk struct {
		due  time.Time
		data []byte
	}
	pr, pw := io.Pipe()
	chunks := make(chan chunk, 4096)
	done := make(chan struct{})
	go func() { // upstream -> queue, stamped with the time it arrived
		defer close(chunks)
		buf := make([]byte, 32<<10)
		for {
			n, err := body.Read(buf)
			if n > 0 {
				select {
				case chunks <- chunk{time.Now().Add(d), bytes.Clone(buf[:n])}:
				case <-done:
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	go func() { // queue -> client, each chunk when it is due
		defer pw.Close()
		for c := range chunks {
			timer := time.NewTimer(time.Until(c.due))
			select {
			case <-timer.C:
			case <-done:
				timer.Stop()
				return
			}
			if _, err := pw.Write(c.data); err != nil {
				return
			}
		}
	}()
	return &delayedBody{PipeReader: pr, upstream: body, done: done}
}

type delayedBody struct {
	*io.PipeReader
	upstream io.ReadCloser
	done     chan struct{}
	once     sync.Once
}

func (b *delayedBody) Close() error {
	b.once.Do(func() { close(b.done) })
	_ = b.PipeReader.Close()
	return b.upstream.Close()
}
