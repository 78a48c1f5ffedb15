// A page restored from the browser's back-forward cache shows what was
// true when it was left: a call form still filled in, "no calls yet"
// after a call was saved. Load it afresh instead.
addEventListener("pageshow", function (e) {
	if (e.persisted) {
		location.reload();
	}
});
