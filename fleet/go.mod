module github.com/sessionless/sessionless/fleet

go 1.26.6

replace github.com/sessionless/sessionless => ../

require (
	github.com/google/go-cmp v0.7.0
	github.com/sessionless/sessionless v0.0.0-00010101000000-000000000000
)

require (
	github.com/go-json-experiment/json v1.27.2 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)
