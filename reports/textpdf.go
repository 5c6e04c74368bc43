package reports

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// WriteTextPDF writes the weekly report as a plain-text PDF, for a machine without
// Chromium: the title, the portfolio, and each KPI of the week with the week before.
func (w *Weekly) WriteTextPDF(out io.Writer) error {
	v := w.view()
	lines := []string{v.Title + " - " + v.Subtitle, v.AsOf}
	if v.Scope != "" {
		lines = append(lines, v.Scope)
	}
	lines = append(lines, "")
	seen := map[string]bool{}
	for _, group := range [][]KPIRow{w.Headline, w.Delays, w.Stock, w.ClaimRows} {
		for _, r := range group {
			if seen[r.KPI] {
				continue
			}
			seen[r.KPI] = true
			line := fmt.Sprintf("%-40s %16s", w.KPILabel(r.KPI), fmtValue(w.Lang, r.Unit, r.This, w.Currency))
			if !r.Snapshot {
				line += fmt.Sprintf("   (%s)", fmtValue(w.Lang, r.Unit, r.Last, w.Currency))
			}
			lines = append(lines, line)
		}
	}
	_, err := out.Write(textPDF(lines))
	return err
}

// textPDF writes lines of text as a PDF (Courier, Windows-1252, 60 lines a page).
func textPDF(lines []string) []byte {
	const perPage = 60
	var pages [][]string
	for len(lines) > perPage {
		pages = append(pages, lines[:perPage])
		lines = lines[perPage:]
	}
	pages = append(pages, lines)
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
	enc := charmap.Windows1252.NewEncoder()
	for i, page := range pages {
		var content bytes.Buffer
		content.WriteString("BT /F1 9 Tf 11 TL 40 800 Td\n")
		for _, l := range page {
			text, err := enc.String(l)
			if err != nil {
				text = strings.Map(func(r rune) rune {
					if r < 128 {
						return r
					}
					return '?'
				}, l)
			}
			text = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`, "\r", "", "\n", " ").Replace(text)
			content.WriteString("(" + text + ") Tj T*\n")
		}
		content.WriteString("ET")
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}
