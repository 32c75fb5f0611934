package serve

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// The teacher's browser holds a session, not the token: cookies are not scoped to a port, so a page of any
// other server on this machine (an HTTP server cell the teacher opens, for one) receives the cookie. A session
// is a random value this server made and keeps; it is worth nothing to another server, nothing once this one
// stops, and it cannot be turned into the token.
const (
	sessionLife = 12 * time.Hour  // a school day
	maxSessions = 64              // the oldest goes when a new one would pass this
	codeLife    = 2 * time.Minute // a one-time code: time for a browser to start and open it
	maxCodes    = 16
)

// secrets is a set of random values, each valid until it expires; kept by their SHA-256, so that a lookup's
// time tells nothing about a value.
type secrets struct {
	mu      sync.Mutex
	life    time.Duration
	max     int
	expires map[[sha256.Size]byte]time.Time
	now     func() time.Time
}

func newSecrets(life time.Duration, max int) *secrets {
	return &secrets{life: life, max: max, expires: map[[sha256.Size]byte]time.Time{}, now: time.Now}
}

// start makes a new value and returns it.
func (s *secrets) start() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("serve: no randomness: %v", err)) // crypto/rand does not fail on supported systems
	}
	v := hex.EncodeToString(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var oldest [sha256.Size]byte
	for k, exp := range s.expires {
		if !now.Before(exp) {
			delete(s.expires, k)
		} else if oldestExp, ok := s.expires[oldest]; !ok || exp.Before(oldestExp) {
			oldest = k
		}
	}
	if len(s.expires) >= s.max {
		delete(s.expires, oldest)
	}
	s.expires[sha256.Sum256([]byte(v))] = now.Add(s.life)
	return v
}

// valid reports whether v is a value of the set that has not expired.
func (s *secrets) valid(v string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.expires[sha256.Sum256([]byte(v))]
	return ok && s.now().Before(exp)
}

// take reports whether v is valid, and ends it: a one-time code opens one session.
func (s *secrets) take(v string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := sha256.Sum256([]byte(v))
	exp, ok := s.expires[k]
	delete(s.expires, k)
	return ok && s.now().Before(exp)
}

// revoke ends every value.
func (s *secrets) revoke() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.expires)
}

// OpenURL returns the address of the teacher's page with a one-time code instead of the token, valid for
// codeLife: for a browser the runner opens, whose command line every user of the machine can read.
func (s *Server) OpenURL(base string) string { return base + "/?code=" + s.codes.start() }
