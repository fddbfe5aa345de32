//go:build !linux

package motoserver

import "syscall"

// dieWithParent is nil where the kernel has no parent-death signal: the
// test's cleanup is then the server's only stop.
func dieWithParent() *syscall.SysProcAttr { return nil }
