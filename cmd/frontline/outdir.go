package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// outDir writes a folder as one unit: every file goes into DIR.partial,
// and commit swaps it in for DIR. A run that stops half-way leaves DIR as
// it was and DIR.partial behind, recognisably incomplete; the next run
// clears it. A re-run leaves no stale file of the old run. It is the one
// atomic writer of the command line.
type outDir struct {
	final, partial string
	// marker is a file every folder this command writes holds: an existing
	// DIR without it is not replaced.
	marker string
	files  int
}

func newOutDir(dir, marker string) (*outDir, error) {
	dir = filepath.Clean(dir)
	o := &outDir{final: dir, partial: dir + ".partial", marker: marker}
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return nil, fmt.Errorf("%s is not a directory: give a folder to write into", dir)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(filepath.Join(dir, marker)); len(entries) > 0 && err != nil {
			return nil, fmt.Errorf("%s holds files but no %s, so it is not an earlier output of this command: "+
				"give a new or empty folder (it would be replaced whole)", dir, marker)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := os.RemoveAll(o.partial); err != nil {
		return nil, fmt.Errorf("clearing %s left by an interrupted run: %w", o.partial, err)
	}
	if err := os.MkdirAll(o.partial, 0o755); err != nil {
		return nil, err
	}
	return o, nil
}

// path returns where rel is written until commit, creating its folder.
func (o *outDir) path(rel string) (string, error) {
	p := filepath.Join(o.partial, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", err
	}
	o.files++
	return p, nil
}

// write streams one file: write gets a buffered writer and the file is
// closed (and its errors reported) when it returns.
func (o *outDir) write(rel string, write func(w io.Writer) error) error {
	p, err := o.path(rel)
	if err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", rel, err)
	}
	return nil
}

func (o *outDir) writeBytes(rel string, b []byte) error {
	return o.write(rel, func(w io.Writer) error { _, err := w.Write(b); return err })
}

// commit replaces DIR with the finished DIR.partial.
func (o *outDir) commit() error {
	old := o.final + ".old"
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if _, err := os.Stat(o.final); err == nil {
		if err := os.Rename(o.final, old); err != nil {
			return err
		}
	}
	if err := os.Rename(o.partial, o.final); err != nil {
		return err
	}
	return os.RemoveAll(old)
}

// abort removes DIR.partial after a failure that was reported.
func (o *outDir) abort() { _ = os.RemoveAll(o.partial) }
