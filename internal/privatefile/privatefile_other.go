//go:build !unix

package privatefile

import "io/fs"

// noFollow is 0 where opens cannot refuse a link; OpenFile's Lstat check
// still refuses one that exists.
const noFollow = 0

// ownerOf is unknown where files have no unix owner.
func ownerOf(fs.FileInfo) (int, bool) { return 0, false }
