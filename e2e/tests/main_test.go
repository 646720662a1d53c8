// Package tests holds the end-to-end tests: the real tierguard binary, driven by the real
// kubectl, against a real kube-apiserver + etcd (see docs/testing.md).
package tests

import (
	"testing"

	"tierguard.io/e2e/framework"
)

func TestMain(m *testing.M) { framework.Main(m) }
