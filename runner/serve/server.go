package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"classnotes/runner/engine"
	"classnotes/runner/files"
	"classnotes/runner/site"
)

// Config is what a Server serves, and to whom.
type Config struct {
	Engine *engine.Engine
	Root   string   // the served directory: lessons are named by their path relative to it
	Files  []string // the lesson files, absolute paths under Root
	// Course is the root of the lessons' course, absolute: the files the lessons link to inside it are served
	// (see courseFile). "" serves none.
	Course string
	Token  string // the teacher's token; "" makes a random one (see Server.Token)
	// LAN lets anyone who can reach the server view the pages and follow the runs without the token (the
	// student view); running, stopping and accepting still need it. It also accepts the machine's own
	// addresses and name as Host.
	LAN bool
	// Hosts are the names the Host header may carry besides loopback addresses and "localhost"; with LAN, the
	// machine's addresses and host name are added by New.
	Hosts []string
	// ClassCode is the code students' reports carry (with LAN; see class.go); "" makes a random one.
	ClassCode string
	// MaxStudents bounds the class (with LAN); 0 is class.MaxStudents.
	MaxStudents int
}

// Server is a running classroom: its lessons, their runs and the pages following them.
type Server struct {
	cfg     Config
	token   string
	hub     *hub
	hosts   map[string]bool
	streams *addrCount // event streams open, by client address
	// sessions are the teacher's browsers' cookies; codes the one-time codes of OpenURL.
	sessions, codes *secrets
	notes           notesState  // whether each lesson's notes are hidden from the students, and which cells are revealed
	class           *classState // with LAN: the students' reports; nil without

	mu      sync.Mutex
	lessons map[string]*served   // by key
	order   []string             // keys, sorted
	runs    map[string]*runState // by id: running, and the ended ones kept for Accept
	kept    []*runState          // the ended runs in runs, oldest first
	active  map[string]*runState // by lesson key and cell ("key#3"; "key#0" for Run all)
	wg      sync.WaitGroup       // runs in progress
	ctx     context.Context      // cancelled by Close
	cancel  context.CancelFunc
}

// served is one lesson as the server knows it: the last version that loaded, and the error of the file as it
// is now, if it does not load.
type served struct {
	key    string // path relative to Root, slash-separated
	file   string // absolute path
	page   string // its page: the file's base name with .html
	lesson *engine.Lesson
	err    error
	linked linkSet // the files that lesson links to, once a request under /files/ asked (see linkedBy)
}

// New loads the lessons of cfg and returns a server for them. A lesson that does not load is served with its
// errors; it is an error only when no lesson loads at all.
func New(cfg Config) (*Server, error) {
	if cfg.Engine == nil {
		return nil, errors.New("serve: no engine")
	}
	token := cfg.Token
	if err := CheckToken(token); token != "" && err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if token == "" {
		b := make([]byte, 16) // 128 bits
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		token = hex.EncodeToString(b)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{cfg: cfg, token: token, hub: newHub(), streams: newAddrCount(maxStreamsPerAddr),
		sessions: newSecrets(sessionLife, maxSessions), codes: newSecrets(codeLife, maxCodes), lessons: map[string]*served{},
		runs: map[string]*runState{}, active: map[string]*runState{}, ctx: ctx, cancel: cancel}
	s.hosts = allowedHosts(cfg)
	keys := make([]string, len(cfg.Files))
	for i, f := range cfg.Files {
		rel, err := filepath.Rel(cfg.Root, f)
		if err != nil || strings.HasPrefix(rel, "..") {
			cancel()
			return nil, fmt.Errorf("serve: %s is not under %s", f, cfg.Root)
		}
		keys[i] = filepath.ToSlash(rel)
		if hidden(keys[i]) {
			cancel()
			return nil, fmt.Errorf("serve: %s is a hidden file (its name or a directory's starts with a dot): not served", keys[i])
		}
	}
	pages, err := site.PageNames(keys, ".html")
	if err != nil {
		cancel()
		return nil, fmt.Errorf("serve: %w", err)
	}
	for i, key := range keys {
		sv := &served{key: key, file: cfg.Files[i], page: pages[path.Base(key)]}
		sv.lesson, sv.err = cfg.Engine.Load(key, cfg.Files[i])
		s.lessons[key] = sv
		s.order = append(s.order, key)
	}
	sort.Strings(s.order)
	if cfg.LAN {
		if s.class, err = newClassState(cfg, s.lessons, s.order); err != nil {
			cancel()
			return nil, fmt.Errorf("serve: %w", err)
		}
	}
	go s.hub.flushLoop(ctx)
	return s, nil
}

// MinTokenLength is the shortest token a teacher may choose.
const MinTokenLength = 16

// CheckToken says what is wrong with a token the teacher chose, or nil: it must be at least MinTokenLength
// characters, all letters, digits, '-', '_', '.' or '~', so that it is hard to guess and goes into a URL and
// a header as it is.
func CheckToken(t string) error {
	for i, r := range t {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.~", r)) {
			return fmt.Errorf("the token has %q at character %d: use only letters, digits, '-', '_', '.' and '~'", r, i+1)
		}
	}
	if len(t) < MinTokenLength {
		return fmt.Errorf("the token is %d characters long: it needs at least %d", len(t), MinTokenLength)
	}
	return nil
}

// hidden reports whether a slash-separated path names a hidden file or a file in a hidden directory, which
// are never served: .answers.md is the teacher's.
func hidden(key string) bool { return files.Hidden(key) }

// Token returns the teacher's token.
func (s *Server) Token() string { return s.token }

// Lessons returns the number of lessons served.
func (s *Server) Lessons() int { return len(s.order) }

// Close stops every run and every program the server started, and waits for them.
func (s *Server) Close() {
	s.cancel()
	s.wg.Wait()
	s.hub.close()
	s.sessions.revoke()
	s.codes.revoke()
}

// lesson returns the lesson with key, or nil.
func (s *Server) lesson(key string) *served {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lessons[key]
}

// byPage returns the lesson whose page is name, or nil.
func (s *Server) byPage(name string) *served {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sv := range s.lessons {
		if sv.page == name {
			return sv
		}
	}
	return nil
}

// Handler returns the server's routes behind its security rules.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /{page}", s.pageHandler)
	mux.HandleFunc("GET "+filesPrefix+"{path...}", s.courseFile)
	mux.HandleFunc("GET /api/events", s.events)
	mux.HandleFunc("POST /api/run", s.run)
	mux.HandleFunc("POST /api/stop", s.stop)
	mux.HandleFunc("POST /api/accept", s.accept)
	mux.HandleFunc("GET /api/notes", s.notesHandler)
	mux.HandleFunc("POST /api/notes", s.hideNotes)
	if s.class != nil {
		mux.HandleFunc("POST "+reportPath, s.report)
		mux.HandleFunc("GET /api/class", s.classHandler)
	}
	return s.secure(mux)
}
