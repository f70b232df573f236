package main

import (
	"fmt"
	"os"
	"strings"
)

// spliceFile replaces, in the Markdown file at path, the lines between
// "<!-- targets:NAME -->" and "<!-- /targets:NAME -->" with the text of
// section NAME, set off by blank lines so that Markdown sees a table or
// paragraph of its own, for every section the file has markers for. A section
// whose markers are missing or out of order is an error, and the file is
// then left as it was.
func spliceFile(path string, secs []section) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc := string(b)
	n := 0
	for _, s := range secs {
		begin, end := "<!-- targets:"+s.name+" -->\n", "<!-- /targets:"+s.name+" -->"
		i := strings.Index(doc, begin)
		if i < 0 {
			continue
		}
		j := strings.Index(doc[i:], end)
		if j < 0 {
			return fmt.Errorf("%s: %q has no %q after it", path, strings.TrimSpace(begin), end)
		}
		doc = doc[:i+len(begin)] + "\n" + s.text + "\n" + doc[i+j:]
		n++
	}
	if n == 0 {
		return fmt.Errorf("%s: no <!-- targets:NAME --> markers", path)
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(doc), info.Mode().Perm())
}
