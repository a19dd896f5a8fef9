//go:build !js

package wstest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Record is what the server saw of a client's end of a connection.
type Record struct {
	// Code is the close code the client sent: 1005 for a close frame without
	// status, -1 when the connection ended without a close frame.
	Code   int
	Reason string
	Err    string
}

// records keeps the Record of each connection by its id query parameter.
type records struct {
	mu      sync.Mutex
	byID    map[string]Record
	changed chan struct{}
}

func newRecords() *records {
	return &records{byID: map[string]Record{}, changed: make(chan struct{})}
}

func (rs *records) put(id string, r Record) {
	if id == "" {
		return
	}
	rs.mu.Lock()
	rs.byID[id] = r
	close(rs.changed)
	rs.changed = make(chan struct{})
	rs.mu.Unlock()
}

// wait returns the record of id, waiting up to d for it.
func (rs *records) wait(id string, d time.Duration) (Record, bool) {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		rs.mu.Lock()
		r, ok := rs.byID[id]
		ch := rs.changed
		rs.mu.Unlock()
		if ok {
			return r, true
		}
		select {
		case <-ch:
		case <-deadline.C:
			return Record{}, false
		}
	}
}

// serveRecord answers GET /record?id=…&wait_ms=… with the record as JSON, or 404.
// Pages of another origin may read it.
func (rs *records) serveRecord(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	ms, _ := strconv.Atoi(r.URL.Query().Get("wait_ms"))
	rec, ok := rs.wait(r.URL.Query().Get("id"), time.Duration(ms)*time.Millisecond)
	if !ok {
		http.Error(w, "no record", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(rec)
}
