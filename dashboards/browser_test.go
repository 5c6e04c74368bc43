package dashboards

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/orderflow/orderflow/internal/servicetest"
)

// The browser tests open every page from a file URL in Debian's headless
// Chromium (installed by .ci/install-browser.sh). Screenshots go to
// $ORDERFLOW_SCREENSHOTS, else testdata/screenshots (ignored by git).

func screenshotDir(t *testing.T) string {
	dir := os.Getenv("ORDERFLOW_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("testdata", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("cannot create the screenshot folder: %v", err)
	}
	return dir
}

func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(servicetest.Chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("force-device-scale-factor", "1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 1000),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 3*time.Minute)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc(); cancelTimeout() })
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("cannot start Chromium: %v", err)
	}
	return browser
}

// tab is a browser tab that records what a page must never do.
type tab struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

func (tb *tab) addProblem(format string, args ...any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.problems = append(tb.problems, fmt.Sprintf(format, args...))
}

func (tb *tab) takeProblems() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	p := tb.problems
	tb.problems = nil
	return p
}

func openTab(t *testing.T, browser context.Context) *tab {
	tb := &tab{}
	dialogs := make(chan struct{}, 8)
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithListener(func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			u := e.Request.URL
			if !strings.HasPrefix(u, "file:") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
				tb.addProblem("network request to %s", u)
			}
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + d.Exception.Description
			}
			tb.addProblem("JavaScript exception at line %d: %s", d.LineNumber+1, msg)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				tb.addProblem("console.%s: %s", e.Type, strings.Join(parts, " "))
			}
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				tb.addProblem("browser log error: %s %s", e.Entry.Text, e.Entry.URL)
			}
		case *page.EventJavascriptDialogOpening:
			tb.addProblem("a JavaScript %s dialog opened: %q", e.Type, e.Message)
			select {
			case dialogs <- struct{}{}:
			default:
			}
		}
	}))
	tb.ctx = ctx
	t.Cleanup(cancel)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-dialogs:
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			}
		}
	}()
	return tb
}

func eval[T any](t *testing.T, tb *tab, js string) T {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("cannot evaluate %.60q: %v", js, err)
	}
	return v
}

const jsCanvases = `(() => {
  const out = {charts: 0, blank: [], empty: []};
  const charts = window.orderflow ? orderflow.charts() : {};
  document.querySelectorAll('[data-chart],[data-spark]').forEach((box, i) => {
    out.charts++;
    const sec = box.closest('section');
    const id = sec.id + (box.matches('[data-spark]') ? '/tile' + i : '');
    const c = box.querySelector('canvas');
    if (!c || !c.width || !c.height) { out.blank.push(id + ' has no canvas'); return; }
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let j = 3; j < d.length; j += 4) if (d[j] !== 0) painted++;
    if (painted < 40) out.blank.push(id + ' is blank');
    const ch = charts[sec.id];
    if (ch && box.matches('[data-chart]')) {
      const has = ch.getOption().series.some(s => (s.data || []).some(v => v !== null && v !== undefined && (typeof v !== 'object' || Array.isArray(v) || v.value !== null)));
      if (!has) out.empty.push(sec.id);
    }
  });
  return out;
})()`

const jsFigures = `Array.from(document.querySelectorAll('.t-value')).map(e => e.textContent).join(' | ')`

