package reports

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"
)

// ErrNoChromium says that a PDF cannot be printed on this machine.
var ErrNoChromium = errors.New("cannot print the PDF: no Chromium browser found; install it with `apt-get install chromium` " +
	"(or set ORDERFLOW_CHROMIUM to its path), or write the report as HTML or XLSX")

// ChromiumPath finds the headless browser that prints PDFs: $ORDERFLOW_CHROMIUM, else
// the usual names on the PATH.
func ChromiumPath() (string, error) {
	if p := os.Getenv("ORDERFLOW_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("ORDERFLOW_CHROMIUM names %s, which does not exist: %w", p, ErrNoChromium)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	return "", ErrNoChromium
}

// PrintPDF prints a self-contained HTML page to PDF with headless Chromium, A4, the
// page's own print style sheet, page numbers in the footer.
func PrintPDF(ctx context.Context, html []byte, out io.Writer) error {
	path, err := ChromiumPath()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "orderflow-pdf-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, html, 0o600); err != nil {
		return err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
	)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(browser, chromedp.Navigate("file://"+file), chromedp.WaitReady("body")); err != nil {
		return fmt.Errorf("cannot open the report in %s: %w", path, err)
	}
	pdf, err := chromedp.Run(browser, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFPreferCSSPageSize(),
		chromedp.PDFPrintBackground(),
		chromedp.PDFOutlineAndTagged(),
		chromedp.PDFHeaderTemplate(`<span></span>`),
		chromedp.PDFFooterTemplate(`<div style="width:100%;font:7px sans-serif;color:#8a97a6;text-align:right;padding:0 10mm">`+
			`<span class="pageNumber"></span> / <span class="totalPages"></span></div>`),
	))
	if err != nil {
		return fmt.Errorf("cannot print the PDF with %s: %w", path, err)
	}
	_, err = io.Copy(out, bytes.NewReader(pdf))
	return err
}

// WritePDF prints the weekly report to PDF.
func (w *Weekly) WritePDF(ctx context.Context, out io.Writer) error {
	var html bytes.Buffer
	if err := w.WriteHTML(&html); err != nil {
		return err
	}
	return PrintPDF(ctx, html.Bytes(), out)
}
