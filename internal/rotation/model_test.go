package rotation_test

// The model test drives the real step functions against the fakes and
// explores, breadth first over the states between invocations and depth
// first inside each invocation, everything that may happen:
//
//   - any of the four steps for any version, at any time, in any order,
//     rerun any number of times (a superset of what Secrets Manager does:
//     the steps in order, a failed one retried);
//   - a failure after any AWS call or probe (its effect kept, as when the
//     answer is lost), ending the invocation;
//   - Secrets Manager starting a rotation (a version without a value,
//     staged AWSPENDING) while none is in progress, up to modelRotations;
//     an operator abandoning a stuck rotation (AWSPENDING removed, the
//     documented way out of a failed rotation), which leaves its value
//     wherever the steps had put it;
//   - before any call, and between invocations, any sequence of: one of the
//     modelEdges CloudFront edge locations catching up with the
//     distribution's configuration (the distribution is Deployed once all
//     have), the ALB applying the listener rule's latest values, and, ahead
//     of UpdateDistribution, someone else changing the distribution (its
//     ETag) so the update meets PreconditionFailed;
//   - waits on a fake clock: each wait polls three times, then gives up
//     (the wait for the ALB to forward a value, once it does, polls 3
//     times in a row more quickly).
//
// The ALB is modelled as one set of applied values (world.Served), though
// it has a node per Availability Zone that applies a rule change on its
// own: HTTPProber asks every address of the probe URL's host and answers
// forwarded only when every node does (nodes that disagree are "not yet"),
// so a probe that forwards shows the whole set applied, which is what
// justifies modelling the ALB as one set.
//
// In every state, after every event and call, it checks the invariant:
// every value an edge location sends is one the ALB accepts, and the rule
// holds at most 5 values (a ModifyRule with more is a violation too, though
// the fake, like AWS, refuses it).
//
// States inside an invocation are identified by the world, the step, the
// token, what the step has seen so far and the clock, so a schedule that the
// step cannot tell from another one already explored is cut short.

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/rotation"
)

const (
	modelRotations = 4
	modelEdges     = 3
)

// errPruned ends an invocation that reached an explored state.
var errPruned = errors.New("state already explored")

type stateKey [16]byte

func keyOf(parts ...string) stateKey {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	var k stateKey
	copy(k[:], sum[:])
	return k
}

// explorer is the search.
type explorer struct {
	t       *testing.T
	seen    map[stateKey]bool   // states between invocations
	from    map[stateKey]string // how each was first reached, for traces
	parent  map[stateKey]stateKey
	points  map[stateKey]bool // states inside invocations
	queue   []*world
	runs    int
	maxRule int

	completed  int      // states where a rotation has finished cleanly
	violations int      // states that break the invariant
	first      []string // the trace to the first violation
}

func newExplorer(t *testing.T) *explorer {
	return &explorer{
		t:      t,
		seen:   map[stateKey]bool{},
		from:   map[stateKey]string{},
		parent: map[stateKey]stateKey{},
		points: map[stateKey]bool{},
	}
}

// add records w, reached from parent by what, and queues it when new.
func (e *explorer) add(w *world, parent *world, what string) {
	k := keyOf(w.key())
	if e.seen[k] {
		return
	}
	e.seen[k] = true
	e.from[k] = what
	if parent != nil {
		e.parent[k] = keyOf(parent.key())
	}
	if v := w.violation(); v != "" {
		e.violation(parent, what, v)
		return
	}
	e.maxRule = max(e.maxRule, len(w.Rule))
	if finished(w) {
		e.completed++
	}
	e.queue = append(e.queue, w)
}

// violation counts one, and keeps the trace to the first.
func (e *explorer) violation(at *world, what, v string) {
	e.violations++
	if e.first != nil {
		return
	}
	var trace []string
	if at != nil {
		for k := keyOf(at.key()); ; {
			trace = append(trace, e.from[k])
			p, ok := e.parent[k]
			if !ok {
				break
			}
			k = p
		}
		slices.Reverse(trace)
	}
	e.first = append(trace, what, "VIOLATION: "+v)
}

// finished is a world where a rotation has ended as it should: a newer
// version current, nothing pending, the rule, the ALB and every edge
// location on its value alone.
func finished(w *world) bool {
	cur := w.staged("AWSCURRENT")
	if cur.ID == "T0" {
		return false
	}
	if p := w.staged("AWSPENDING"); p != nil && p.ID != cur.ID {
		return false
	}
	one := []string{cur.Value}
	return slices.Equal(w.Rule, one) && slices.Equal(w.Served, one) && w.Config == cur.Value && w.deployed()
}

// expand explores every action from w.
func (e *explorer) expand(w *world) {
	for _, ev := range w.events() {
		next := w.clone()
		ev.apply(next)
		e.add(next, w, ev.name)
	}
	cur, pending := w.staged("AWSCURRENT"), w.staged("AWSPENDING")
	if (pending == nil || pending.ID == cur.ID) && w.Rotations < modelRotations {
		next := w.clone()
		id := next.startRotation()
		e.add(next, w, "RotateSecret "+id)
	}
	if pending != nil && pending.ID != cur.ID {
		next := w.clone()
		next.unstage("AWSPENDING")
		e.add(next, w, "abandon "+pending.ID)
	}
	for _, v := range w.Versions {
		for _, step := range steps {
			e.invoke(w, step, v.ID)
		}
	}
}

