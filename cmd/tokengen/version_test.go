package main

import (
	"runtime/debug"
	"testing"
)

func TestBuildVersion(t *testing.T) {
	t.Parallel()
	vcs := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "false"}}
	dirty := []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "(devel)"},
		{"go install @latest", &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v1.4.0"}}, "v1.4.0"},
		{"a build in a clone", &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v1.4.1-0.20261128200000-0123456789ab+dirty"}, Settings: dirty}, "v1.4.1-0.20261128200000-0123456789ab+dirty"},
		{"devel with a revision", &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "(devel)"}, Settings: vcs}, "(devel) revision 0123456789ab"},
		{"devel, modified", &debug.BuildInfo{Main: debug.Module{Path: modulePath}, Settings: dirty}, "(devel) revision 0123456789ab, modified"},
		{"devel, nothing recorded", &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "(devel)"}}, "(devel)"},
		{"a dependency of another module", &debug.BuildInfo{
			Main: debug.Module{Path: "example.com/tools", Version: "(devel)"},
			Deps: []*debug.Module{{Path: "golang.org/x/crypto", Version: "v0.58.0"}, {Path: modulePath, Version: "v1.3.2"}},
		}, "v1.3.2"},
		{"a replaced dependency", &debug.BuildInfo{
			Main: debug.Module{Path: "example.com/tools"},
			Deps: []*debug.Module{{Path: modulePath, Version: "v1.3.2", Replace: &debug.Module{Path: "example.com/fork", Version: "v1.3.3"}}},
		}, "v1.3.3"},
	}
	for _, tt := range tests {
		if got := buildVersion(tt.bi); got != tt.want {
			t.Errorf("%s: buildVersion = %q; want %q", tt.name, got, tt.want)
		}
	}
}
