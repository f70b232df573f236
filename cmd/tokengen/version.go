package main

import (
	"runtime/debug"
)

// modulePath is the module tokengen belongs to.
const modulePath = "github.com/sessionless/sessionless"

// version returns the version tokengen was built from (see buildVersion).
func version() string {
	bi, _ := debug.ReadBuildInfo()
	return buildVersion(bi)
}

// buildVersion returns the version of the sessionless module in bi: its
// tagged or pseudo-version (go install …@latest, or a build from a clone,
// which Go stamps from git), whether sessionless is the main module or a
// dependency of it (go tool, a tools module). Otherwise it is "(devel)",
// with the git revision when the build recorded one.
func buildVersion(bi *debug.BuildInfo) string {
	if bi == nil {
		return "(devel)"
	}
	m := &bi.Main
	if m.Path != modulePath {
		for _, d := range bi.Deps {
			if d.Path == modulePath {
				m = d
				break
			}
		}
	}
	if m.Replace != nil && m.Replace.Version != "" {
		m = m.Replace
	}
	if m.Version != "" && m.Version != "(devel)" {
		return m.Version
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return "(devel)"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified == "true" {
		rev += ", modified"
	}
	return "(devel) revision " + rev
}
