package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// manifestName is the marker of every folder frontline writes: a manifest
// naming the tool, its version, the command and every file written. Only a
// folder holding it, and nothing else than the files it lists, is ever
// replaced; geo.Load reads only the dataset files it knows, so a dataset
// written by synth loads with it.
const manifestName = ".frontline-output.json"

// maxManifestBytes caps the manifest read back: a ten-year export lists
// about 11,000 files, under 1 MB.
const maxManifestBytes = 64 << 20

// manifest is the content of manifestName.
type manifest struct {
	Tool    string `json:"tool"`
	Version string `json:"version"`
	Command string `json:"command"`
	// Complete is false while the folder is DIR.partial.
	Complete bool `json:"complete"`
	// Host and PID name the process writing DIR.partial, so that another
	// run does not clear a folder still being written.
	Host  string          `json:"host,omitempty"`
	PID   int             `json:"pid,omitempty"`
	Files []manifestEntry `json:"files"`
}

type manifestEntry struct {
	Path  string `json:"path"` // slash-separated, relative to the folder
	Bytes int64  `json:"bytes"`
	// Modified is the file's modification time as written (Unix
	// nanoseconds): an edit that keeps the size changes it. Absent in
	// manifests of earlier versions.
	Modified int64 `json:"modified,omitempty"`
}

const toolName = "frontline"

// outDir writes a folder as one unit: every file goes into DIR.partial,
// and commit swaps it in for DIR. A run that stops half-way leaves DIR as
// it was and DIR.partial behind, recognisably incomplete; the next run
// clears it. A re-run leaves no stale file of the old run. It is the one
// atomic writer of folders on the command line, and the one place that
// keeps the rules that no user file is lost:
//   - DIR is resolved first (symbolic links, the current folder); the root,
//     the home folder, the current folder and any folder holding one of
//     them are refused, since DIR is replaced whole;
//   - an existing DIR is replaced only when it is empty, or frontline's
//     output of the same command holding nothing but the files its
//     manifest lists, unchanged (size and modification time);
//   - DIR.partial is cleared only when it carries frontline's manifest
//     and the run that wrote it is over (a run that is still writing it,
//     on this machine, is not disturbed);
//   - the swap moves the old DIR into a folder of a unique name made by
//     this run (os.MkdirTemp), never into a fixed name such as DIR.old.
type outDir struct {
	final, partial string
	command        string
	files          int
}

// newOutDir checks dir against the rules above and makes DIR.partial for
// the output of command (export, synth, …: a folder of one command is not
// replaced by another's).
func newOutDir(dir, command string) (*outDir, error) {
	final, err := checkOutDir(dir, command)
	if err != nil {
		return nil, err
	}
	o := &outDir{final: final, partial: final + ".partial", command: command}
	if err := clearPartial(o.partial); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(o.partial), 0o755); err != nil {
		return nil, err
	}
	if err := os.Mkdir(o.partial, 0o755); err != nil {
		return nil, err
	}
	// The manifest goes in first, so that an interrupted run's folder is
	// recognisably frontline's and the next run may clear it.
	if err := o.writeManifest(false); err != nil {
		o.abort()
		return nil, err
	}
	return o, nil
}

// checkOutDir applies the rules above to dir and its DIR.partial without
// writing anything, and returns dir resolved. A command whose work takes
// long (import-polygons, export) calls it before that work, so that a
// folder it may not replace is refused at once rather than at the end;
// newOutDir checks again when it makes DIR.partial.
func checkOutDir(dir, command string) (string, error) {
	if dir == "" {
		return "", errors.New("--out DIR is required")
	}
	final, err := resolveOutPath(dir)
	if err != nil {
		return "", err
	}
	if err := refuseHolding(final); err != nil {
		return "", err
	}
	if err := checkReplaceable(final, command); err != nil {
		return "", err
	}
	if _, err := checkPartial(final + ".partial"); err != nil {
		return "", err
	}
	return final, nil
}

