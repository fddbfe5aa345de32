package motoserver

import "syscall"

// dieWithParent has the kernel kill the server when the test binary dies
// (a panic, go test's -timeout), before any cleanup could stop it: an
// orphaned server would hold its port and memory until someone noticed.
// The kernel ties the signal to the thread that started the server; Go
// keeps its threads unless a goroutine locked to one ends, which the tests
// starting servers do not do.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
