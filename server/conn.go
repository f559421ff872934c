package server

import (
	"context"
	"io"
	"net"
	"net/http"
)

// net/http writes a response's headers and a body larger than its 4 KB
// buffer in two system calls: the buffer when it fills, then the rest.
// For the small cached answers that most requests get, that second call is
// a large share of the cost; nginx sends headers and body with one writev.
// A writevConn does the same for cached bodies: while armed by
// response.serve, it holds back what net/http writes (the headers and the
// body's first bytes) and sends it together with the rest of the body,
// which net/http hands over through io.ReaderFrom, in one writev.

// writevConn is an accepted connection that can join the headers and the
// body of a response into one writev.
type writevConn struct {
	net.Conn
	armed   bool
	pending []byte // written while armed, not yet sent
}

// writevListener wraps every accepted connection in a writevConn.
type writevListener struct{ net.Listener }

func (l writevListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &writevConn{Conn: c}, nil
}

type connKey struct{}

// withConn is http.Server's ConnContext: requests find their connection.
func withConn(ctx context.Context, c net.Conn) context.Context {
	if wc, ok := c.(*writevConn); ok {
		return context.WithValue(ctx, connKey{}, wc)
	}
	return ctx
}

func (c *writevConn) Write(p []byte) (int, error) {
	if c.armed {
		c.pending = append(c.pending, p...)
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// ReadFrom sends what is pending and the rest of a body in one writev;
// net/http calls it once the headers are written.
func (c *writevConn) ReadFrom(r io.Reader) (int64, error) {
	if br, ok := r.(*bodyReader); ok && c.armed {
		rest := br.b[br.off:]
		br.off = len(br.b)
		c.armed = false
		bufs := net.Buffers{c.pending, rest}
		n, err := bufs.WriteTo(c.Conn)
		sent := n - int64(len(c.pending))
		c.pending = c.pending[:0]
		return max(0, sent), err
	}
	if err := c.flush(); err != nil {
		return 0, err
	}
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(c.Conn, r)
}

// flush disarms and sends anything held back.
func (c *writevConn) flush() error {
	c.armed = false
	if len(c.pending) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.pending)
	c.pending = c.pending[:0]
	return err
}

// CloseWrite half-closes the connection, as net/http does before closing
// one on some errors.
func (c *writevConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// bodyReader reads a cached body; writevConn recognises it to take the
// rest of the body as it is.
type bodyReader struct {
	b   []byte
	off int
}

func (r *bodyReader) Read(p []byte) (int, error) {
	if r.off >= len(r.b) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.off:])
	r.off += n
	return n, nil
}

// writeBody writes a body whose headers are set (Content-Length included)
// and whose status is written: in one writev on a writevConn, else
// plainly. It returns the bytes of body written.
func writeBody(req *http.Request, w http.ResponseWriter, body []byte) (int64, error) {
	wc, _ := req.Context().Value(connKey{}).(*writevConn)
	rf, ok := w.(io.ReaderFrom)
	if wc == nil || !ok || len(body) <= 512 {
		n, err := w.Write(body)
		return int64(n), err
	}
	wc.armed = true
	n, err := rf.ReadFrom(&bodyReader{b: body})
	// Whatever path net/http took, nothing stays held back.
	if ferr := wc.flush(); err == nil {
		err = ferr
	}
	return n, err
}
