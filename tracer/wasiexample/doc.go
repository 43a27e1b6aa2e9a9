//go:build wasip1

// Package wasiexample holds a GOOS=wasip1 example module traced by
// Spanfall (main.go, built only for wasip1) and the host tests that run it
// in-process under wazero.
package main
