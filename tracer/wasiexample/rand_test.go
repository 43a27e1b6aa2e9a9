//go:build !wasip1 && !js

package main

import "crypto/rand"

func cryptoRand(p []byte) (int, error) { return rand.Read(p) }