// resolveOutPath makes dir absolute and follows symbolic links on its way
// (the nearest existing ancestor, for a folder yet to be made), so that
// ".", "..", a link and the checks below all see the real folder.
func resolveOutPath(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	var rest []string
	for p := abs; ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); err == nil {
			real, err := filepath.EvalSymlinks(p)
			if err != nil {
				return "", fmt.Errorf("%s: %w", dir, err)
			}
			for i := len(rest) - 1; i >= 0; i-- {
				real = filepath.Join(real, rest[i])
			}
			return real, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if filepath.Dir(p) == p {
			return abs, nil
		}
		rest = append(rest, filepath.Base(p))
	}
}

// refuseHolding refuses the root, the home folder, the current folder and
// any folder holding one of them: replacing it whole would move the shell
// out from under the user or sweep away far more than an output.
func refuseHolding(final string) error {
	if filepath.Dir(final) == final {
		return fmt.Errorf("--out %s is the root of the file system: give a new folder for the output, such as /tmp/export", final)
	}
	for _, p := range []struct{ what, path string }{{"your home folder", homeDir()}, {"the current folder", currentDir()}} {
		if p.path != "" && within(p.path, final) {
			return fmt.Errorf("--out %s is or holds %s (%s), and the output folder is replaced whole: give a new folder, such as %s",
				final, p.what, p.path, filepath.Join(p.path, "frontline-out"))
		}
	}
	return nil
}

func homeDir() string {
	h, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	if r, err := filepath.EvalSymlinks(h); err == nil {
		return r
	}
	return h
}

func currentDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	if r, err := filepath.EvalSymlinks(wd); err == nil {
		return r
	}
	return wd
}

// within reports whether path is dir or inside it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// checkReplaceable returns nil when dir does not exist, is empty, or is a
// complete output of command holding only the files its manifest lists.
func checkReplaceable(dir, command string) error {
	st, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory: give a folder to write into", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	m, err := readManifest(dir)
	if err != nil {
		return fmt.Errorf("%s holds files but %v, so frontline did not write it: give a new or empty folder "+
			"(the output folder is replaced whole)", dir, err)
	}
	if m.Command != command {
		return fmt.Errorf("%s is the output of frontline %s, not of %s: give another folder for the %s output", dir, m.Command, command, command)
	}
	if !m.Complete {
		return fmt.Errorf("%s is an unfinished output (its manifest %s says so): delete it or give another folder", dir, manifestName)
	}
	if foreign := foreignFiles(dir, m); len(foreign) > 0 {
		const show = 5
		list := strings.Join(foreign[:min(len(foreign), show)], ", ")
		if len(foreign) > show {
			list += fmt.Sprintf(" and %d more", len(foreign)-show)
		}
		return fmt.Errorf("%s is an earlier output of frontline %s, but holds what frontline did not write (%s): "+
			"move those elsewhere or give another folder (the output folder is replaced whole)", dir, command, list)
	}
	return nil
}

// readManifest reads dir's manifest: a regular file of frontline's.
func readManifest(dir string) (*manifest, error) {
	p := filepath.Join(dir, manifestName)
	st, err := os.Lstat(p)
	if err != nil {
		return nil, fmt.Errorf("no %s", manifestName)
	}
	if !st.Mode().IsRegular() || st.Size() > maxManifestBytes {
		return nil, fmt.Errorf("its %s is not a frontline manifest", manifestName)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Tool != toolName {
		return nil, fmt.Errorf("its %s is not a frontline manifest", manifestName)
	}
	return &m, nil
}

// foreignFiles lists what dir holds beyond its manifest: files it does not
// name, files whose size or modification time changed, links, and folders
// no listed file is in.
func foreignFiles(dir string, m *manifest) []string {
	want := make(map[string]manifestEntry, len(m.Files))
	dirs := map[string]bool{".": true}
	for _, f := range m.Files {
		want[f.Path] = f
		for d := path.Dir(f.Path); !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	var foreign []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case rel == manifestName:
		case d.IsDir():
			if !dirs[rel] {
				foreign = append(foreign, rel+"/")
				return fs.SkipDir
			}
		case !d.Type().IsRegular():
			foreign = append(foreign, rel)
		default:
			f, ok := want[rel]
			info, err := d.Info()
			if err != nil {
				return err
			}
			if !ok {
				foreign = append(foreign, rel)
			} else if info.Size() != f.Bytes || (f.Modified != 0 && info.ModTime().UnixNano() != f.Modified) {
				foreign = append(foreign, rel+" (changed since it was written)")
			}
		}
		return nil
	})
	if err != nil {
		foreign = append(foreign, fmt.Sprintf("(unreadable: %v)", err))
	}
	sort.Strings(foreign)
	return foreign
}

