// The end-to-end tests and the control-plane launcher (standard library only).
// The binaries they drive are built from the separate modules under tools/.
module tierguard.io/e2e

go 1.26.0
