package site

import (
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	hash, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newAccounts(hash)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user, password string
		ok             bool
	}{
		{"alice", "wonderland", true},
		{"alice", "Wonderland", false},
		{"alice", "", false},
		{"Alice", "wonderland", false},
		{"alice\x00", "wonderland", false},
		{"bob", "wonderland", false},
		{"", "", false},
	}
	for _, tt := range tests {
		u, ok := a.check(tt.user, tt.password)
		if ok != tt.ok {
			t.Errorf("check(%q, %q) = %v; want %v", tt.user, tt.password, ok, tt.ok)
		}
		if ok && (u.Username != Username || u.Name != DisplayName) {
			t.Errorf("check(%q, %q) = %+v; want alice", tt.user, tt.password, u)
		}
		if !ok && u != (User{}) {
			t.Errorf("check(%q, %q) returned %+v with false", tt.user, tt.password, u)
		}
	}
}

// TestDefaultHash: the hash in the source is the demo password's, at the
// default cost.
func TestDefaultHash(t *testing.T) {
	t.Parallel()
	if err := bcrypt.CompareHashAndPassword([]byte(passwordHash), []byte(Password)); err != nil {
		t.Fatalf("the built-in hash is not that of %q: %v", Password, err)
	}
	if cost, _ := bcrypt.Cost([]byte(passwordHash)); cost < bcrypt.DefaultCost {
		t.Errorf("bcrypt cost %d; want at least %d", cost, bcrypt.DefaultCost)
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	if _, err := New(Config{}); err == nil {
		t.Error("New without keys succeeded")
	}
	if _, err := newAccounts([]byte("not a hash")); err == nil {
		t.Error("newAccounts with a bad hash succeeded")
	}
}

func TestIsLoopbackHostPort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"127.0.0.1:8080", true},
		{"127.0.0.1", true},
		{"127.1.2.3:1", true},
		{"[::1]:8080", true},
		{"::1", true},
		{"localhost:8080", true},
		{"LOCALHOST", true},
		{"localhost.evil.example:80", false},
		{"evil.example", false},
		{"10.0.0.1:80", false},
		{"[::]:80", false},
		{"0.0.0.0:80", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isLoopbackHostPort(tt.in); got != tt.want {
			t.Errorf("isLoopbackHostPort(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestRel(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "just now"},
		{-4 * time.Second, "just now"},
		{40 * time.Second, "in 40 s"},
		{-90 * time.Second, "90 s ago"},
		{30*time.Minute - 800*time.Millisecond, "in 30 min"},
		{29*time.Minute + 10*time.Second, "in 29 min"},
		{12 * time.Hour, "in 12 h"},
		{-3 * time.Hour, "3 h ago"},
		{30*24*time.Hour - time.Second, "in 30 days"},
	}
	for _, tt := range tests {
		if got := rel(now, now.Add(tt.d)); got != tt.want {
			t.Errorf("rel(now, now%+v) = %q; want %q", tt.d, got, tt.want)
		}
	}
}
