package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/internal/testkit"
)

// A panicking handler answers 500 with the generic problem, and the panic
// and its stack go to the log, whatever the sampling.
func TestPanicIsA500AndLogged(t *testing.T) {
	ds := testkit.Small(t)
	var logs bytes.Buffer
	s, err := New(Deps{Dataset: ds, Logger: slog.New(slog.NewTextHandler(&logs, nil))}, Config{LogSample: 1000})
	require.NoError(t, err)
	s.e.GET("/boom", func(echo.Context) error { panic("the dataset is on fire") })
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.Contains(t, rec.Body.String(), "the server failed to answer")
	assert.NotContains(t, rec.Body.String(), "on fire")
	assert.Contains(t, logs.String(), "the dataset is on fire")
	assert.Contains(t, logs.String(), "log_test.go", "the stack is logged")
	assert.Contains(t, logs.String(), "status=500")
}
