// Package e2e holds the end-to-end test of the converter page in a real
// browser (browser_test.go, build tag browser; `make browser` runs it). It
// has no code of its own.
package e2e
