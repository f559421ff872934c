package server

import (
	"strconv"
	"strings"
)

// accepted is one entry of an Accept or Accept-Encoding header: a media
// range or a coding, lower-cased, and its weight.
type accepted struct {
	name string
	q    float64
}

// parseAccept reads a whole Accept or Accept-Encoding header (RFC 9110
// §12.4.2, §12.5.1, §12.5.3), the one parser of both: entries separated
// by commas, each with parameters after semicolons, q the weight (1 when
// absent). A q that is not a number from 0 to 1 accepts nothing: the
// client meant to weigh the entry and we cannot tell how, so it gets q=0
// rather than a guess.
func parseAccept(header string) []accepted {
	var out []accepted
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || !(f >= 0 && f <= 1) {
				f = 0
			}
			q = f
		}
		out = append(out, accepted{name, q})
	}
	return out
}
