package main

import (
	"os"
	"strings"
	"testing"
)

// TestREADME keeps the README's quick start identical to this program,
// which the build checks.
func TestREADME(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	prog, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "## Quick start")
	if !ok {
		t.Fatal("README.md has no Quick start section")
	}
	_, rest, ok = strings.Cut(rest, "```go\n")
	if !ok {
		t.Fatal("the Quick start section has no Go block")
	}
	block, _, ok := strings.Cut(rest, "```\n")
	if !ok {
		t.Fatal("the Go block is not closed")
	}
	if block != string(prog) {
		t.Errorf("README.md's quick start differs from examples/quickstart/main.go:\n--- README\n%s\n--- main.go\n%s", block, prog)
	}
	if n := strings.Count(string(prog), "\n"); n > 75 {
		t.Errorf("the quick start is %d lines; keep it a page (75 lines)", n)
	}
}
