package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/server"
	"github.com/frontline/frontline/web"
)

func runServe(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	var df datasetFlags
	df.register(fs)
	addr := fs.String("addr", ":8080", "listen address")
	logFormat := fs.String("log-format", "text", "request log format: text or json")
	logLevel := fs.String("log-level", "info", "lowest level logged: debug, info, warn or error (request lines are info; slow requests and 503 warn; 5xx error)")
	logSample := fs.Int("log-sample", 100, "log one in N requests (1: every request); slow requests and 5xx are always logged")
	timeout := fs.Duration("request-timeout", 30*time.Second, "longest a request waits for an answer to be computed; then 503 with Retry-After while it completes")
	cacheMB := fs.Int("cache-mb", 64, "memory for cached answers, MiB: past it the least recently used are dropped and computed again when asked for")
	tiles := fs.String("tiles", server.DefaultTileURL, "basemap tile URL template for the map page ({z}/{x}/{y}, optional {s}), or off")
	tilesCredit := fs.String("tiles-attribution", "", "credit line of --tiles (default: OpenStreetMap's, with the default tiles)")
	baseURL := fs.String("base-url", "", "the address clients use, e.g. https://maps.example.org: the OGC API's links are built on it (set it behind a proxy or CDN)")
	allowedHosts := fs.String("allowed-hosts", "", "without --base-url: comma-separated host names whose requests may set the OGC links (default: --addr's host, localhost, 127.0.0.1, ::1); others get 421")
	trustedProxies := fs.String("trusted-proxies", "", "comma-separated networks (CIDR) of the proxies in front, whose X-Forwarded-For and X-Forwarded-Proto are believed (default: none)")
	watch := fs.Bool("watch", false, "reload the --data directory when its files change (SIGHUP always reloads it)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level %q: use debug, info, warn or error", *logLevel)
	}
	if *logSample < 1 {
		return fmt.Errorf("--log-sample must be at least 1 (1 logs every request), got %d", *logSample)
	}
	if *cacheMB < 1 || *cacheMB > 1<<20 {
		return fmt.Errorf("--cache-mb must be 1 to %d, got %d", 1<<20, *cacheMB)
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
	hosts, proxies, err := originFlags(*addr, *allowedHosts, *trustedProxies)
	if err != nil {
		return err
	}
	if *watch && df.dir == "" {
		return fmt.Errorf("--watch needs --data DIR: the embedded dataset never changes")
	}
	// The cache holds most of the heap of a busy server; with the default
	// GOGC of 100 the heap would grow to twice what is live before a
	// collection. 50 keeps peak memory near 1.5× for a few % more CPU. The
	// start allocates much and keeps little: until the districts are
	// prepared it collects at 200 (7 % faster to ready, 20 MiB more peak
	// for 10,000 districts).
	tuneGC := os.Getenv("GOGC") == ""
	if tuneGC {
		debug.SetGCPercent(200)
	}
	logOut := newLogWriter(stderr, 100*time.Millisecond)
	defer logOut.Close()
	opts := &slog.HandlerOptions{Level: level}
	var handler slog.Handler = slog.NewTextHandler(logOut, opts)
	if *logFormat == "json" {
		handler = slog.NewJSONHandler(logOut, opts)
	}
	log := slog.New(handler)
	ds, err := df.load(stderr)
	if err != nil {
		return err
	}
	// A reload reads the directory again with the same options; its
	// warnings and problems go to the log.
	var load func() (*geo.Dataset, error)
	if df.dir != "" {
		load = func() (*geo.Dataset, error) { return df.load(io.Discard) }
	}
	srv, err := server.NewLive(server.Deps{Dataset: ds, Assets: web.Assets(), Logger: log},
		server.Config{RequestTimeout: *timeout, Version: version, TileURL: *tiles, TileAttribution: *tilesCredit,
			CacheBytes: int64(*cacheMB) << 20, LogSample: *logSample, BaseURL: *baseURL, AllowedHosts: hosts, TrustedProxies: proxies}, load)
	if err != nil {
		return err
	}
	if tuneGC {
		go func() {
			<-srv.Prepared()
			debug.SetGCPercent(50)
		}()
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	reloadOnHangUp(ctx, srv, df.dir, log)
	if *watch {
		if err := srv.Watch(ctx, df.dir); err != nil {
			ln.Close()
			_ = srv.Close()
			return err
		}
		log.Info("watching for new versions", "dir", df.dir)
	}
	shown := *addr
	if strings.HasSuffix(shown, ":0") {
		shown = ln.Addr().String() // the port the system chose
	}
	r := ds.Range()
	log.Info("serving", "addr", shown, "dataset", ds.Name, "title", ds.Meta.Title, "districts", len(ds.Districts), "range", r.String(), "version", ds.Version)
	fmt.Fprintf(stdout, "frontline %s: %s (%d districts, %s) on %s\n", version, ds.Meta.Title, len(ds.Districts), r, displayURL(shown))
	return srv.Serve(ctx, ln)
}

// reloadOnHangUp reloads the dataset on each SIGHUP (systemctl reload)
// until ctx ends; the embedded dataset (dir "") has nothing to reload,
// which the log says.
func reloadOnHangUp(ctx context.Context, srv *server.Live, dir string, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
			}
			if dir == "" {
				log.Warn("SIGHUP: " + server.ErrNothingToReload.Error())
				continue
			}
			log.Info("SIGHUP: reloading the dataset", "dir", dir)
			// Reload logs the outcome; signals during a load share the next.
			go func() { _ = srv.Reload(ctx) }()
		}
	}()
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

// originFlags reads --allowed-hosts (default: the host of --addr, when it
// names one, and server.DefaultAllowedHosts) and --trusted-proxies.
func originFlags(addr, hostsFlag, proxiesFlag string) ([]string, []netip.Prefix, error) {
	var hosts []string
	for _, h := range strings.Split(hostsFlag, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	if len(hosts) == 0 {
		hosts = append(hosts, server.DefaultAllowedHosts...)
		if h, _, err := net.SplitHostPort(addr); err == nil && h != "" {
			if ip, err := netip.ParseAddr(h); err != nil || !ip.IsUnspecified() {
				hosts = append(hosts, h)
			}
		}
	}
	var proxies []netip.Prefix
	for _, p := range strings.Split(proxiesFlag, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			ip, ierr := netip.ParseAddr(p)
			if ierr != nil {
				return nil, nil, fmt.Errorf("--trusted-proxies %q: give networks such as 10.0.0.0/8 or addresses such as 192.0.2.7", p)
			}
			pfx = netip.PrefixFrom(ip, ip.BitLen())
		}
		proxies = append(proxies, pfx)
	}
	return hosts, proxies, nil
}
