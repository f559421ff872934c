package server

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/frontline/frontline/geo"
)

// Details of 5xx are logged, never sent; domain kinds map to their status.
func TestHandleError(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	tests := []struct {
		err    error
		status int
		body   string
	}{
		{errors.New("disk /secret/path failed"), 500, "the server failed to answer; the error is logged"},
		{geo.Errorf(geo.KindInvalid, "bad thing"), 400, "bad thing"},
		{geo.Errorf(geo.KindNotFound, "no such"), 404, "no such"},
		{geo.Errorf(geo.KindOutOfRange, "too early"), 404, "too early"},
		// A kind missing from the table is the server's failure.
		{&geo.Error{Kind: geo.Kind(99), Msg: "unmapped /secret/path"}, 500, "the server failed to answer; the error is logged"},
	}
	for _, tt := range tests {
		logs.Reset()
		s.e = s.routes()
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		rec := httptest.NewRecorder()
		s.handleError(tt.err, s.e.NewContext(req, rec))
		assert.Equal(t, tt.status, rec.Code)
		assert.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))
		assert.Contains(t, rec.Body.String(), tt.body)
		assert.NotContains(t, rec.Body.String(), "/secret/path")
		if tt.status >= 500 {
			assert.Contains(t, logs.String(), "/secret/path", "the cause is logged")
		}
	}
}
