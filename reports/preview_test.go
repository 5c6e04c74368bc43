package reports

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestPreview writes every output of the shared company into $ORDERFLOW_REPORT_OUT, with
// screenshots of the reports, for a person to look at; $ORDERFLOW_SHOT screenshots one
// page. Skipped without either variable.
func TestPreview(t *testing.T) {
	if page := os.Getenv("ORDERFLOW_SHOT"); page != "" {
		screenshot(t, page, page+".png", false) // one page only
		return
	}
	out := os.Getenv("ORDERFLOW_REPORT_OUT")
	if out == "" {
		t.Skip("set ORDERFLOW_REPORT_OUT to a folder to write the reports there")
	}
	fx := loadFixture(t)
	ctx := context.Background()
	for _, lang := range []string{"en", "fr"} {
		start := time.Now()
		paths, err := WriteAll(ctx, fx.st, fx.cfg, asOf, lang, filepath.Join(out, lang))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d files in %v", lang, len(paths), time.Since(start))
		w, err := WeeklyReport(ctx, fx.st.DB, fx.cfg, asOf, lang, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ChromiumPath(); err == nil {
			if err := w.WriteFile(ctx, filepath.Join(out, lang, WeeklyFileName(w.Week, PDF)), PDF); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{WeeklyFileName(w.Week, HTML), AnomalyFileName(asOf, HTML)} {
				screenshot(t, filepath.Join(out, lang, name), filepath.Join(out, lang, name+".png"), false)
			}
			for _, page := range []string{"overview", "service", "stock", "claims", "improvement"} {
				p := filepath.Join(out, lang, "dashboards", page+".html")
				screenshot(t, p, p+".png", false)
			}
			name := WeeklyFileName(w.Week, HTML)
			screenshot(t, filepath.Join(out, lang, name), filepath.Join(out, lang, name+".print.png"), true)
		}
	}
}

// screenshot renders an HTML file to a full-page PNG at 1100 px wide.
// With print, the page is laid out for print at the width of an A4 sheet.
func screenshot(t *testing.T, htmlPath, pngPath string, print bool) {
	t.Helper()
	path, err := ChromiumPath()
	if err != nil {
		t.Skip(err)
	}
	abs, _ := filepath.Abs(htmlPath)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1100, 1400),
		chromedp.Flag("force-device-scale-factor", "1"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if print {
		media := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		})
		if err := chromedp.Do(browser, chromedp.EmulateViewport(718, 1036), media); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(browser, chromedp.Navigate("file://"+abs), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // the dashboards draw their charts
	height, err := chromedp.Run(browser, chromedp.Evaluate[float64](`document.documentElement.scrollHeight`))
	if err != nil {
		t.Fatal(err)
	}
	step := 1400
	if print {
		step = 1036 // an A4 sheet inside its margins, at 96 dpi
	}
	for i := 0; i*step < int(height) && i < 12; i++ {
		if _, err := chromedp.Run(browser, chromedp.Evaluate[any](fmt.Sprintf(`window.scrollTo(0, %d)`, i*step))); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(browser, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fmt.Sprintf("%s-%d.png", strings.TrimSuffix(pngPath, ".png"), i+1), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
