package geo

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Kind classifies domain errors so that adapters (HTTP, CLI) can map them to
// their own codes in one place.
type Kind int

// Error kinds.
const (
	KindInternal   Kind = iota // a bug or an environment failure
	KindInvalid                // the caller's input is malformed
	KindNotFound               // the thing asked for does not exist
	KindOutOfRange             // a date outside the dataset's range
)

// Error is a domain error with a kind and a message meant for the user.
type Error struct {
	Kind Kind
	Msg  string
}

// Error returns the message.
func (e *Error) Error() string { return e.Msg }

// Errorf returns an *Error of the given kind.
func Errorf(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of err, KindInternal when err is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// Severity says whether a Problem stops a dataset from loading.
type Severity int

// Severities.
const (
	SeverityError Severity = iota
	SeverityWarning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Problem is one finding about a dataset file: where it is (file and line,
// or feature) and what to do about it.
type Problem struct {
	File     string
	Line     int    // 1-based line in File, 0 when the finding is about a feature or the whole file
	Feature  string // feature id or "#index" in a GeoJSON file
	Severity Severity
	Msg      string
}

// String formats p as "file:line: feature X: severity: message".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	if p.Feature != "" {
		fmt.Fprintf(&b, ": feature %s", p.Feature)
	}
	fmt.Fprintf(&b, ": %s: %s", p.Severity, p.Msg)
	return b.String()
}

// ValidationError carries every problem found while loading a dataset,
// errors and warnings, in file order.
type ValidationError struct {
	Problems []Problem
}

// Error lists every problem, one per line.
func (e *ValidationError) Error() string {
	n := 0
	for _, p := range e.Problems {
		if p.Severity == SeverityError {
			n++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "dataset has %d error(s):", n)
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// maxProblemsPerFile bounds the problems listed for one file: a hostile or
// garbled file could otherwise yield one per line, millions of them.
const maxProblemsPerFile = 1000

// problems collects findings and knows whether any is an error. It lists at
// most maxProblemsPerFile problems per file and counts the rest.
type problems struct {
	list   []Problem
	errors int            // errors found, listed or not
	count  map[string]int // problems found per file
	hidden []hiddenCount  // files with problems not listed, in order
}

type hiddenCount struct {
	file           string
	errors, others int
}

func (ps *problems) add(p Problem) {
	if p.Severity == SeverityError {
		ps.errors++
	}
	if ps.count == nil {
		ps.count = map[string]int{}
	}
	ps.count[p.File]++
	if ps.count[p.File] <= maxProblemsPerFile {
		ps.list = append(ps.list, p)
		return
	}
	i := slices.IndexFunc(ps.hidden, func(h hiddenCount) bool { return h.file == p.File })
	if i < 0 {
		ps.hidden = append(ps.hidden, hiddenCount{file: p.File})
		i = len(ps.hidden) - 1
	}
	if p.Severity == SeverityError {
		ps.hidden[i].errors++
	} else {
		ps.hidden[i].others++
	}
}

// full reports whether no more problems of file would be listed, so that
// costly messages (suggestions) need not be made.
func (ps *problems) full(file string) bool { return ps.count[file] >= maxProblemsPerFile }

// finish lists, per file, how many problems were not listed. Call it once,
// when all files are read.
func (ps *problems) finish() []Problem {
	for _, h := range ps.hidden {
		sev := SeverityWarning
		if h.errors > 0 {
			sev = SeverityError
		}
		ps.list = append(ps.list, Problem{File: h.file, Severity: sev, Msg: fmt.Sprintf(
			"%d more problem(s) (%d error(s), %d warning(s)) are not listed: fix the first %d and validate again",
			h.errors+h.others, h.errors, h.others, maxProblemsPerFile)})
	}
	ps.hidden = nil
	return ps.list
}

func (ps *problems) errorf(file string, line int, format string, args ...any) {
	ps.add(Problem{File: file, Line: line, Severity: SeverityError, Msg: fmt.Sprintf(format, args...)})
}

func (ps *problems) warnf(file string, line int, format string, args ...any) {
	ps.add(Problem{File: file, Line: line, Severity: SeverityWarning, Msg: fmt.Sprintf(format, args...)})
}

func (ps *problems) featureErrorf(file, feature string, format string, args ...any) {
	ps.add(Problem{File: file, Feature: feature, Severity: SeverityError, Msg: fmt.Sprintf(format, args...)})
}

func (ps *problems) featureWarnf(file, feature string, format string, args ...any) {
	ps.add(Problem{File: file, Feature: feature, Severity: SeverityWarning, Msg: fmt.Sprintf(format, args...)})
}

func (ps *problems) hasErrors() bool { return ps.errors > 0 }
