package geo

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"strings"
)

// DefaultMaxFileBytes is the default cap on the size of one dataset file:
// far above any real dataset (the control.csv of 5,250 synthetic districts
// changing every day for ten years is 36–54 MB), low enough that a runaway
// file is stopped before it exhausts memory.
const DefaultMaxFileBytes = 512 << 20

// maxLinks bounds how many symbolic links a dataset file may go through.
const maxLinks = 8

// openFile opens a dataset file after checking that it is a regular file
// (a FIFO or a device would block or never end) inside the dataset
// directory (a symbolic link may point to another file of the directory,
// nowhere else), no larger than limit bytes. The returned reader fails once
// more than limit bytes have been read (files can grow) and feeds h.
func openFile(fsys fs.FS, name string, limit int64, h hash.Hash) (io.ReadCloser, error) {
	target, err := resolveLinks(fsys, name)
	if err != nil {
		return nil, err
	}
	st, err := fs.Stat(fsys, target)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("is %s, not a regular file: a dataset file must be a plain file", describeMode(st.Mode()))
	}
	if st.Size() > limit {
		return nil, sizeError(limit)
	}
	f, err := fsys.Open(target)
	if err != nil {
		return nil, err
	}
	// The file may have been swapped since the Stat: check what is open.
	st, err = f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, errors.New("changed into something other than a regular file while it was opened")
	}
	if st.Size() > limit {
		f.Close()
		return nil, sizeError(limit)
	}
	fmt.Fprintf(h, "%s %d\n", name, st.Size())
	return &limitedFile{f: f, left: limit, limit: limit, size: st.Size(), h: h}, nil
}

// resolveLinks follows symbolic links from name, when fsys can tell them,
// and returns the regular path they lead to; links that leave the directory
// are refused.
func resolveLinks(fsys fs.FS, name string) (string, error) {
	rl, ok := fsys.(fs.ReadLinkFS)
	if !ok {
		return name, nil
	}
	cur := name
	for range maxLinks {
		st, err := rl.Lstat(cur)
		if err != nil {
			return "", err
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			return cur, nil
		}
		to, err := rl.ReadLink(cur)
		if err != nil {
			return "", err
		}
		next := path.Join(path.Dir(cur), to)
		if path.IsAbs(to) || !fs.ValidPath(next) || next == "." || strings.HasPrefix(to, "\\") {
			return "", fmt.Errorf("is a symbolic link to %q, outside the dataset directory: copy the file into the directory instead", to)
		}
		// A directory on the way may itself be a link out of the directory.
		for dir := path.Dir(next); dir != "."; dir = path.Dir(dir) {
			if st, err := rl.Lstat(dir); err == nil && st.Mode()&fs.ModeSymlink != 0 {
				return "", fmt.Errorf("is a symbolic link to %q, through the symbolic link %q: copy the file into the dataset directory instead", to, dir)
			}
		}
		cur = next
	}
	return "", fmt.Errorf("goes through more than %d symbolic links: point it at the file itself", maxLinks)
}

func describeMode(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file (" + m.String() + ")"
}

func sizeError(limit int64) error {
	return fmt.Errorf("is larger than the limit of %s: raise the limit (--max-file-mb) if the file is right", mib(limit))
}

func mib(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// limitedFile reads at most limit bytes of f, failing past them, and feeds
// every byte read to h. A file whose length differs from its size when it
// was opened has changed while it was read, and fails too.
type limitedFile struct {
	f     fs.File
	left  int64
	limit int64
	size  int64 // as opened
	n     int64 // read so far
	h     hash.Hash
}

func (l *limitedFile) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One byte more than allowed tells a file of exactly limit bytes
		// from a longer one.
		var one [1]byte
		if n, _ := l.f.Read(one[:]); n > 0 {
			return 0, sizeError(l.limit)
		}
		return 0, l.eof()
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.f.Read(p)
	l.left -= int64(n)
	l.n += int64(n)
	l.h.Write(p[:n])
	if errors.Is(err, io.EOF) {
		err = l.eof()
	}
	return n, err
}

func (l *limitedFile) eof() error {
	if l.n != l.size {
		return fmt.Errorf("changed while it was read (%d bytes when opened, %d read): read it again once it is written", l.size, l.n)
	}
	return io.EOF
}

func (l *limitedFile) Close() error { return l.f.Close() }

// readAll reads a whole dataset file through openFile.
func readAll(fsys fs.FS, name string, limit int64, h hash.Hash) ([]byte, error) {
	f, err := openFile(fsys, name, limit, h)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// newVersionHash returns the hash that versions a dataset.
func newVersionHash() hash.Hash { return sha256.New() }
