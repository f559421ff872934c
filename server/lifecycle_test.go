package server_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/internal/testkit"
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
	ds := testkit.Small(t)
	var logs syncBuffer
	srv, err := server.New(server.Deps{Dataset: ds, Logger: slog.New(slog.NewJSONHandler(&logs, nil))}, server.Config{})
	require.NoError(t, err)
	base, stop := testkit.Serve(t, srv.Serve)

	resp, err := http.Get(base + "/api/stats/2016-11-20")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	assert.NoError(t, stop(), "Serve returns nil after a graceful shutdown")
	_, err = http.Get(base + "/healthz")
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
