package remember

import "time"

// SetNow replaces the clock of m, for tests.
func SetNow[T any](m *Manager[T], now func() time.Time) { m.now = now }
