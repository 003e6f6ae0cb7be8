package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

//go:embed templates/*.tmpl
var templateFiles embed.FS

// rendered is an email's three parts.
type rendered struct{ Subject, Text, HTML string }

// The templates, each file parsed on its own since every file defines the same
// three blocks: subject, text and html.
var (
	textTemplates = map[string]*texttemplate.Template{}
	htmlTemplates = map[string]*htmltemplate.Template{}
)

func init() {
	entries, err := templateFiles.ReadDir("templates")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".tmpl")
		path := "templates/" + e.Name()
		textTemplates[name] = texttemplate.Must(texttemplate.ParseFS(templateFiles, path))
		htmlTemplates[name] = htmltemplate.Must(htmltemplate.ParseFS(templateFiles, path))
	}
}

// render fills the template name (a file in templates/ without .tmpl) with data.
// The subject and text come from text/template, the HTML from html/template,
// which escapes what users wrote.
func render(name string, data any) (rendered, error) {
	tt, ht := textTemplates[name], htmlTemplates[name]
	if tt == nil || ht == nil {
		return rendered{}, fmt.Errorf("notify: no template %q", name)
	}
	var r rendered
	var b bytes.Buffer
	if err := tt.ExecuteTemplate(&b, "subject", data); err != nil {
		return r, fmt.Errorf("notify: %s subject: %w", name, err)
	}
	r.Subject = strings.TrimSpace(b.String())
	b.Reset()
	if err := tt.ExecuteTemplate(&b, "text", data); err != nil {
		return r, fmt.Errorf("notify: %s text: %w", name, err)
	}
	r.Text = strings.TrimSpace(b.String()) + "\n"
	b.Reset()
	if err := ht.ExecuteTemplate(&b, "html", data); err != nil {
		return r, fmt.Errorf("notify: %s html: %w", name, err)
	}
	r.HTML = b.String()
	return r, nil
}