// invoke runs step for token from w under every schedule of choices.
func (e *explorer) invoke(w *world, step, token string) {
	var script []int
	for {
		c := &chooser{script: script}
		next := w.clone()
		clock := newFakeClock()
		env := &modelEnv{e: e, w: next, c: c, clock: clock, step: step, token: token, start: w}
		f := &fakes{w: next, env: env}
		err := f.rotator(clock, seededBytes(token+"/"+step)).Rotate(context.Background(),
			rotation.Event{SecretID: fakeSecretID, ClientRequestToken: token, Step: step})
		e.runs++
		if !env.pruned {
			outcome := "ok"
			if err != nil {
				outcome = "error: " + err.Error()
			}
			e.add(next, w, fmt.Sprintf("%s %s [%s] -> %s", step, token, strings.Join(env.log, ", "), outcome))
		}
		if script = c.next(); script == nil {
			return
		}
	}
}

// chooser makes the choices of one run: those of script, then the first
// alternative; next is the script of the following run, depth first.
type chooser struct {
	script []int
	taken  []int
	arity  []int
}

func (c *chooser) choose(n int) int {
	if n < 2 {
		return 0
	}
	k := 0
	if i := len(c.taken); i < len(c.script) {
		k = c.script[i]
	}
	c.taken = append(c.taken, k)
	c.arity = append(c.arity, n)
	return k
}

func (c *chooser) next() []int {
	for i := len(c.taken) - 1; i >= 0; i-- {
		if c.taken[i]+1 < c.arity[i] {
			s := slices.Clone(c.taken[:i+1])
			s[i]++
			return s
		}
	}
	return nil
}

// modelEnv is the environment of one run.
type modelEnv struct {
	e           *explorer
	w, start    *world
	c           *chooser
	clock       *fakeClock
	step, token string
	seen        []string // what the step has been answered
	log         []string // what happened, for traces
	pruned      bool
}

func (m *modelEnv) before(call string) {
	if m.pruned {
		return
	}
	k := keyOf(m.step, m.token, call, m.w.key(), strconv.Itoa(m.w.ETag), strings.Join(m.seen, "\x01"), m.clock.now().String())
	if m.e.points[k] {
		m.pruned = true
		return
	}
	m.e.points[k] = true
	for {
		evs := m.w.events()
		if len(evs) == 0 {
			break
		}
		i := m.c.choose(len(evs) + 1)
		if i == 0 {
			break
		}
		evs[i-1].apply(m.w)
		m.log = append(m.log, evs[i-1].name)
		m.check()
	}
	if call == "UpdateDistribution" && m.c.choose(2) == 1 {
		m.w.ETag++
		m.log = append(m.log, "someone else updates the distribution")
	}
}

func (m *modelEnv) after(call, result string) error {
	if m.pruned {
		return errPruned
	}
	m.log = append(m.log, call)
	if call == "ModifyRule" && strings.Contains(result, "condition values") {
		m.report("ModifyRule with more than 5 values: " + result)
	}
	m.check()
	m.seen = append(m.seen, call+"="+result)
	if m.c.choose(2) == 1 {
		m.seen[len(m.seen)-1] += " failed"
		m.log = append(m.log, "fails")
		return errInjected
	}
	return nil
}

func (m *modelEnv) check() {
	m.e.maxRule = max(m.e.maxRule, len(m.w.Rule))
	if v := m.w.violation(); v != "" {
		m.report(v)
	}
}

func (m *modelEnv) report(v string) {
	m.e.violation(m.start, fmt.Sprintf("%s %s [%s]", m.step, m.token, strings.Join(m.log, ", ")), v)
}

func TestModel(t *testing.T) {
	if testing.Short() {
		t.Skip("explores every interleaving: not in -short")
	}
	e := newExplorer(t)
	e.add(newWorld(modelEdges), nil, "start: T0 current everywhere")
	for len(e.queue) > 0 {
		w := e.queue[0]
		e.queue = e.queue[1:]
		e.expand(w)
	}
	t.Logf("explored %d states between invocations and %d inside them, in %d step invocations; %d violations",
		len(e.seen), len(e.points), e.runs, e.violations)
	t.Logf("largest rule: %d values; %d states with a rotation cleanly finished", e.maxRule, e.completed)
	if e.violations > 0 {
		t.Fatalf("%d violations of the invariant; the first:\n  %s", e.violations, strings.Join(e.first, "\n  "))
	}
	if e.completed == 0 {
		t.Error("no state has a finished rotation: the model explores nothing useful")
	}
	if e.maxRule > 3 {
		t.Errorf("the rule held %d values, want at most 3: current, pending and what CloudFront sends", e.maxRule)
	}
}
