package site

import (
	"fmt"
	"html/template"
	"time"
)

// pageNames are the pages in templates/, each rendered inside layout.html.
var pageNames = []string{"home", "login", "account", "password", "reauth"}

var funcs = template.FuncMap{
	"clock": func(t time.Time) string { return t.Format("15:04:05 MST") },
	"date":  func(t time.Time) string { return t.Format("2 Jan 2006, 15:04 MST") },
	"day":   func(t time.Time) string { return t.Format("2 Jan 2006") },
	"rel":   rel,
	"dur":   human,
}

func parsePages() (map[string]*template.Template, error) {
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("site: %w", err)
		}
		pages[name] = t
	}
	return pages, nil
}

// rel says how far t is from now: "in 29 min", "2 min ago", "just now".
func rel(now, t time.Time) string {
	d := t.Sub(now)
	switch {
	case d > -5*time.Second && d < 5*time.Second:
		return "just now"
	case d > 0:
		return "in " + human(d)
	}
	return human(-d) + " ago"
}

// human writes a duration the way a person would say it, to the unit that
// matters, rounded: "30 days", "12 h", "29 min", "40 s".
func human(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Round(24*time.Hour)/(24*time.Hour)))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d h", int(d.Round(time.Hour)/time.Hour))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d min", int(d.Round(time.Minute)/time.Minute))
	}
	return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
}
