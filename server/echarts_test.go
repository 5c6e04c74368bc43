package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/dashboards"
	"github.com/orderflow/orderflow/dashboards/assets"
	"github.com/orderflow/orderflow/internal/servicetest"
)

var scriptSrc = regexp.MustCompile(`<script src="([^"]+)" integrity="([^"]+)"></script>`)

// TestServedPagesLoadEChartsOnce: a page the server sends names the ECharts bundle by
// a path of its content, with its SHA-256, instead of carrying its megabyte; the bundle
// is served gzipped, for browsers to keep a year (immutable), and hashes to what the page
// says. The page then weighs its figures only.
func TestServedPagesLoadEChartsOnce(t *testing.T) {
	_, ts := testServer(t, builtStore(t), config.Default(), "127.0.0.1:0", nil)
	c := &client{t: t, base: ts.URL}
	resp, page := c.do("GET", "/dashboards/overview.html", nil, "Accept-Encoding", "identity")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("page: %d", resp.StatusCode)
	}
	m := scriptSrc.FindSubmatch(page)
	if m == nil || string(m[1]) != dashboards.EChartsPath() {
		t.Fatalf("the page does not load %s by a script element with its integrity", dashboards.EChartsPath())
	}
	js := assets.EChartsJS()
	if bytes.Contains(page, js[len(js)-2000:]) {
		t.Error("the served page still carries the ECharts bundle")
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self' 'sha256-") || strings.Contains(csp, "'unsafe-inline'; img") && strings.Contains(csp, "script-src 'unsafe") {
		t.Errorf("page CSP %q: want scripts from the server itself and the page script's hash", csp)
	}

	resp, z := c.do("GET", string(m[1]), nil, "Accept-Encoding", "gzip")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("bundle: %d, encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("bundle Cache-Control %q", cc)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("bundle Content-Type %q", ct)
	}
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	sum := sha256.Sum256(got)
	if want := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); want != string(m[2]) {
		t.Errorf("the bundle served hashes to %s, the page's integrity says %s", want, m[2])
	}
	if !bytes.Equal(got, js) {
		t.Error("the bundle served is not the embedded one")
	}
	resp, body := c.do("GET", string(m[1]), nil, "If-None-Match", resp.Header.Get("ETag"))
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("bundle If-None-Match: %d with %d bytes", resp.StatusCode, len(body))
	}
	if resp, _ := c.do("GET", "/assets/echarts-0.0.0-0000000000000000.min.js", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another bundle path answers %d", resp.StatusCode)
	}
	t.Logf("overview: %d bytes; bundle %d bytes, %d gzipped", len(page), len(js), len(z))
}

// TestServedPageInBrowser opens the page the server sends in headless Chromium: the
// bundle loads from the server under the page's CSP and integrity, every chart is drawn,
// and the browser reports no error (a CSP or integrity refusal would be one).
func TestServedPageInBrowser(t *testing.T) {
	path := servicetest.Chromium(t)
	_, ts := testServer(t, builtStore(t), config.Default(), "127.0.0.1:0", nil)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1440, 1000))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	var mu sync.Mutex
	var problems, requests []string
	tab, cancelTab := chromedp.NewContext(alloc, chromedp.WithListener(func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, strings.TrimPrefix(e.Request.URL, ts.URL))
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				problems = append(problems, "log: "+e.Entry.Text)
			}
		}
	}))
	defer cancelTab()
	if err := chromedp.Do(tab, chromedp.Navigate(ts.URL+"/dashboards/overview.html")); err != nil {
		t.Fatal(err)
	}
	charts, err := chromedp.Run(tab, chromedp.Evaluate[int](`(() => { let n = 0; document.querySelectorAll('[data-chart] canvas').forEach(c => {
		const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		for (let j = 3; j < d.length; j += 4) if (d[j] !== 0) { n++; break; } }); return typeof echarts === 'object' ? n : -1; })()`))
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if charts <= 0 {
		t.Errorf("ECharts did not load (%d charts drawn); requests %v", charts, requests)
	}
	for _, p := range problems {
		t.Error(p)
	}
	want := []string{"/dashboards/overview.html", dashboards.EChartsPath()}
	for _, w := range want {
		found := false
		for _, r := range requests {
			found = found || r == w
		}
		if !found {
			t.Errorf("the browser did not ask %s: %v", w, requests)
		}
	}
	t.Logf("%d charts drawn; requests %v", charts, requests)
}
