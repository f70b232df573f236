package main

import (
	"context"
	"time"
)

// parentCheckInterval is how often the demo looks whether the process
// that started it is still there.
const parentCheckInterval = time.Second

// untilParentExits returns a context that is done when ctx is, or once the
// process that started the demo has exited: getppid (os.Getppid) then
// names another process, the one that adopted the demo (init, or a
// subreaper). That process is `go run` when the README's command started
// the demo, and `go run` does not pass a SIGTERM or SIGKILL on to the
// program it runs: without this, killing go run by its PID left the demo
// serving. (Linux's PR_SET_PDEATHSIG would do it without polling, but
// only for a child that asks before its parent can die, and not on other
// systems.) Where the parent id never changes (Windows; a demo that is
// itself PID 1 in a container), the context ends only with ctx.
func untilParentExits(ctx context.Context, getppid func() int, every time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	parent := getppid()
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if getppid() != parent {
					cancel()
					return
				}
			}
		}
	}()
	return ctx, cancel
}
