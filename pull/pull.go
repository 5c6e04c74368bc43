// Package pull fetches ERP extracts from the sources of orderflow.yaml and ingests
// them: new files of a watched folder, an extract over HTTP(S), the rows of a query on
// an ERP database. Every file loads in one transaction (package ingest): a pull that
// fails leaves the database as it was, and the scheduler may retry it.
package pull

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/ingest"
	"github.com/orderflow/orderflow/store"
)

// Options are what every pull shares.
type Options struct {
	ProfilePaths []string  // extra mapping profiles (orderflow.yaml profiles:)
	AsOf         time.Time // dates a stock extract without a date of its own
	// Now is the clock the settle time of watched folders is measured on (default
	// time.Now); the scheduler passes its own, fake in tests.
	Now        func() time.Time
	HTTPClient *http.Client // default: one with the source's timeout
	Log        *slog.Logger
	Limits     ingest.Limits // orderflow.yaml limits:
	Sanity     string        // orderflow.yaml sanity: (warn or reject)
}

// Result is what pulling one source did.
type Result struct {
	Source   string
	Files    []ingest.FileResult
	Loaded   int64 // rows loaded, all files together
	Rejected int   // files refused whole (moved to the rejected folder)
	// Err is set when the pull itself failed (server unreachable, HTTP error, query
	// error, file not loaded): nothing of it was loaded and retrying may help. Files
	// refused for their content are counted in Rejected, not retried.
	Err error
}

// Changed tells whether the pull loaded new rows, so the models need a build.
func (r Result) Changed() bool {
	for _, f := range r.Files {
		if f.Err == nil && !f.Skipped && f.RowsLoaded > 0 {
			return true
		}
	}
	return false
}

// Summary is one line for the job history.
func (r Result) Summary() string {
	var loaded, skipped int
	for _, f := range r.Files {
		switch {
		case f.Err != nil:
		case f.Skipped:
			skipped++
		default:
			loaded++
		}
	}
	s := fmt.Sprintf("%s: %d file(s) loaded (%d rows), %d already loaded, %d rejected", r.Source, loaded, r.Loaded, skipped, r.Rejected)
	if r.Err != nil {
		s += ": " + r.Err.Error()
	}
	return s
}

// Source pulls one source, whichever its kind.
func Source(ctx context.Context, st *store.Store, src config.Source, opts Options) Result {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var r Result
	switch {
	case src.Folder != "":
		r = Folder(ctx, st, src, opts)
	case src.URL != "":
		r = HTTP(ctx, st, src, opts)
	case src.DSN != "":
		r = Database(ctx, st, src, opts)
	default:
		r = Result{Err: fmt.Errorf("source %q has no folder, url or dsn", src.Name)}
	}
	r.Source = src.Name
	return r
}

func timeout(src config.Source) time.Duration {
	if d, err := time.ParseDuration(src.Timeout); err == nil && d > 0 {
		return d
	}
	return 10 * time.Minute
}

// loadOne ingests one file with the source's profile.
func loadOne(ctx context.Context, st *store.Store, src config.Source, opts Options, path string) ingest.FileResult {
	res, err := ingest.Load(ctx, st, ingest.Options{Profile: src.Profile, ProfilePaths: opts.ProfilePaths, AsOf: opts.AsOf, Limits: opts.Limits, Sanity: opts.Sanity}, path)
	if err != nil {
		return ingest.FileResult{Path: path, Err: err}
	}
	if len(res) != 1 {
		return ingest.FileResult{Path: path, Err: fmt.Errorf("ingest returned %d results for one file", len(res))}
	}
	return res[0]
}

