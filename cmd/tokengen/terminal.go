package main

import "os"

// isTerminal reports whether stream (stdin or stdout) is a terminal. A
// character device is not enough: /dev/null is one too, and "seal
// </dev/null" reads from no terminal. Where the system can tell
// (isTTY), it asks the terminal driver.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	return isTTY(f)
}
