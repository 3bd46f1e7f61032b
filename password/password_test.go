package password

import (
	"errors"
	"strings"
	"testing"
)

// cheap keeps the tests fast; the format is the same at any cost.
var cheap = Params{Memory: 64, Time: 1, Threads: 1}

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse battery", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q", h)
	}
	if err := Verify(h, "correct horse battery"); err != nil {
		t.Errorf("right password: %v", err)
	}
	if err := Verify(h, "correct horse batterY"); !errors.Is(err, ErrMismatch) {
		t.Errorf("wrong password: %v", err)
	}
	if again, _ := Hash("correct horse battery", cheap); again == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	if err := Verify("", "anything"); !errors.Is(err, ErrMismatch) {
		t.Errorf("empty hash: %v", err)
	}
	for _, bad := range []string{"$2a$10$abc", "$argon2id$v=19$m=0,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=64,t=1,p=1$!!$!!", "plain"} {
		if err := Verify(bad, "x"); err == nil || errors.Is(err, ErrMismatch) {
			t.Errorf("Verify(%q) = %v, want a format error", bad, err)
		}
	}
}

func TestCheck(t *testing.T) {
	if Check("short") == nil || Check(strings.Repeat("x", MaxLength+1)) == nil || Check("long enough now") != nil {
		t.Error("Check does not follow the length rules")
	}
}

func FuzzVerify(f *testing.F) {
	h, _ := Hash("password123", cheap)
	f.Add(h, "password123")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", "x")
	f.Fuzz(func(t *testing.T, hash, pw string) {
		if strings.Contains(hash, "m=") && !strings.Contains(hash, "m=64,") {
			return // a costly hash is slow, not wrong
		}
		Verify(hash, pw)
	})
}