// checkPartial reports whether DIR.partial exists, and refuses it unless
// it is a folder that is empty or carries frontline's manifest.
func checkPartial(partial string) (exists bool, err error) {
	st, err := os.Lstat(partial)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !st.IsDir() {
		return true, fmt.Errorf("%s is in the way and is not an unfinished output of frontline: move it elsewhere", partial)
	}
	entries, err := os.ReadDir(partial)
	if err != nil {
		return true, err
	}
	if len(entries) > 0 {
		m, err := readManifest(partial)
		if err != nil {
			return true, fmt.Errorf("%s holds files but %v, so it is not an unfinished output of frontline: "+
				"move it elsewhere (frontline writes its output there first)", partial, err)
		}
		if host, _ := os.Hostname(); !m.Complete && m.PID > 0 && m.Host == host && running(m.PID) {
			return true, fmt.Errorf("%s is being written by frontline %s (process %d): wait until it is done, "+
				"or, if that process is no frontline, delete %s", partial, m.Command, m.PID, partial)
		}
	}
	return true, nil
}

// running reports whether a process pid exists on this machine.
func running(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// clearPartial removes DIR.partial left by an interrupted run, but only a
// folder that carries frontline's manifest (or an empty one).
func clearPartial(partial string) error {
	exists, err := checkPartial(partial)
	if !exists || err != nil {
		return err
	}
	if err := os.RemoveAll(partial); err != nil {
		return fmt.Errorf("clearing %s left by an interrupted run: %w", partial, err)
	}
	return nil
}

// writeManifest writes the manifest into DIR.partial: at the start, to
// mark it, and at commit, complete with every file written.
func (o *outDir) writeManifest(complete bool) error {
	m := manifest{Tool: toolName, Version: version, Command: o.command, Complete: complete, Files: []manifestEntry{}}
	if !complete {
		m.Host, _ = os.Hostname()
		m.PID = os.Getpid()
	}
	if complete {
		err := filepath.WalkDir(o.partial, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(o.partial, p)
			if err != nil || rel == manifestName {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			m.Files = append(m.Files, manifestEntry{Path: filepath.ToSlash(rel), Bytes: info.Size(), Modified: info.ModTime().UnixNano()})
			return nil
		})
		if err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(o.partial, manifestName), append(b, '\n'), 0o644)
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

// commit replaces DIR with the finished DIR.partial. DIR is checked again
// (a long export leaves time to put a file into it) and moved into a
// folder of a unique name of this run's own before the swap, then removed.
func (o *outDir) commit() error {
	if err := o.writeManifest(true); err != nil {
		return err
	}
	if err := checkReplaceable(o.final, o.command); err != nil {
		return fmt.Errorf("%w; the new output is left in %s", err, o.partial)
	}
	if _, err := os.Lstat(o.final); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(o.partial, o.final)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(o.final), "."+filepath.Base(o.final)+".replaced-*")
	if err != nil {
		return err
	}
	old := filepath.Join(tmp, filepath.Base(o.final))
	if err := os.Rename(o.final, old); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Rename(o.partial, o.final); err != nil {
		if rerr := os.Rename(old, o.final); rerr != nil {
			return fmt.Errorf("%w; the earlier output is in %s", err, old)
		}
		_ = os.Remove(tmp)
		return err
	}
	return os.RemoveAll(tmp)
}

// abort removes DIR.partial after a failure that was reported.
func (o *outDir) abort() { _ = os.RemoveAll(o.partial) }
