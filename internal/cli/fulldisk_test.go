package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/consentdesk/consent/sandbox"
)

// smallTmpfs mounts a tmpfs of size (e.g. "1m") for the test and unmounts
// it after. Mounting needs root; in CI that is a failure, elsewhere the
// test is skipped with what it needs.
func smallTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("this test mounts a small tmpfs to fill the disk: run the tests as root")
		}
		t.Skip("this test mounts a small tmpfs to fill the disk: run it as root")
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount: %v %s", err, out)
		}
	})
	return dir
}

// fillDisk writes a file in dir until the file system is full, and
// returns the function that frees it again.
func fillDisk(t *testing.T, dir string) (free func()) {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, chunk := range []int{1 << 16, 1 << 12, 1} {
		buf := make([]byte, chunk)
		for {
			if _, err := f.Write(buf); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				break
			}
		}
	}
	f.Close()
	return func() {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
	}
}

// journalLine is one line of a journal file, as much as the test reads.
type journalLine struct {
	Op      string `json:"op"`
	State   string `json:"state"`
	RetryOf string `json:"retry_of"`
}

// retryRecordSizes runs a pending subscribe and its retry in a scratch
// home and returns the lengths of the lines the retry writes first: its
// claim, the resend's entry, and the resend's first update.
func retryRecordSizes(t *testing.T, d *klaviyoDouble) (claim, resend, accepted int) {
	t.Helper()
	home := t.TempDir()
	pendingSubscribes(t, d, home, keyA, "measure.me@example.com")
	if code, out, errOut := d.run(t, home, keyA, "history", "retry", "--all"); code != 0 {
		t.Fatalf("retry: %d %s%s", code, out, errOut)
	}
	data, err := os.ReadFile(filepath.Join(home, journalFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		var r journalLine
		if json.Unmarshal(line, &r) != nil {
			continue
		}
		switch {
		case r.Op == "claim" && claim == 0:
			claim = len(line) + 1
		case r.Op == "add" && r.RetryOf != "":
			resend = len(line) + 1
		case r.Op == "update" && r.State == "accepted" && accepted == 0:
			accepted = len(line) + 1
		}
	}
	if claim == 0 || resend == 0 || accepted == 0 {
		t.Fatalf("the retry wrote none of claim %d, resend %d, accepted %d:\n%s", claim, resend, accepted, data)
	}
	return claim, resend, accepted
}

// TestAFullDiskIsReportedNotHidden: on a journal whose disk is full, a
// subscribe is not sent at all (it could not be recorded first); and a
// retry whose resend Klaviyo verified, but whose outcome the journal could
// not record, says so and exits 1, instead of "verified" and 0. Once there
// is room again, a retry settles it by reading back, without sending again.
func TestAFullDiskIsReportedNotHidden(t *testing.T) {
	disk := smallTmpfs(t, "1m")
	home := filepath.Join(disk, "home")
	d := newKlaviyoDouble(t, sandbox.Options{})

	free := fillDisk(t, disk)
	code, out, errOut := d.run(t, home, keyA, "subscribe", "--list", "Y6nRLr", "--email", "full.disk@example.com", "--email-marketing")
	if code != 1 || !strings.Contains(errOut, "not sent: the journal could not record it") || d.posts.Load() != 0 {
		t.Fatalf("subscribe on a full disk: exit %d, %d POSTs\n%s%s", code, d.posts.Load(), out, errOut)
	}
	free()

	claim, resend, accepted := retryRecordSizes(t, d)
	posts := d.posts.Load()
	pendingSubscribes(t, d, home, keyA, "full.disk@example.com")
	// Leave room in the journal's last page for the retry's claim and its
	// resend's entry, but not for the update after the resend: then fill
	// the disk.
	room := claim + resend + accepted/2
	path := filepath.Join(home, journalFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	pad := (4096 - room - int(fi.Size()%4096) + 2*4096) % 4096
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(bytes.Repeat([]byte("\n"), pad)); err != nil { // blank lines: nothing to read
		t.Fatal(err)
	}
	f.Close()
	free = fillDisk(t, disk)

	code, out, errOut = d.run(t, home, keyA, "history", "retry", "--all")
	if code != 1 || !strings.Contains(out, "verified") || !strings.Contains(out, "but the journal could not record it") ||
		!strings.Contains(out, "no space left on device") || !strings.Contains(errOut, "not settled") {
		t.Fatalf("retry on a full disk: exit %d\n%s%s", code, out, errOut)
	}
	if d.posts.Load() != posts+1 {
		t.Fatalf("%d POSTs for one retry", d.posts.Load()-posts)
	}
	free()
	wantNoTornLine(t, home)
	code, out, errOut = d.run(t, home, keyA, "history", "retry", "--all")
	if code != 0 || !strings.Contains(out, "verified") || d.posts.Load() != posts+1 {
		t.Fatalf("retry once there is room: exit %d, %d more POSTs\n%s%s", code, d.posts.Load()-posts-1, out, errOut)
	}
}

// wantNoTornLine fails when reading home's journal reports a damaged line:
// a write the full disk cut short must leave no half record behind.
func wantNoTornLine(t *testing.T, home string) {
	t.Helper()
	_, errOut, code := runBinary(t, []string{"CONSENT_HOME=" + home}, "history")
	if code != 0 || len(errOut) > 0 {
		t.Errorf("history after a full disk: exit %d\n%s", code, errOut)
	}
}

// TestAReadBackOnAFullDiskIsNotReportedVerified is issue 9's case: an
// entry Klaviyo accepted, read back by a retry while the journal's disk is
// full, was printed "verified" with exit 0 while the journal still said it
// was only accepted. Now the retry says the journal could not record it
// and exits 1; once there is room, it is settled.
func TestAReadBackOnAFullDiskIsNotReportedVerified(t *testing.T) {
	disk := smallTmpfs(t, "1m")
	home := filepath.Join(disk, "home")
	d := newKlaviyoDouble(t, sandbox.Options{})
	d.failProfileReads.Store(true) // Klaviyo accepts the job; reading it back fails
	if code, out, errOut := d.run(t, home, keyA, "subscribe", "--list", "Y6nRLr", "--email", "read.back@example.com", "--email-marketing"); code != 1 {
		t.Fatalf("subscribe: exit %d\n%s%s", code, out, errOut)
	}
	d.failProfileReads.Store(false)
	entries := journalEntries(t, home)
	if len(entries) != 1 || (entries[0]["state"] != "accepted" && entries[0]["state"] != "sent") { // "sent": the name before "accepted"
		t.Fatalf("journal: %v", entries)
	}
	// The journal ends on a page boundary, so that nothing more fits.
	path := filepath.Join(home, journalFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(bytes.Repeat([]byte("\n"), int(4096-fi.Size()%4096)%4096)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	free := fillDisk(t, disk)
	code, out, errOut := d.run(t, home, keyA, "history", "retry", "--all")
	if code != 1 || !strings.Contains(out+errOut, "no space left on device") {
		t.Fatalf("retry on a full disk: exit %d\n%s%s", code, out, errOut)
	}
	free()
	wantNoTornLine(t, home)
	if e := journalEntries(t, home); e[0]["state"] == "verified" {
		t.Fatalf("the journal says verified: %v", e)
	}
	if code, out, errOut := d.run(t, home, keyA, "history", "retry", "--all"); code != 0 || !strings.Contains(out, "verified") || d.posts.Load() != 1 {
		t.Fatalf("retry once there is room: exit %d, %d POSTs\n%s%s", code, d.posts.Load(), out, errOut)
	}
}
