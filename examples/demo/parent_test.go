package main

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// TestUntilParentExits: the context ends within a check interval of the
// parent's exit (the parent id changes), and not before; cancelling the
// outer context ends it too.
func TestUntilParentExits(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var ppid atomic.Int64
		ppid.Store(4242)
		getppid := func() int { return int(ppid.Load()) }
		ctx, cancel := untilParentExits(context.Background(), getppid, time.Second)
		defer cancel()

		time.Sleep(10 * time.Second)
		synctest.Wait()
		if ctx.Err() != nil {
			t.Fatal("the context ended while the parent lives")
		}
		ppid.Store(1) // adopted by init: go run was killed
		time.Sleep(time.Second)
		synctest.Wait()
		if ctx.Err() == nil {
			t.Fatal("the context did not end within a second of the parent's exit")
		}

		outer, stop := context.WithCancel(context.Background())
		ctx, cancel = untilParentExits(outer, getppid, time.Second)
		defer cancel()
		stop()
		synctest.Wait()
		if ctx.Err() == nil {
			t.Error("cancelling the outer context did not end it")
		}
	})
}
