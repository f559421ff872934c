package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/server"
)

// syncBuffer is a bytes.Buffer safe for the logger's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Serve answers on a real socket, logs each request as a structured
// record, and returns nil after a graceful shutdown when its context ends.
func TestServeLogsAndShutsDownGracefully(t *testing.T) {
	ds, err := geo.LoadDir(os.DirFS("../geo/testdata/small"), "small")
	require.NoError(t, err)
	var logs syncBuffer
	srv, err := server.New(server.Deps{Dataset: ds, Logger: slog.New(slog.NewJSONHandler(&logs, nil))}, server.Config{})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/api/stats/2016-11-20")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after its context was cancelled")
	}
	_, err = http.Get("http://" + ln.Addr().String() + "/healthz")
	assert.Error(t, err, "the listener is closed after shutdown")

	var found bool
	for _, line := range bytes.Split([]byte(logs.String()), []byte("\n")) {
		var rec map[string]any
		if json.Unmarshal(line, &rec) != nil || rec["msg"] != "request" {
			continue
		}
		found = true
		assert.Equal(t, "/api/stats/2016-11-20", rec["uri"])
		assert.Equal(t, float64(200), rec["status"])
		assert.Equal(t, "GET", rec["method"])
	}
	assert.True(t, found, "no request record in the log:\n%s", logs.String())
}
