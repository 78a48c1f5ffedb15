package web

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
)

func (s *Server) mayReadMetrics(r *http.Request) bool {
	if s.MetricsToken != "" {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		return ok && sameToken(s.MetricsToken, token)
	}
	ip := net.ParseIP(clientIP(r))
	return ip != nil && ip.IsLoopback()
}

// healthz answers 200 "ok" while the database answers, 503 when it does
// not: for a load balancer or a monitor. It says nothing else.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if _, err := s.Store.Status(r.Context()); err != nil {
		s.Log.Error("health check: the database does not answer", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "the database does not answer")
		return
	}
	if since, full := s.Store.Full(r.Context()); full {
		// It answers, and the web app serves, but nothing can be recorded
		// and nothing is sent: someone must free space.
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "the disk is full since %s: nothing can be recorded and no notice is sent until space is freed\n", since.UTC().Format(time.RFC3339))
		return
	}
	fmt.Fprintln(w, "ok")
}

// metrics writes counts in Prometheus' text format, for the people who run
// owabi: notices by state, how long the oldest has waited, what the sender
// met since it started, and refused sign-ins. Counts only: no person is in
// them. The format is a few lines of text; a client library would bring
// far more than it adds here.
//
// The counts tell how big the incident is, so /metrics answers only the
// bearer of MetricsToken when one is set, and otherwise only this
// computer (a reverse proxy in front is this computer too: set the token,
// or keep /metrics from the proxy).
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	if !s.mayReadMetrics(r) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	st, err := s.Store.Status(r.Context())
	if err != nil {
		http.Error(w, "the database does not answer", http.StatusServiceUnavailable)
		return
	}
	age, err := s.Store.QueueAge(r.Context())
	if err != nil {
		http.Error(w, "the database does not answer", http.StatusServiceUnavailable)
		return
	}
	cases, err := s.Store.CaseCounts(r.Context())
	if err != nil {
		http.Error(w, "the database does not answer", http.StatusServiceUnavailable)
		return
	}
	var b strings.Builder
	metric := func(name, kind, help string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
	}
	metric("owabi_notices", "gauge", "Notices in the outbox, by state (sent grows as they go: its rate is the send rate).")
	for _, state := range notify.NoticeStates {
		fmt.Fprintf(&b, "owabi_notices{state=%q} %d\n", state, st.Notices[state])
	}
	metric("owabi_cases", "gauge", "Affected people by what their case needs now (at_risk: their PC may be infected and nobody has checked it).")
	for _, u := range notify.Urgencies {
		fmt.Fprintf(&b, "owabi_cases{urgency=%q} %d\n", u, cases[u])
	}
	metric("owabi_queue_age_seconds", "gauge", "How long the oldest notice waiting to go has waited; 0 when none waits.")
	fmt.Fprintf(&b, "owabi_queue_age_seconds %.0f\n", age.Seconds())
	if s.Sender != nil {
		sent, retried, failed := s.Sender()
		metric("owabi_smtp_sent_total", "counter", "Notices the mail server accepted since owabi started.")
		fmt.Fprintf(&b, "owabi_smtp_sent_total %d\n", sent)
		metric("owabi_smtp_errors_total", "counter", "Sends the mail server refused or that failed, since owabi started, by outcome.")
		fmt.Fprintf(&b, "owabi_smtp_errors_total{outcome=\"retry\"} %d\nowabi_smtp_errors_total{outcome=\"failed\"} %d\n", retried, failed)
	}
	metric("owabi_disk_full", "gauge", "1 while the database's disk is too full to record anything (nothing is sent then), else 0.")
	full := 0
	if _, ok := s.Store.Full(r.Context()); ok {
		full = 1
	}
	fmt.Fprintf(&b, "owabi_disk_full %d\n", full)
	metric("owabi_logins_failed_total", "counter", "Sign-ins refused since owabi started (wrong name or password, or too many tries).")
	fmt.Fprintf(&b, "owabi_logins_failed_total %d\n", s.loginsFailed.Load())
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	fmt.Fprint(w, b.String())
}
