package controlplane

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Kubectl runs the real kubectl binary against one kubeconfig.
type Kubectl struct {
	Path       string // kubectl binary
	Kubeconfig string
}

// Result is the outcome of one kubectl run.
type Result struct {
	Args   []string
	Stdout string
	Stderr string
	Err    error // nil when kubectl exited 0
}

// Run runs kubectl with args (and stdin, if not nil). It never runs longer than ctx allows;
// a run that would have no deadline gets one of 60 s. Err names the command and carries
// kubectl's stderr.
func (k Kubectl) Run(ctx context.Context, stdin []byte, args ...string) Result {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
	}
	full := append([]string{"--kubeconfig", k.Kubeconfig}, args...)
	cmd := exec.CommandContext(ctx, k.Path, full...)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	err := cmd.Run()
	r := Result{Args: args, Stdout: stdout.String(), Stderr: stderr.String()}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(ctxErr, context.DeadlineExceeded) {
			err = fmt.Errorf("timed out: %w", ctxErr)
		}
		r.Err = fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(r.Stderr))
	}
	return r
}
