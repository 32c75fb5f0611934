package serve

import (
	"context"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"classnotes/runner/engine"
	"classnotes/runner/lesson"
)

// debounce is how long the watcher waits after a change for more: an editor's save is several events (a
// temporary file written, renamed over the lesson), and a page should reload once.
const debounce = 100 * time.Millisecond

// Watch reloads a lesson when it, or a file of a snippet it uses, changes on disk, and tells the pages: reload,
// or error with the lesson's problems. It watches directories, not files, since editors save by renaming a
// new file over the old one, and ignores editors' temporary files. It returns when ctx is done.
func (s *Server) Watch(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	watched := map[string]bool{}
	s.watchDirs(w, watched)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	changed := map[string]bool{} // the files changed since the last reload

	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if lesson.EditorFile(ev.Name) || ev.Op == fsnotify.Chmod {
				continue
			}
			changed[ev.Name] = true
			timer.Reset(debounce)
		case <-w.Errors:
		case <-timer.C:
			s.reloadChanged(changed)
			changed = map[string]bool{}
			s.watchDirs(w, watched) // a lesson may now use another snippet
		}
	}
}

// affected reports whether a changed file matters to the lesson: it is the lesson file itself, or a file in
// the package directory of one of its src= cells.
func (sv *served) affected(changed map[string]bool) bool {
	for f := range changed {
		if f == sv.file {
			return true
		}
		if sv.lesson == nil {
			continue
		}
		for _, p := range sv.lesson.Plan.Programs {
			if !p.IsInline() && filepath.Dir(f) == p.Dir {
				return true
			}
		}
	}
	return false
}

// dirsOf returns the directories whose changes matter to a lesson: its own, and its src= packages'.
func (sv *served) dirsOf() []string {
	dirs := []string{filepath.Dir(sv.file)}
	if sv.lesson != nil {
		for _, p := range sv.lesson.Plan.Programs {
			if !p.IsInline() {
				dirs = append(dirs, p.Dir)
			}
		}
	}
	return dirs
}

// watchDirs adds the directories of every lesson that are not watched yet.
func (s *Server) watchDirs(w *fsnotify.Watcher, watched map[string]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sv := range s.lessons {
		for _, d := range sv.dirsOf() {
			if !watched[d] && w.Add(d) == nil {
				watched[d] = true
			}
		}
	}
}

// reloadChanged loads again the lessons that a change matters to, and tells the pages.
func (s *Server) reloadChanged(changed map[string]bool) {
	s.mu.Lock()
	var todo []*served
	for _, key := range s.order {
		if sv := s.lessons[key]; sv.affected(changed) {
			todo = append(todo, sv)
		}
	}
	s.mu.Unlock()
	for _, sv := range todo {
		s.reload(sv)
	}
}

// loadNow loads sv as it is on disk now and keeps what it found: the lesson, or why it does not load (the last
// lesson that loaded stays).
func (s *Server) loadNow(sv *served) (*engine.Lesson, error) {
	l, err := s.cfg.Engine.Load(sv.key, sv.file)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case err == nil && sv.lesson != nil && l.Unchanged(sv.lesson):
		l = sv.lesson // the runs of one version share it: a class runs a lesson hundreds of times
	case err == nil:
		sv.lesson = l
	}
	sv.err = err
	return l, err
}

// reload loads sv again and tells the pages.
func (s *Server) reload(sv *served) {
	if _, err := s.loadNow(sv); err != nil {
		s.hub.send(LessonError{Lesson: sv.key, Message: err.Error()})
		return
	}
	s.hub.send(Reload{Lesson: sv.key})
}
