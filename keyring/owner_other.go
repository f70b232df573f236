//go:build !unix

package keyring

import "os"

// keepOwner does nothing where files have no Unix owner.
func keepOwner(*os.File, os.FileInfo) error { return nil }

// fileOwner reports no owner where files have no Unix owner.
func fileOwner(os.FileInfo) (int, bool) { return 0, false }
