package server

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
)

// statusOf maps domain error kinds to HTTP status codes, in one place.
var statusOf = map[geo.Kind]int{
	geo.KindInvalid:    http.StatusBadRequest,
	geo.KindNotFound:   http.StatusNotFound,
	geo.KindOutOfRange: http.StatusNotFound,
	geo.KindInternal:   http.StatusInternalServerError,
}

// statusFor returns the status of a domain error kind: 500 for a kind the
// table lacks (a new kind nobody mapped is a bug, not the client's fault).
func statusFor(k geo.Kind) int {
	if s, ok := statusOf[k]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// problem is an RFC 9457 problem details object.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// handleError is the one place errors become responses. Details of 5xx
// are logged, never sent.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, detail := http.StatusInternalServerError, ""
	var he *echo.HTTPError
	var ge *geo.Error
	var busy *errBusy
	switch {
	case errors.As(err, &busy):
		c.Response().Header().Set("Retry-After", strconv.Itoa(busy.seconds()))
		status, detail = http.StatusServiceUnavailable, busy.Error()
	case errors.As(err, &ge):
		status, detail = statusFor(ge.Kind), ge.Msg
	case errors.As(err, &he):
		status = he.Code
		if m, ok := he.Message.(string); ok {
			detail = m
		}
	}
	if status >= 500 && busy == nil {
		s.log.ErrorContext(c.Request().Context(), "request failed", slog.String("uri", clip(c.Request().RequestURI, 1024)), slog.Any("error", err))
		detail = "the server failed to answer; the error is logged"
	}
	// Details and paths quote the request: cut them short.
	p := problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: clip(detail, 300), Instance: clip(c.Request().URL.Path, 200)}
	b, _ := json.Marshal(p)
	h := c.Response().Header()
	h.Del("ETag")
	h.Del("Content-Encoding")
	h.Set("Cache-Control", "no-store")
	if c.Request().Method == http.MethodHead {
		// HEAD describes the body GET would get.
		h.Set("Content-Type", "application/problem+json")
		h.Set("Content-Length", strconv.Itoa(len(b)))
		_ = c.NoContent(status)
		return
	}
	_ = c.Blob(status, "application/problem+json", b)
}
