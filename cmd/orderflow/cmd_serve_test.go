package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestServeHashesPasswordsAndMakesTokens(t *testing.T) {
	r, w, _ := os.Pipe()
	w.WriteString("correct horse battery\n")
	w.Close()
	stdin := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = stdin }()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"serve", "--hash-password"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if err := bcrypt.CompareHashAndPassword(bytes.TrimSpace(out.Bytes()), []byte("correct horse battery")); err != nil {
		t.Fatalf("%q is not the bcrypt hash of the password: %v", out.String(), err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"serve", "--new-token"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "token_hash (put it in orderflow.yaml under server.users): sha256:") {
		t.Fatalf("--new-token printed %q", out.String())
	}
}

func TestServeRefusesToListenBeyondLoopbackWithoutUsers(t *testing.T) {
	var out bytes.Buffer
	db := filepath.Join(t.TempDir(), "of.duckdb")
	err := run(context.Background(), []string{"--db", db, "serve", "--addr", "0.0.0.0:0"}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "refusing to serve beyond this machine without users") {
		t.Fatalf("error %v", err)
	}
}
