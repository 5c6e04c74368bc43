package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"testing"

	"github.com/orderflow/orderflow/config"
)

// TestDashboardPagesKeptCompressed: a dashboard page is drawn once per build and kept
// gzipped: a client accepting gzip gets the kept bytes, one that does not the page
// unpacked, the same page each time with its ETag, and If-None-Match answers 304 with
// no body. Another language is another page.
func TestDashboardPagesKeptCompressed(t *testing.T) {
	_, ts := testServer(t, builtStore(t), config.Default(), "127.0.0.1:0", nil)
	c := &client{t: t, base: ts.URL}
	resp, page := c.do("GET", "/dashboards/overview.html", nil, "Accept-Encoding", "identity")
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != http.StatusOK || etag == "" || resp.Header.Get("Content-Encoding") != "" || !bytes.Contains(page, []byte("<html")) {
		t.Fatalf("plain page: %d, ETag %q, encoding %q, %d bytes", resp.StatusCode, etag, resp.Header.Get("Content-Encoding"), len(page))
	}
	resp, z := c.do("GET", "/dashboards/overview.html", nil, "Accept-Encoding", "gzip, deflate, br")
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("ETag") != etag || resp.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("gzip: encoding %q, ETag %q (want %q), Vary %q", resp.Header.Get("Content-Encoding"), resp.Header.Get("ETag"), etag, resp.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	unpacked, _ := io.ReadAll(zr)
	if !bytes.Equal(unpacked, page) {
		t.Error("the gzipped page is not the plain one")
	}
	if len(z)*3 > len(page) {
		t.Errorf("gzip keeps %d of %d bytes", len(z), len(page))
	}
	resp, body := c.do("GET", "/dashboards/overview.html", nil, "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("If-None-Match: %d with %d bytes, want 304 and none", resp.StatusCode, len(body))
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q: pages hold customer data", resp.Header.Get("Cache-Control"))
	}
	resp, _ = c.do("GET", "/dashboards/overview.html?lang=fr", nil, "If-None-Match", etag)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == etag {
		t.Errorf("the French page answers %d with the English ETag", resp.StatusCode)
	}
	t.Logf("overview: %d bytes, %d gzipped", len(page), len(z))
}
