package scenario

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/browserws/websocket"
)

// Env is what a driver needs to know about where it runs.
type Env struct {
	// WS is the test server's base URL, ws://host:port.
	WS string
	// DeadPort is a local port nothing listens on.
	DeadPort int
	// BlockedPort is a port browsers refuse to connect to, on which the test
	// server listens too.
	BlockedPort int
	// Runtime names the runtime, for the id parameter: "native", "wasm-chromium" …
	Runtime string
	// PageURL is the URL of the page the browser drivers run in, for the native
	// driver's Options.PageURL in scenarios that ask for it.
	PageURL string
}

// ExpandURL returns sc's URL with its placeholders filled in and, with AddID, the
// id parameter of scenario number i added.
func (env Env) ExpandURL(sc Scenario, i int) string {
	host := strings.TrimPrefix(env.WS, "ws://")
	u := strings.NewReplacer("{ws}", env.WS, "{http}", "http://"+host, "{host}", host,
		"{deadport}", strconv.Itoa(env.DeadPort), "{blockedport}", strconv.Itoa(env.BlockedPort)).Replace(sc.URL)
	u = Expand(u)
	if sc.AddID {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + "id=" + ID(env.Runtime, i)
	}
	return u
}

// ID is the id parameter of scenario number i in a runtime.
func ID(runtime string, i int) string { return fmt.Sprintf("%s-%d", runtime, i) }

// RunAll runs the scenarios, parallel at a time, and returns their traces in order.
func RunAll(env Env, scs []Scenario, parallel int) []Trace {
	out := make([]Trace, len(scs))
	sem := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	for i, sc := range scs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = Run(env, sc, i)
		}()
	}
	wg.Wait()
	return out
}

// Run runs scenario number i through github.com/browserws/websocket, the way the
// JavaScript driver runs it through a WebSocket: construct, act, then set the on*
// handlers (a JavaScript page runs no event before its script ends; the package
// keeps events for handlers set right after New).
func Run(env Env, sc Scenario, i int) Trace {
	start := time.Now()
	tr := Trace{Scenario: sc.Name}
	var mu sync.Mutex
	add := func(e Entry) {
		mu.Lock()
		tr.Entries = append(tr.Entries, e)
		mu.Unlock()
	}
	o := &websocket.Options{Protocols: sc.Protocols}
	if sc.PageURL && env.PageURL != "" { // natively only: the WASM driver has a real page
		o.PageURL = env.PageURL
	}
	ws, err := websocket.NewWithOptions(env.ExpandURL(sc, i), o)
	if err != nil {
		add(Entry{Event: "new", Exception: exceptionName(err)})
		tr.ElapsedMS = int(time.Since(start).Milliseconds())
		return tr
	}
	add(Entry{Event: "new", ReadyState: int(ws.ReadyState()), URL: ws.URL(), BinaryType: string(ws.BinaryType()),
		BufferedAmount: int(ws.BufferedAmount()), Protocol: ws.Protocol(), Extensions: ws.Extensions()})
	d := &driver{env: env, ws: ws, add: add, regs: map[string]*websocket.Registration{}}
	d.act(sc.Now, "")
	ws.OnOpen(func(e *websocket.Event) {
		add(Entry{Event: "open", ReadyState: int(ws.ReadyState()), Protocol: ws.Protocol(), Extensions: ws.Extensions()})
		d.act(sc.OnOpen, "")
	})
	d.onMessage = func(e *websocket.MessageEvent) {
		var data string
		switch v := e.Data.(type) {
		case string:
			data = DescribeText(v)
		case *websocket.Blob:
			data = DescribeBinary("blob", v.Bytes(), v.Type())
		case []byte:
			data = DescribeBinary("arraybuffer", v, "")
		default:
			data = fmt.Sprintf("other:%T", v)
		}
		add(Entry{Event: "message", ReadyState: int(ws.ReadyState()), Data: data, Origin: e.Origin})
		d.act(sc.OnMessage, data)
	}
	ws.OnMessage(d.onMessage)
	ws.OnError(func(e *websocket.Event) {
		add(Entry{Event: "error", ReadyState: int(ws.ReadyState())})
	})
	ws.OnClose(func(e *websocket.CloseEvent) {
		add(Entry{Event: "close", ReadyState: int(ws.ReadyState()), Code: e.Code, Reason: e.Reason, WasClean: e.WasClean})
		d.act(sc.OnClose, "")
	})
	timeout := time.Duration(sc.TimeoutMS) * time.Millisecond
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	select {
	case <-ws.Done():
	case <-time.After(timeout):
		// The trace ends at the timeout: what Close makes happen then races
		// with the copy, and the report must be the same from run to run.
		add(Entry{Event: "timeout", ReadyState: int(ws.ReadyState())})
		mu.Lock()
		entries := append([]Entry(nil), tr.Entries...)
		mu.Unlock()
		ws.Close()
		return Trace{Scenario: tr.Scenario, Entries: entries, ElapsedMS: int(time.Since(start).Milliseconds())}
	}
	mu.Lock()
	defer mu.Unlock()
	return Trace{Scenario: tr.Scenario, Entries: append([]Entry(nil), tr.Entries...), ElapsedMS: int(time.Since(start).Milliseconds())}
}

