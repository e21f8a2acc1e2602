package cli

import "runtime/debug"

// version is what `consent --version` prints, from the build information
// Go records in the binary: the module's version (a tagged `go install`),
// else the commit it was built from and when ("+ changes" when the tree had
// uncommitted ones), else "devel".
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return versionOf(info)
}

// versionOf is version for the build information info.
func versionOf(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, at string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	v := "commit " + rev
	if at != "" {
		v += " of " + at
	}
	if modified {
		v += " + changes"
	}
	return v
}