// Folder ingests the files of a watched folder that have settled, oldest first, and
// moves each to the archive folder, or to the rejected folder with its error report
// beside it (<file>.error.txt).
func Folder(ctx context.Context, st *store.Store, src config.Source, opts Options) Result {
	r := Result{Source: src.Name}
	settle := 5 * time.Second
	if d, err := time.ParseDuration(src.Settle); err == nil {
		settle = d
	}
	archive := firstNonEmpty(src.Archive, filepath.Join(src.Folder, "archive"))
	rejected := firstNonEmpty(src.Reject, filepath.Join(src.Folder, "rejected"))
	entries, err := os.ReadDir(src.Folder)
	if err != nil {
		r.Err = fmt.Errorf("cannot list the watched folder %s: %w", src.Folder, err)
		return r
	}
	type candidate struct {
		path string
		mod  time.Time
	}
	var files []candidate
	now := opts.Now()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
			strings.HasSuffix(name, ".part") || strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".error.txt") {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		if now.Sub(info.ModTime()) < settle {
			opts.Log.Info("file still settling, left for the next pull", "source", src.Name, "file", name)
			continue
		}
		files = append(files, candidate{filepath.Join(src.Folder, name), info.ModTime()})
	}
	// Oldest first: a newer extract of the same entity replaces the older one's rows.
	for i := 1; i < len(files); i++ {
		for j := i; j > 0 && (files[j].mod.Before(files[j-1].mod) || files[j].mod.Equal(files[j-1].mod) && files[j].path < files[j-1].path); j-- {
			files[j], files[j-1] = files[j-1], files[j]
		}
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			r.Err = err
			return r
		}
		res := loadOne(ctx, st, src, opts, f.path)
		r.Files = append(r.Files, res)
		if res.Err != nil {
			r.Rejected++
			dest, merr := moveAside(f.path, rejected, now)
			if merr == nil {
				merr = os.WriteFile(dest+".error.txt", []byte(errorReport(src, f.path, res, now)), 0o644)
			}
			opts.Log.Warn("file rejected", "source", src.Name, "file", f.path, "moved_to", dest, "error", res.Err)
			if merr != nil {
				r.Err = fmt.Errorf("file %s was rejected but could not be moved to %s: %w", f.path, rejected, merr)
				return r
			}
			continue
		}
		r.Loaded += res.RowsLoaded
		dest, err := moveAside(f.path, archive, now)
		if err != nil {
			r.Err = fmt.Errorf("file %s was loaded but could not be moved to %s: %w (it will be skipped as already loaded next time)", f.path, archive, err)
			return r
		}
		opts.Log.Info("file ingested", "source", src.Name, "file", f.path, "archived_to", dest,
			"rows_loaded", res.RowsLoaded, "rows_rejected", res.RowsRejected, "skipped", res.Skipped)
	}
	return r
}

// errorReport is the text written beside a rejected file.
func errorReport(src config.Source, path string, res ingest.FileResult, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "orderflow could not load %s (source %s) at %s.\n\n", filepath.Base(path), src.Name, now.Format(time.RFC3339))
	fmt.Fprintf(&b, "%v\n\n", res.Err)
	b.WriteString("Nothing of this file was loaded. Fix the extract (or its profile) and drop it into the watched folder again.\n")
	return b.String()
}

// moveAside moves a file into dir, keeping its name unless one of that name is there.
func moveAside(path, dir string, now time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	base := filepath.Base(path)
	dest := filepath.Join(dir, base)
	if _, err := os.Stat(dest); err == nil {
		ext := filepath.Ext(base)
		dest = filepath.Join(dir, strings.TrimSuffix(base, ext)+"."+now.UTC().Format("20060102T150405")+ext)
	}
	if err := os.Rename(path, dest); err == nil {
		return dest, nil
	}
	// Another file system: copy, then remove.
	in, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.Create(dest)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dest)
		return "", err
	}
	if err := out.Close(); err != nil {
		return "", err
	}
	return dest, os.Remove(path)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// HTTP downloads the extract at the source's URL (GET, with its headers, ${ENV}