type driver struct {
	env  Env
	ws   *websocket.WebSocket
	add  func(Entry)
	regs map[string]*websocket.Registration // by listener name; actions run one at a time

	onMessage func(*websocket.MessageEvent) // the onmessage handler, for setOnMessage
}

// listener makes a listener of type typ that records its name.
func (d *driver) listener(typ, name string) websocket.EventListener {
	rec := func(e *websocket.Event) {
		d.add(Entry{Event: e.Type, Action: "listener " + name, ReadyState: int(d.ws.ReadyState())})
	}
	switch typ {
	case websocket.TypeOpen:
		return websocket.OpenListener(rec)
	case websocket.TypeMessage:
		return websocket.MessageListener(func(e *websocket.MessageEvent) { rec(&e.Event) })
	case websocket.TypeError:
		return websocket.ErrorListener(rec)
	case websocket.TypeClose:
		return websocket.CloseListener(func(e *websocket.CloseEvent) { rec(&e.Event) })
	}
	return nil
}

// act runs actions; data is the current message's description, for If/Unless.
func (d *driver) act(actions []Action, data string) {
	ws := d.ws
	for _, a := range actions {
		if (a.If != "" && a.If != data) || (a.Unless != "" && a.Unless == data) {
			continue
		}
		var err error
		switch a.Do {
		case "send":
			err = ws.Send(Expand(a.Text))
		case "sendBytes":
			err = ws.Send(payload(a))
		case "sendView":
			buf := Pattern(2 * a.Size)
			err = ws.Send(buf[a.Offset : a.Offset+a.Size])
		case "sendBlob":
			err = ws.Send(websocket.NewBlob(payload(a), ""))
		case "sendNext":
			n, _ := strconv.Atoi(strings.TrimPrefix(data, "text:"))
			err = ws.Send(strconv.Itoa(n + 1))
		case "close":
			err = ws.Close()
		case "closeCode":
			err = ws.CloseWithCode(a.Code, Expand(a.Reason))
		case "binaryType":
			ws.SetBinaryType(websocket.BinaryType(a.Text))
		case "attrs":
			d.add(Entry{Event: "do", Action: "attrs", ReadyState: int(ws.ReadyState()), URL: ws.URL(),
				Protocol: ws.Protocol(), Extensions: ws.Extensions(), BinaryType: string(ws.BinaryType()),
				BufferedAmount: int(ws.BufferedAmount())})
			continue
		case "block":
			err = d.block(time.Duration(a.Size) * time.Millisecond)
		case "listen":
			if l := d.listener(a.Text, a.Reason); l != nil {
				d.regs[a.Reason] = ws.AddEventListener(l, websocket.ListenerOptions{Once: a.Code == 1})
			} else {
				err = fmt.Errorf("no event type %q", a.Text)
			}
		case "unlisten":
			ws.RemoveEventListener(d.regs[a.Reason])
		case "setOnMessage":
			if a.Text == "null" {
				ws.OnMessage(nil)
			} else {
				ws.OnMessage(d.onMessage)
			}
		default:
			err = fmt.Errorf("unknown action %q", a.Do)
		}
		d.add(Entry{Event: "do", Action: a.Describe(), Exception: exceptionName(err), ReadyState: int(ws.ReadyState())})
	}
}

// block keeps a handler busy the ways a Go handler may: a channel wait, a sleep,
// and an HTTP request (in WASM it needs the JavaScript event loop).
func (d *driver) block(total time.Duration) error {
	ch := make(chan struct{})
	go func() { time.Sleep(total / 2); close(ch) }()
	<-ch
	time.Sleep(total / 2)
	resp, err := http.Get("http" + strings.TrimPrefix(d.env.WS, "ws") + "/record?id=none")
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		return fmt.Errorf("GET /record: status %d", resp.StatusCode)
	}
	return nil
}

func payload(a Action) []byte {
	if a.Text != "" {
		return []byte(Expand(a.Text))
	}
	return Pattern(a.Size)
}

// exceptionName is the JavaScript exception an error stands for: the
// DOMException's name, TypeError for unsupported data, else the error's text.
func exceptionName(err error) string {
	if err == nil {
		return ""
	}
	var de *websocket.DOMException
	if errors.As(err, &de) {
		return de.Name
	}
	if errors.Is(err, websocket.ErrUnsupportedData) {
		return "TypeError"
	}
	return "Go error: " + err.Error()
}
