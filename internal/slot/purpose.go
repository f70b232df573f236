package slot

// purposes are the purposes of every token the library seals, before an
// App namespaces them: remember.PurposeAuth, PurposeRemember and
// PurposeFresh, middleware.PurposeVisitor, PurposeFlash and PurposeOnce
// (middleware's TestPurposesListed holds them equal).
var purposes = [...]string{"auth", "remember", "fresh", "visitor", "flash", "once"}

// Purposes returns the purposes of every token the library seals.
func Purposes() []string { return purposes[:] }

// AppPurpose returns the purpose under which application app seals the
// tokens of purpose: app + "." + purpose, or purpose itself when app is
// empty (see remember.AppPurpose).
func AppPurpose(app, purpose string) string {
	if app == "" {
		return purpose
	}
	return app + "." + purpose
}

// OtherPurposes returns every purpose of the library but purpose,
// namespaced by app: for token.Config.OtherPurposes, so that a token of
// the library put in a cookie of another kind is reported as
// wrong_purpose rather than as a forgery (bad_tag).
func OtherPurposes(app, purpose string) []string {
	others := make([]string, 0, len(purposes)-1)
	for _, p := range purposes {
		if p != purpose {
			others = append(others, AppPurpose(app, p))
		}
	}
	return others
}
