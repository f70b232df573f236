module github.com/sessionless/sessionless/bench

go 1.26.6

require (
	github.com/alexedwards/scs/v2 v2.9.0
	github.com/go-jose/go-jose/v4 v4.1.8
	github.com/go-json-experiment/json v1.27.2
	github.com/google/go-cmp v0.7.0
	github.com/gorilla/securecookie v1.1.2
	github.com/gorilla/sessions v1.4.0
	github.com/sessionless/sessionless v0.0.0-00010101000000-000000000000
)

require golang.org/x/sys v0.49.0 // indirect

replace github.com/sessionless/sessionless => ../
