package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseYAML parses the small subset of YAML that docs/kubernetes.md's
// manifests use, so that a test can check them without a YAML dependency:
// documents separated by "---", block mappings ("key: value"), block
// sequences ("- item", the item a scalar or a mapping), plain and quoted
// scalars, and comments. A mapping is a map[string]any, a sequence an
// []any, a scalar a string (typing it is the caller's business: YAML 1.1,
// which kubectl reads, takes 0440 as octal). Anything else, flow
// collections and block scalars included, is an error, so the test never
// checks a manifest it misread.
func parseYAML(src string) ([]any, error) {
	var docs []any
	for i, part := range strings.Split("\n"+src, "\n---") {
		lines, err := yamlLines(part)
		if err != nil {
			return nil, fmt.Errorf("document %d: %v", i+1, err)
		}
		if len(lines) == 0 {
			continue
		}
		p := &yamlParser{lines: lines}
		v, err := p.node(lines[0].indent)
		if err == nil && p.i < len(lines) {
			err = fmt.Errorf("line %q: unexpected indentation", lines[p.i].text)
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %v", i+1, err)
		}
		docs = append(docs, v)
	}
	return docs, nil
}

type yamlLine struct {
	indent int
	text   string
}

// yamlLines returns the lines of src that hold something, without their
// comments.
func yamlLines(src string) ([]yamlLine, error) {
	var out []yamlLine
	for _, l := range strings.Split(src, "\n") {
		if strings.Contains(l, "\t") {
			return nil, fmt.Errorf("line %q: a tab", l)
		}
		text := strings.TrimSpace(stripComment(l))
		if text == "" {
			continue
		}
		out = append(out, yamlLine{len(l) - len(strings.TrimLeft(l, " ")), text})
	}
	return out, nil
}

// stripComment removes a comment: a # at the start or after a space,
// outside quotes.
func stripComment(l string) string {
	var quote byte
	for i := 0; i < len(l); i++ {
		switch c := l[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || l[i-1] == ' '):
			return l[:i]
		}
	}
	return l
}

type yamlParser struct {
	lines []yamlLine
	i     int
}

// node parses the block that starts at the current line, at indent.
func (p *yamlParser) node(indent int) (any, error) {
	if l := p.lines[p.i]; l.text == "-" || strings.HasPrefix(l.text, "- ") {
		return p.sequence(indent)
	}
	return p.mapping(indent)
}

func (p *yamlParser) sequence(indent int) (any, error) {
	var seq []any
	for p.i < len(p.lines) && p.lines[p.i].indent == indent && (p.lines[p.i].text == "-" || strings.HasPrefix(p.lines[p.i].text, "- ")) {
		l := p.lines[p.i]
		rest := strings.TrimLeft(strings.TrimPrefix(l.text, "-"), " ")
		if rest == "" || (!strings.Contains(rest, ": ") && !strings.HasSuffix(rest, ":")) {
			p.i++
			if rest != "" {
				v, err := scalar(rest)
				if err != nil {
					return nil, err
				}
				seq = append(seq, v)
				continue
			}
			if p.i == len(p.lines) || p.lines[p.i].indent <= indent {
				return nil, fmt.Errorf("line %q: an empty item", l.text)
			}
			v, err := p.node(p.lines[p.i].indent)
			if err != nil {
				return nil, err
			}
			seq = append(seq, v)
			continue
		}
		// "- key: value": a mapping whose keys line up after "- ".
		inner := indent + len(l.text) - len(rest)
		p.lines[p.i] = yamlLine{inner, rest}
		v, err := p.mapping(inner)
		if err != nil {
			return nil, err
		}
		seq = append(seq, v)
	}
	return seq, nil
}

func (p *yamlParser) mapping(indent int) (any, error) {
	m := map[string]any{}
	for p.i < len(p.lines) && p.lines[p.i].indent == indent {
		l := p.lines[p.i]
		key, value, ok := strings.Cut(l.text, ":")
		if !ok || key == "" || value != "" && value[0] != ' ' {
			return nil, fmt.Errorf("line %q: want key: value", l.text)
		}
		if _, dup := m[key]; dup {
			return nil, fmt.Errorf("line %q: duplicate key", l.text)
		}
		p.i++
		value = strings.TrimSpace(value)
		next := p.i < len(p.lines)
		switch {
		case value != "":
			v, err := scalar(value)
			if err != nil {
				return nil, err
			}
			m[key] = v
		case next && p.lines[p.i].indent > indent,
			next && p.lines[p.i].indent == indent && strings.HasPrefix(p.lines[p.i].text, "- "):
			v, err := p.node(p.lines[p.i].indent)
			if err != nil {
				return nil, err
			}
			m[key] = v
		default:
			m[key] = nil
		}
	}
	return m, nil
}

// scalar returns the string a scalar spells.
func scalar(s string) (string, error) {
	switch {
	case strings.ContainsAny(s[:1], "[{|>&*!%@`") || s == "-" || strings.HasPrefix(s, "- "):
		return "", fmt.Errorf("%q: not in the YAML subset of this test", s)
	case len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"':
		if strings.Contains(s[1:len(s)-1], `\`) {
			return "", fmt.Errorf("%q: escapes are not in the YAML subset of this test", s)
		}
		return s[1 : len(s)-1], nil
	case len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'':
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'"), nil
	case s[0] == '"' || s[0] == '\'':
		return "", fmt.Errorf("%q: an unterminated quote", s)
	}
	return s, nil
}

func TestParseYAML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []any
	}{
		{"mapping", "a: 1\nb: two words # a comment\nc: \"#x\"\n", []any{map[string]any{"a": "1", "b": "two words", "c": "#x"}}},
		{"nested", "a:\n  b:\n    c: 'it''s'\n  d: 0440\n", []any{map[string]any{"a": map[string]any{"b": map[string]any{"c": "it's"}, "d": "0440"}}}},
		{"sequences", "a:\n  - x\n  - y\nb:\n- z\n", []any{map[string]any{"a": []any{"x", "y"}, "b": []any{"z"}}}},
		{"sequence of mappings", "items:\n  - name: k\n    value: v\n  - name: l\n    deep:\n      - 1\n", []any{map[string]any{"items": []any{
			map[string]any{"name": "k", "value": "v"},
			map[string]any{"name": "l", "deep": []any{"1"}},
		}}}},
		{"documents", "# head\na: 1\n---\nb: 2\n", []any{map[string]any{"a": "1"}, map[string]any{"b": "2"}}},
		{"empty value", "a:\nb: 1\n", []any{map[string]any{"a": nil, "b": "1"}}},
		{"url", "image: registry.example.com:5000/app:1.0\n", []any{map[string]any{"image": "registry.example.com:5000/app:1.0"}}},
	}
	for _, tt := range tests {
		got, err := parseYAML(tt.src)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	for _, bad := range []string{
		"a: [1, 2]\n", "a: {b: 1}\n", "a: |\n  text\n", "a: 1\n  b: 2\n", "a: 1\na: 2\n", "a\n", "a:b\n",
		"- \n", "a: \"open\n", "a: \"esc\\n\"\n", "\ta: 1\n", "a: &anchor 1\n", "- - x\n",
	} {
		if v, err := parseYAML(bad); err == nil {
			t.Errorf("parseYAML(%q) = %v; want an error", bad, v)
		}
	}
}

// FuzzParseYAML checks that the parser never panics.
func FuzzParseYAML(f *testing.F) {
	for _, s := range []string{"a: 1\n", "a:\n  - b: 1\n    c:\n      - d\n", "---\n- x\n-\n  y: 1\n", "a: '\n", "- - x\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		parseYAML(src)
	})
}