// expanded) and ingests it.
func HTTP(ctx context.Context, st *store.Store, src config.Source, opts Options) Result {
	r := Result{Source: src.Name}
	ctx, cancel := context.WithTimeout(ctx, timeout(src))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.URL, nil)
	if err != nil {
		r.Err = fmt.Errorf("source %s: the url %q is not valid: %w", src.Name, src.URL, err)
		return r
	}
	for k, v := range src.Headers {
		req.Header.Set(k, config.ExpandEnv(v))
	}
	req.Header.Set("User-Agent", "orderflow")
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{}
	}
	resp, err := client.Do(req)
	if err != nil {
		r.Err = fmt.Errorf("cannot fetch %s: %w", redactURL(src.URL), err)
		return r
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		r.Err = fmt.Errorf("cannot fetch %s: the server answered %s %s", redactURL(src.URL), resp.Status, strings.TrimSpace(string(snippet)))
		return r
	}
	name := fileNameOf(resp, src)
	dir, err := os.MkdirTemp("", "orderflow-pull-")
	if err != nil {
		r.Err = err
		return r
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		r.Err = err
		return r
	}
	_, err = io.Copy(f, resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		r.Err = fmt.Errorf("cannot download %s: %w", redactURL(src.URL), err)
		return r
	}
	return loadDownloaded(ctx, st, src, opts, path, r)
}

// loadDownloaded ingests a fetched file and keeps a copy in the archive (or rejected)
// folder when the source names one.
func loadDownloaded(ctx context.Context, st *store.Store, src config.Source, opts Options, path string, r Result) Result {
	res := loadOne(ctx, st, src, opts, path)
	r.Files = append(r.Files, res)
	now := opts.Now()
	if res.Err != nil {
		r.Err = res.Err
		if src.Reject != "" {
			if dest, err := moveAside(path, src.Reject, now); err == nil {
				os.WriteFile(dest+".error.txt", []byte(errorReport(src, path, res, now)), 0o644)
			}
		}
		return r
	}
	r.Loaded = res.RowsLoaded
	if src.Archive != "" && !res.Skipped {
		stamped := filepath.Join(filepath.Dir(path), now.UTC().Format("20060102T150405")+"-"+filepath.Base(path))
		if err := os.Rename(path, stamped); err == nil {
			if _, err := moveAside(stamped, src.Archive, now); err != nil {
				opts.Log.Warn("extract loaded but not archived", "source", src.Name, "archive", src.Archive, "error", err)
			}
		}
	}
	opts.Log.Info("extract ingested", "source", src.Name, "rows_loaded", res.RowsLoaded, "rows_rejected", res.RowsRejected, "skipped", res.Skipped)
	return r
}

// fileNameOf names the downloaded file: the server's Content-Disposition, else the
// last part of the URL's path, else the source's name; the extension tells ingest
// the format.
func fileNameOf(resp *http.Response, src config.Source) string {
	name := ""
	if cd := resp.Header.Get("Content-Disposition"); cd != "" {
		if _, params, err := parseDisposition(cd); err == nil {
			name = params["filename"]
		}
	}
	if name == "" {
		name = filepath.Base(resp.Request.URL.Path)
	}
	name = unsafeName.ReplaceAllString(filepath.Base(name), "_")
	name = strings.TrimLeft(name, "._")
	if name == "" || name == "/" {
		name = unsafeName.ReplaceAllString(src.Name, "_")
	}
	if filepath.Ext(name) == "" {
		name += extensionOf(resp.Header.Get("Content-Type"))
	}
	return name
}

func extensionOf(contentType string) string {
	switch {
	case strings.Contains(contentType, "spreadsheetml"):
		return ".xlsx"
	case strings.Contains(contentType, "json"):
		return ".json"
	case strings.Contains(contentType, "parquet"):
		return ".parquet"
	}
	return ".csv"
}

// redactURL hides a password in a URL before it reaches a log or the job history.
func redactURL(raw string) string {
	if i := strings.Index(raw, "://"); i >= 0 {
		rest := raw[i+3:]
		if at := strings.Index(rest, "@"); at >= 0 && at < strings.IndexAny(rest+"/", "/?") {
			return raw[:i+3] + "***@" + rest[at+1:]
		}
	}
	return raw
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// ErrUnsupportedDatabase is returned for a dsn of another database than PostgreSQL.
var ErrUnsupportedDatabase = errors.New("only PostgreSQL databases (postgres:// or postgresql://) can be queried")
