package sitetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Tab runs chromedp actions in one tab of the browser and fails the test on the first error.
type Tab struct {
	T   *testing.T
	Ctx context.Context
}

// Do runs the actions in the tab; what names them in the failure.
func (b Tab) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.T.Helper()
	if err := chromedp.Do(b.Ctx, actions...); err != nil {
		b.T.Fatalf("%s: %v", what, err)
	}
}

// Wait waits until the JavaScript expression is true: up to two minutes, long enough for a build and a run on a
// slow machine.
func (b Tab) Wait(expr string) {
	b.T.Helper()
	poll := chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(2*time.Minute))
	for try := 1; ; try++ {
		_, err := chromedp.Run(b.Ctx, poll)
		// A page that was just navigated to can still be replacing its JavaScript context, which a loaded
		// machine shows as this error: poll again, in the new context.
		if err != nil && try < 5 && strings.Contains(err.Error(), "Cannot find context with specified id") {
			continue
		}
		if err != nil {
			b.T.Fatalf("waiting for %s: %v", expr, err)
		}
		return
	}
}

// Eval returns the value of the JavaScript expression in the tab.
func Eval[T any](b Tab, expr string) T {
	b.T.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.T.Fatalf("%s: %v", expr, err)
	}
	return v
}

// Exceptions keeps what the scripts of a browser's pages throw, from its events.
type Exceptions struct {
	mu     sync.Mutex
	thrown []string
}

// Listen is a listener for Browser: it keeps each exception thrown, with its line and column.
func (x *Exceptions) Listen(ev any) {
	e, ok := ev.(*runtime.EventExceptionThrown)
	if !ok {
		return
	}
	d := e.ExceptionDetails
	what := d.Text
	if d.Exception != nil {
		what = d.Exception.Description
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.thrown = append(x.thrown, fmt.Sprintf("%d:%d: %s", d.LineNumber+1, d.ColumnNumber+1, what))
}

// Check fails the test for each exception kept.
func (x *Exceptions) Check(t *testing.T) {
	t.Helper()
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, e := range x.thrown {
		t.Errorf("the page's script threw: %s", e)
	}
}
