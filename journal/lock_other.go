//go:build !unix

package journal

import "os"

// lockFile is a no-op where flock is not available: claims are then
// exclusive within one process only (File's mutex), not across processes.
func lockFile(*os.File) error { return nil }

// unlockFile releases lockFile's lock.
func unlockFile(*os.File) error { return nil }

// processGone cannot tell here: a claim lasts its ClaimTTL.
func processGone(int) bool { return false }
