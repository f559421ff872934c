package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/frontline/frontline/server"
	"github.com/frontline/frontline/web"
)

func runServe(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	var df datasetFlags
	df.register(fs)
	addr := fs.String("addr", ":8080", "listen address")
	logFormat := fs.String("log-format", "text", "request log format: text or json")
	timeout := fs.Duration("request-timeout", 30*time.Second, "longest time one request may take")
	tiles := fs.String("tiles", server.DefaultTileURL, "basemap tile URL template for the map page ({z}/{x}/{y}, optional {s}), or off")
	tilesCredit := fs.String("tiles-attribution", "", "credit line of --tiles (default: OpenStreetMap's, with the default tiles)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: give the dataset with --data DIR", fs.Arg(0))
	}
	if *logFormat != "text" && *logFormat != "json" {
		return fmt.Errorf("--log-format %q: use text or json", *logFormat)
	}
	if *timeout <= 0 {
		return fmt.Errorf("--request-timeout must be positive, got %s", *timeout)
	}
	if err := checkTileURL(*tiles); err != nil {
		return err
	}
	logOut := newLogWriter(stderr, 100*time.Millisecond)
	defer logOut.Close()
	var handler slog.Handler = slog.NewTextHandler(logOut, nil)
	if *logFormat == "json" {
		handler = slog.NewJSONHandler(logOut, nil)
	}
	log := slog.New(handler)
	ds, err := df.load(stderr)
	if err != nil {
		return err
	}
	srv, err := server.New(server.Deps{Dataset: ds, Assets: web.Assets(), Logger: log},
		server.Config{RequestTimeout: *timeout, Version: version, TileURL: *tiles, TileAttribution: *tilesCredit})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	r := ds.Range()
	log.Info("serving", "addr", *addr, "dataset", ds.Name, "title", ds.Meta.Title, "districts", len(ds.Districts), "range", r.String())
	fmt.Fprintf(stdout, "frontline %s: %s (%d districts, %s) on %s\n", version, ds.Meta.Title, len(ds.Districts), r, displayURL(*addr))
	return srv.ListenAndServe(ctx, *addr)
}

// displayURL turns a listen address into a URL a person can open.
func displayURL(addr string) string {
	if strings.HasPrefix(addr, ":") {
		return "http://localhost" + addr
	}
	return "http://" + addr
}

// checkTileURL accepts "off" or an http(s) URL template with {z}, {x} and {y}.
func checkTileURL(t string) error {
	if t == "off" {
		return nil
	}
	u, err := url.Parse(strings.ReplaceAll(t, "{s}", "a"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		!strings.Contains(t, "{z}") || !strings.Contains(t, "{x}") || !strings.Contains(t, "{y}") {
		return fmt.Errorf("--tiles %q: give an http(s) URL template with {z}, {x} and {y}, e.g. %s, or off", t, server.DefaultTileURL)
	}
	return nil
}
