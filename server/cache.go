package server

import (
	"bytes"
	"container/list"
	"net/http"
	"sync"
)

// answerCache keeps rendered API answers by build and query. A snapshot never
// changes, so an answer computed on it stays right until the next build (whose
// built_at is part of every key); the portfolio is in the key too, through the
// filters the query ran with.
type answerCache struct {
	mu       sync.Mutex
	max      int
	size     int
	order    *list.List // most recently used first
	items    map[string]*list.Element
	inflight map[string]*flight
}

// flight is an answer being computed: the requests asking the same question meanwhile
// wait for it rather than compute it again (right after a build, every client asks).
type flight struct {
	done chan struct{}
	a    *answer
	err  error
}

// do returns the kept answer to key, or computes it once for every request asking.
func (c *answerCache) do(key string, compute func() (*answer, error)) (*answer, error) {
	if a, ok := c.get(key); ok {
		return a, nil
	}
	c.mu.Lock()
	if f, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		<-f.done
		return f.a, f.err
	}
	f := &flight{done: make(chan struct{})}
	c.inflight[key] = f
	c.mu.Unlock()
	f.a, f.err = compute()
	if f.err == nil {
		f.a.key = key
		c.put(f.a)
	}
	c.mu.Lock()
	delete(c.inflight, key)
	c.mu.Unlock()
	close(f.done)
	return f.a, f.err
}

type answer struct {
	key         string
	contentType string
	disposition string
	body        []byte
	gzipped     bool   // body is gzip (a kept page)
	etag, csp   string // a kept page's ETag and Content-Security-Policy
}

func newAnswerCache(maxBytes int) *answerCache {
	return &answerCache{max: maxBytes, order: list.New(), items: map[string]*list.Element{}, inflight: map[string]*flight{}}
}

func (c *answerCache) get(key string) (*answer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*answer), true
}

func (c *answerCache) put(a *answer) {
	if len(a.body) > c.max/8 {
		return // one huge answer would push out everything else
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[a.key]; ok {
		return
	}
	c.items[a.key] = c.order.PushFront(a)
	c.size += len(a.body)
	for c.size > c.max {
		last := c.order.Back()
		old := last.Value.(*answer)
		c.order.Remove(last)
		delete(c.items, old.key)
		c.size -= len(old.body)
	}
}

// recorder renders an answer in memory, to keep it.
type recorder struct {
	header http.Header
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(int)             {}
