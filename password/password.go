// Package password hashes and checks the passwords people sign in to
// Debrief with, as argon2id hashes in the PHC string format
// ("$argon2id$v=19$m=65536,t=1,p=2$salt$key"), so that a stolen database
// gives no password away.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the cost of a hash. Hashes keep their parameters, so a hash made
// with other ones still checks.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// Default is the cost of new hashes: 64 MiB and one pass over two lanes,
// the first choice of RFC 9106 scaled to a server that signs people in now
// and then (about 60 ms here).
var Default = Params{Memory: 64 << 10, Time: 1, Threads: 2}

// MinLength is the shortest password accepted; MaxLength the longest, so
// that hashing cannot be used to tie up the server.
const (
	MinLength = 10
	MaxLength = 1024
)

// Check returns an error saying why a new password is refused, or nil.
func Check(pw string) error {
	switch n := len([]rune(pw)); {
	case n < MinLength:
		return fmt.Errorf("a password needs at least %d characters", MinLength)
	case len(pw) > MaxLength:
		return fmt.Errorf("a password may have at most %d bytes", MaxLength)
	}
	return nil
}

// Hash returns the argon2id hash of pw with a new random salt.
func Hash(pw string, p Params) (string, error) {
	if len(pw) > MaxLength {
		return "", fmt.Errorf("a password may have at most %d bytes", MaxLength)
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrMismatch is what Verify returns for a wrong password.
var ErrMismatch = errors.New("wrong password")

// Verify returns nil when pw matches hash, ErrMismatch when it does not, and
// another error when hash is not an argon2id hash this package reads. An
// empty hash (a user who signs in only with tokens) matches nothing.
func Verify(hash, pw string) error {
	if hash == "" || len(pw) > MaxLength {
		return ErrMismatch
	}
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return errors.New("not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return errors.New("an argon2 version this build does not read")
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.Memory > 1<<22 || p.Time > 100 {
		return errors.New("argon2id parameters out of range")
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) < 16 || len(want) > 64 {
		return errors.New("a damaged argon2id hash")
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}
