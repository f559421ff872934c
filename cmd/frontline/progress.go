package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// progress draws a bar on a terminal and stays quiet otherwise.
type progress struct {
	w     io.Writer
	on    bool
	n, of int
}

func newProgress(w io.Writer, of int) *progress {
	on := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			on = true
		}
	}
	return &progress{w: w, on: on, of: of}
}

func (p *progress) step(what string) {
	p.n++
	if !p.on {
		return
	}
	const width = 30
	fill := width * p.n / p.of
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d %-12s", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), p.n, p.of, what)
}

func (p *progress) done() {
	if p.on {
		fmt.Fprintln(p.w)
	}
}