// jsClickTarget scrolls to the first chart with points and returns where its
// last point (or bar) is on screen.
const jsClickTarget = `(() => {
  const charts = orderflow.charts();
  const sec = Array.from(document.querySelectorAll('section.card')).find(s => charts[s.id] && ['trend', 'control', 'breakdown', 'pareto'].includes(s.dataset.kind));
  sec.scrollIntoView({block: 'center'});
  const ch = charts[sec.id];
  const s0 = ch.getOption().series[0];
  const val = v => (v !== null && typeof v === 'object' && !Array.isArray(v)) ? v.value : v;
  let i = s0.data.length - 1;
  while (i > 0 && (val(s0.data[i]) === null || val(s0.data[i]) === undefined)) i--;
  const v = val(s0.data[i]);
  let pt;
  if (sec.dataset.kind === 'breakdown') pt = ch.convertToPixel({seriesIndex: 0}, [v / 2, i]);
  else { pt = ch.convertToPixel({seriesIndex: 0}, [i, v]); if (s0.type === 'bar') pt[1] += 4; }
  const r = ch.getDom().getBoundingClientRect();
  return {block: sec.id, kind: sec.dataset.kind, x: r.left + pt[0], y: r.top + pt[1]};
})()`

type canvasReport struct {
	Charts int      `json:"charts"`
	Blank  []string `json:"blank"`
	Empty  []string `json:"empty"`
}

