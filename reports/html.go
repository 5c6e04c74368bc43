package reports

import (
	"embed"
	"fmt"
	"html/template"
	"io"
)

//go:embed templates
var templateFS embed.FS

var funcs = template.FuncMap{
	// dict passes several values to a sub-template.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict takes key and value pairs")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict keys are strings")
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
}

var (
	reportCSS     = mustRead("templates/report.css")
	weeklyHTML    = template.Must(template.New("weekly.html").Funcs(funcs).ParseFS(templateFS, "templates/weekly.html"))
	anomaliesHTML = template.Must(template.New("anomalies.html").Funcs(funcs).ParseFS(templateFS, "templates/anomalies.html"))
)

func mustRead(name string) string {
	b, err := templateFS.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// WriteHTML writes the weekly report as one self-contained, printable HTML page: no
// script, no request, the style inlined.
func (w *Weekly) WriteHTML(out io.Writer) error {
	v := w.view()
	data := struct {
		weeklyView
		CSS template.CSS
	}{v, cssOf()}
	if err := weeklyHTML.Execute(out, data); err != nil {
		return fmt.Errorf("cannot write the weekly report: %w", err)
	}
	return nil
}

func cssOf() template.CSS { return template.CSS(reportCSS) }
