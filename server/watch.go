package server

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/frontline/frontline/geo"
)

// WatchQuiet is how long a dataset directory must be still before a
// change is loaded: a copy in progress writes more often than that.
const WatchQuiet = 500 * time.Millisecond

// datasetFiles are the files a change of which is a new version.
var datasetFiles = []string{geo.MetaFile, geo.SidesFile, geo.DistrictsFile, geo.ControlFile, geo.ReferencesFile}

// Watch reloads l when the dataset files in dir change, until ctx ends:
// once the directory has been quiet for WatchQuiet and the files' sizes
// and modification times have held still over a second such wait, so a
// copy in progress is not read half-written. A directory replaced whole
// by renames (DIR.partial renamed to DIR, as import-polygons and export
// write it) is followed: the parent directory is watched for DIR
// appearing again. It returns once watching has started, or why it could
// not.
func (l *Live) Watch(ctx context.Context, dir string) error {
	return watchDir(ctx, dir, WatchQuiet, func() {
		// Reload logs its outcome; calls made while one runs share the
		// next load, so the watcher never waits for one.
		go func() { _ = l.Reload(ctx) }()
	}, l.log)
}

// watchDir calls changed, from its own goroutine, each time the dataset
// files in dir have changed and then held still for quiet twice over;
// changed must not block for long.
func watchDir(ctx context.Context, dir string, quiet time.Duration, changed func(), log *slog.Logger) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watching %s: %w", dir, err)
	}
	parent := filepath.Dir(dir)
	for _, d := range []string{parent, dir} {
		if err := w.Add(d); err != nil {
			w.Close()
			return fmt.Errorf("watching %s: %w", d, err)
		}
	}
	go func() {
		defer w.Close()
		watchLoop(ctx, w, dir, quiet, changed, log)
	}()
	return nil
}

func watchLoop(ctx context.Context, w *fsnotify.Watcher, dir string, quiet time.Duration, changed func(), log *slog.Logger) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	// pending: a change not yet reported; seen: the files' state at the
	// last quiet moment, nil until the first.
	pending := false
	var seen []fileState
	for {
		select {
		case <-ctx.Done():
			return
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			// The kernel's queue overflowed: a change may have been lost.
			log.Warn("watching the dataset directory", "dir", dir, "err", err)
			pending, seen = true, nil
			timer.Reset(quiet)
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if !relevant(ev, dir) {
				continue
			}
			if ev.Name == dir && ev.Has(fsnotify.Create) {
				// DIR renamed into place: watch the new directory.
				if err := w.Add(dir); err != nil {
					log.Warn("watching the replaced dataset directory", "dir", dir, "err", err)
				}
			}
			pending, seen = true, nil
			timer.Reset(quiet)
		case <-timer.C:
			if !pending {
				continue
			}
			// Events can be missed (a watch re-added late, a file system
			// that reports nothing): compare the files themselves too.
			now := statFiles(dir)
			if seen == nil || !sameStates(seen, now) {
				seen = now
				timer.Reset(quiet)
				continue
			}
			pending, seen = false, nil
			// The directory may have been replaced without an event this
			// watcher saw: make sure the one at DIR is watched.
			_ = w.Add(dir)
			changed()
		}
	}
}

// relevant says whether ev may change the dataset: a dataset file in dir
// written, created, removed or renamed, or dir itself created, removed or
// renamed in its parent.
func relevant(ev fsnotify.Event, dir string) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	if ev.Name == dir {
		return true
	}
	if filepath.Dir(ev.Name) != dir {
		return false
	}
	base := filepath.Base(ev.Name)
	for _, f := range datasetFiles {
		if base == f {
			return true
		}
	}
	return false
}

// fileState is what a quiet file must keep between two looks.
type fileState struct {
	exists  bool
	size    int64
	modTime time.Time
}

func statFiles(dir string) []fileState {
	out := make([]fileState, len(datasetFiles))
	for i, f := range datasetFiles {
		if st, err := os.Stat(filepath.Join(dir, f)); err == nil {
			out[i] = fileState{exists: true, size: st.Size(), modTime: st.ModTime()}
		}
	}
	return out
}

func sameStates(a, b []fileState) bool {
	for i := range a {
		if a[i].exists != b[i].exists || a[i].size != b[i].size || !a[i].modTime.Equal(b[i].modTime) {
			return false
		}
	}
	return true
}