type clickTarget struct {
	Block string  `json:"block"`
	Kind  string  `json:"kind"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
}

type drillReport struct {
	Hidden bool   `json:"hidden"`
	Rows   int    `json:"rows"`
	Note   string `json:"note"`
	Text   string `json:"text"`
}

const jsDrill = `(() => { const d = document.getElementById('drill');
  return {hidden: d.hidden, rows: d.querySelectorAll('tbody tr').length,
    note: document.getElementById('drill-note').textContent, text: d.querySelector('tbody').textContent}; })()`

func TestPagesInBrowser(t *testing.T) {
	browser := newBrowser(t)
	shots := screenshotDir(t)
	data := Sample(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), SampleOptions{})
	root := t.TempDir()
	for _, lang := range []string{"en", "fr"} {
		paths, err := Write(filepath.Join(root, lang), data, lang)
		if err != nil {
			t.Fatal(err)
		}
		tb := openTab(t, browser) // one tab per language: a new tab costs more than a page
		for _, path := range paths {
			id := strings.TrimSuffix(filepath.Base(path), ".html")
			t.Run(lang+"/"+id, func(t *testing.T) {
				checkPage(t, tb, path, lang, id, shots)
			})
		}
	}
}

func checkPage(t *testing.T, tb *tab, path, lang, id, shots string) {
	tb.takeProblems()
	if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(1440, 1000), chromedp.Navigate("file://"+path)); err != nil {
		t.Fatalf("cannot open %s: %v", path, err)
	}

	// Every chart is drawn, with figures.
	rep := eval[canvasReport](t, tb, jsCanvases)
	if rep.Charts == 0 {
		t.Fatal("the page has no chart")
	}
	for _, b := range rep.Blank {
		t.Errorf("canvas of %s", b)
	}
	for _, e := range rep.Empty {
		t.Errorf("chart %s has no figure", e)
	}
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("cannot take a screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(shots, lang+"-"+id+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}

	// The customer named like an HTML element is listed as text.
	if !eval[bool](t, tb, `Array.from(document.querySelectorAll('#f-customer option')).some(o => o.textContent === `+jsString(XSSName)+`)`) {
		t.Errorf("the customer %s is not listed as text in the customer filter", XSSName)
	}

	if lang != "en" {
		// The French pages share the script: drawing them without error is the test.
		for _, p := range tb.takeProblems() {
			t.Error(p)
		}
		return
	}

	// A tile of a state at the as-of date (the late backlog) shows the whole state,
	// not the part due in the last week, and says so.
	if id == "overview" {
		got := eval[[]string](t, tb, `(() => {
  const m = JSON.parse(document.getElementById('of-model').textContent);
  const tile = document.querySelector('.tile[data-kpi="backlog_value"]');
  return [String(Math.round(m.series.backlog_value[''].a)), tile.querySelector('[data-value]').textContent.replace(/[^0-9]/g, ''),
          tile.querySelector('[data-foot]').textContent, tile.querySelector('[data-dw]').textContent];
})()`)
		if got[0] != got[1] || !strings.Contains(got[2], "At the as-of date") || got[3] != "" {
			t.Errorf("the late backlog tile shows %s (%q, %q), want the state at as-of %s, without a change vs last week", got[1], got[2], got[3], got[0])
		}
	}

	// A filter changes the figures.
	before := eval[string](t, tb, jsFigures)
	eval[bool](t, tb, `(() => { const s = document.getElementById('f-site'); s.value = 'FR01'; s.dispatchEvent(new Event('change')); return true; })()`)
	after := eval[string](t, tb, jsFigures)
	if before == after {
		t.Errorf("filtering on site FR01 changed no tile figure: %s", after)
	}
	if rep := eval[canvasReport](t, tb, jsCanvases); len(rep.Blank) > 0 {
		t.Errorf("after filtering, blank canvases: %v", rep.Blank)
	}
	if id == "overview" {
		if shot, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot()); err == nil {
			_ = os.WriteFile(filepath.Join(shots, lang+"-"+id+"-filtered.png"), shot, 0o644)
		}
	}
	eval[bool](t, tb, `(document.getElementById('f-reset').click(), true)`)
	if got := eval[string](t, tb, jsFigures); got != before {
		t.Errorf("reset did not bring the figures back:\n%s\n%s", before, got)
	}

	// A click on a chart lists the order lines behind the point.
	target := eval[clickTarget](t, tb, jsClickTarget)
	if err := chromedp.Do(tb.ctx, chromedp.MouseClickXY(target.X, target.Y)); err != nil {
		t.Fatal(err)
	}
	dr := eval[drillReport](t, tb, jsDrill)
	if dr.Hidden || dr.Rows == 0 {
		t.Errorf("a click on the %s chart %s at (%.0f, %.0f) listed no line: %+v", target.Kind, target.Block, target.X, target.Y, dr)
	}
	if lang == "en" && id == "overview" {
		shot, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
		if err == nil {
			_ = os.WriteFile(filepath.Join(shots, lang+"-"+id+"-drill.png"), shot, 0o644)
		}
	}

	// The lines of the injection-named customer show its name as text.
	kpi := eval[string](t, tb, `(() => { const k = Object.keys(orderflow.state) && JSON.parse(document.getElementById('of-model').textContent);
	  return Object.keys(k.drill).filter(x => x.endsWith('\u001dcustomer\u001fC00042')).map(x => x.split('\u001d')[0])[0] || ''; })()`)
	if kpi != "" {
		eval[bool](t, tb, `(orderflow.openDrill(`+jsString(kpi)+`, null, {customer: 'C00042'}), true)`)
		if dr := eval[drillReport](t, tb, jsDrill); !strings.Contains(dr.Text, XSSName) {
			t.Errorf("the drill-down of customer C00042 does not show %s as text: %q", XSSName, dr.Text)
		}
	}
	// Tooltips over a bar of that customer show the name as text too.
	eval[bool](t, tb, `(() => { const cs = orderflow.charts(); for (const id in cs) { const o = cs[id].getOption();
	  for (const ax of [].concat(o.xAxis || [], o.yAxis || [])) { const i = (ax.data || []).indexOf(`+jsString(XSSName)+`);
	    if (i >= 0) cs[id].dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: i}); } } return true; })()`)
	if n := eval[int](t, tb, `document.querySelectorAll('img').length`); n != 0 {
		t.Errorf("the page holds %d img elements; ERP text was parsed as HTML", n)
	}

	if lang == "en" && id == "overview" {
		// Charts follow the window size.
		w0 := eval[int](t, tb, `Object.values(orderflow.charts())[0].getWidth()`)
		if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(900, 1000), chromedp.Sleep(400*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if w1 := eval[int](t, tb, `Object.values(orderflow.charts())[0].getWidth()`); w1 >= w0 {
			t.Errorf("chart width %d after narrowing the window from 1440 to 900 px, was %d", w1, w0)
		}
	}

	for _, p := range tb.takeProblems() {
		t.Error(p)
	}
}

func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == '<' || r == '>':
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
