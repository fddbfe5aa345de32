package rotation_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/google/go-cmp/cmp"

	"github.com/currency-convertor-ecs/currency-api/internal/rotation"
)

var steps = []string{rotation.StepCreate, rotation.StepSet, rotation.StepTest, rotation.StepFinish}

// testEnv lets the environment catch up before every call (CloudFront and
// the ALB propagate at once) unless frozen, fails the failAt-th call after
// its effect, and checks the invariant after every call.
type testEnv struct {
	t      *testing.T
	w      *world
	frozen bool
	failAt int
	calls  []string
	// beforeCall, when set, runs ahead of each call.
	beforeCall func(call string, w *world)
}

// probes is how many probes the step made.
func (e *testEnv) probes() int {
	n := 0
	for _, c := range e.calls {
		if c == "Probe" {
			n++
		}
	}
	return n
}

func (e *testEnv) before(call string) {
	if e.beforeCall != nil {
		e.beforeCall(call, e.w)
	}
	if !e.frozen {
		e.w.settle()
	}
}

func (e *testEnv) after(call, _ string) error {
	e.t.Helper()
	e.calls = append(e.calls, call)
	if v := e.w.violation(); v != "" {
		e.t.Errorf("after %s (call %d): %s", call, len(e.calls), v)
	}
	if len(e.calls) == e.failAt {
		return errInjected
	}
	return nil
}

// runStep runs one step of token against w with env's settings.
func runStep(t *testing.T, w *world, e *testEnv, step, token string) error {
	t.Helper()
	return runStepProbing(t, w, e, step, token, nil)
}

// runStepProbing is runStep with the probe's answers passed through
// answer, when not nil: n counts the probes from 1.
func runStepProbing(t *testing.T, w *world, e *testEnv, step, token string, answer func(n int, ok bool, err error) (bool, error)) error {
	t.Helper()
	e.t, e.w = t, w
	f := &fakes{w: w, env: e}
	r := f.rotator(newFakeClock(), seededBytes(token+"/"+step))
	if answer != nil {
		r.Prober = &answeringProber{Prober: r.Prober, answer: answer}
	}
	return r.Rotate(context.Background(), rotation.Event{SecretID: fakeSecretID, ClientRequestToken: token, Step: step})
}

// answeringProber passes Prober's answers through answer.
type answeringProber struct {
	rotation.Prober
	answer func(n int, ok bool, err error) (bool, error)
	n      int
}

func (p *answeringProber) Probe(ctx context.Context, value string) (bool, error) {
	ok, err := p.Prober.Probe(ctx, value)
	p.n++
	return p.answer(p.n, ok, err)
}

// mustStep runs a step that must succeed, with nothing frozen or failing.
func mustStep(t *testing.T, w *world, step, token string) {
	t.Helper()
	if err := runStep(t, w, &testEnv{}, step, token); err != nil {
		t.Fatalf("%s %s: %v", step, token, err)
	}
}

// checkFinished checks that token's rotation ended as it should: its value
// current, the one before it previous, nothing pending, and the rule and
// CloudFront on its value alone.
func checkFinished(t *testing.T, w *world, token, previous string) {
	t.Helper()
	v := w.version(token)
	if v == nil || v.Value == "" {
		t.Fatalf("version %s has no value", token)
	}
	if got, want := v.Stages, []string{"AWSCURRENT"}; !slices.Equal(got, want) {
		t.Errorf("%s stages = %v, want %v", token, got, want)
	}
	if got, want := w.version(previous).Stages, []string{"AWSPREVIOUS"}; !slices.Equal(got, want) {
		t.Errorf("%s stages = %v, want %v", previous, got, want)
	}
	if got, want := w.Rule, []string{v.Value}; !slices.Equal(got, want) {
		t.Errorf("rule = %s, want %s", shorts(got), shorts(want))
	}
	if got, want := w.Paths, newWorld(0).Paths; !slices.Equal(got, want) {
		t.Errorf("rule's path-pattern condition = %v, want %v kept", got, want)
	}
	if w.Config != v.Value || !w.deployed() {
		t.Errorf("CloudFront: config %s, edges %s; want %s everywhere", short(w.Config), shorts(w.Edges), short(v.Value))
	}
}

func TestRotationCompletes(t *testing.T) {
	w := newWorld(2)
	token := w.startRotation()
	for _, step := range steps {
		mustStep(t, w, step, token)
	}
	checkFinished(t, w, token, "T0")
	if v := w.version(token).Value; len(v) != 43 || strings.ContainsAny(v, "+/=") {
		t.Errorf("new value has %d characters, want 43 of base64url (32 bytes)", len(v))
	}

	// A second rotation from there, and every step rerun after its end:
	// each is a no-op.
	next := w.startRotation()
	for _, step := range steps {
		mustStep(t, w, step, next)
	}
	w.settle()
	before := w.clone()
	for _, step := range steps {
		mustStep(t, w, step, next)
	}
	w.settle()
	checkFinished(t, w, next, token)
	if diff := cmp.Diff(before, w); diff != "" {
		t.Errorf("rerun of a finished rotation changed the world (-before +after):\n%s", diff)
	}
}

// TestFailureAfterEachCallThenRerun fails each step after each of its AWS
// calls in turn, reruns the step, and finishes the rotation: it must end as
// a rotation without failures does, the invariant holding after every call.
func TestFailureAfterEachCallThenRerun(t *testing.T) {
	for i, step := range steps {
		// Reach the step, and count its calls in a clean run.
		start := newWorld(2)
		token := start.startRotation()
		for _, prev := range steps[:i] {
			mustStep(t, start, prev, token)
		}
		probe := &testEnv{}
		if err := runStep(t, start.clone(), probe, step, token); err != nil {
			t.Fatalf("%s: clean run: %v", step, err)
		}
		if len(probe.calls) < 3 {
			t.Fatalf("%s: clean run made %d calls: %v", step, len(probe.calls), probe.calls)
		}
		for k := 1; k <= len(probe.calls); k++ {
			w := start.clone()
			err := runStep(t, w, &testEnv{failAt: k}, step, token)
			if !errors.Is(err, errInjected) || !strings.HasPrefix(err.Error(), step+": ") {
				t.Errorf("%s failing after call %d (%s): err = %v, want the injected failure, prefixed %q",
					step, k, probe.calls[k-1], err, step+": ")
			}
			for _, rest := range steps[i:] {
				if err := runStep(t, w, &testEnv{}, rest, token); err != nil {
					t.Errorf("%s failed after call %d (%s), then %s: %v", step, k, probe.calls[k-1], rest, err)
				}
			}
			checkFinished(t, w, token, "T0")
		}
	}
}

// TestSetSecretPrunesLeftovers: a rule full of values from failed
// rotations keeps what CloudFront sends (here an abandoned rotation's
// value, not the current one) and drops the rest, so the new value fits.
func TestSetSecretPrunesLeftovers(t *testing.T) {
	w := newWorld(2)
	v0, abandoned := w.Versions[0].Value, valueOf("abandoned")
	w.Versions = append(w.Versions, version{ID: "Tx", Value: abandoned})
	w.Rule = []string{valueOf("junk1"), v0, valueOf("junk2"), abandoned, valueOf("junk3")}
	w.Served = slices.Clone(w.Rule)
	w.Config, w.Edges = abandoned, []string{abandoned, abandoned}

	token := w.startRotation()
	mustStep(t, w, rotation.StepCreate, token)
	e := &testEnv{}
	var seen [][]string
	e.beforeCall = func(string, *world) { seen = append(seen, slices.Clone(w.Rule)) }
	if err := runStep(t, w, e, rotation.StepSet, token); err != nil {
		t.Fatal(err)
	}
	pending := w.version(token).Value
	if got, want := w.Rule, []string{v0, abandoned, pending}; !slices.Equal(got, want) {
		t.Errorf("rule after setSecret = %s, want %s", shorts(got), shorts(want))
	}
	for _, step := range steps[2:] {
		mustStep(t, w, step, token)
	}
	checkFinished(t, w, token, "T0")
}

func TestSetSecretWaitsForDeployed(t *testing.T) {
	w := newWorld(2)
	token := w.startRotation()
	mustStep(t, w, rotation.StepCreate, token)
	// An edge location still serves an older configuration, and never
	// catches up within the wait.
	old := valueOf("older")
	w.Rule, w.Served, w.Edges[1] = []string{w.Config, old}, []string{w.Config, old}, old
	before := w.clone()
	err := runStep(t, w, &testEnv{frozen: true}, rotation.StepSet, token)
	if !errors.Is(err, rotation.ErrDeadline) || !strings.HasPrefix(err.Error(), "setSecret: ") {
		t.Errorf("err = %v, want ErrDeadline prefixed setSecret", err)
	}
	if diff := cmp.Diff(before, w); diff != "" {
		t.Errorf("setSecret changed something before CloudFront was Deployed (-before +after):\n%s", diff)
	}
}

func TestSetSecretWaitsForTheALB(t *testing.T) {
	w := newWorld(2)
	token := w.startRotation()
	mustStep(t, w, rotation.StepCreate, token)
	// The ALB applies the rule change only after one probe, and must
	// then forward the value 3 probes in a row; CloudFront must not
	// change before.
	e := &testEnv{frozen: true}
	probes := 0
	e.beforeCall = func(call string, w *world) {
		if call == "Probe" {
			if probes++; probes == 2 {
				w.Served = slices.Clone(w.Rule)
			}
		}
		if call == "UpdateDistribution" && probes < 4 {
			t.Errorf("UpdateDistribution after %d probes, before the ALB forwarded the pending value", probes)
		}
		if slices.Contains(e.calls, "UpdateDistribution") {
			w.settle()
		}
	}
	if err := runStep(t, w, e, rotation.StepSet, token); err != nil {
		t.Fatal(err)
	}
	if got, want := probes, 4; got != want {
		t.Errorf("probes = %d, want %d", got, want)
	}
}

func TestSetSecretWaitsForEveryNode(t *testing.T) {
	w := newWorld(2)
	token := w.startRotation()
	mustStep(t, w, rotation.StepCreate, token)
	// The ALB's nodes forward the pending value, then disagree once: the
	// 3 rounds in a row start again.
	e := &testEnv{frozen: true}
	e.beforeCall = func(call string, w *world) {
		if call == "Probe" {
			w.Served = slices.Clone(w.Rule)
		}
		if call == "UpdateDistribution" && e.probes() < 5 {
			t.Errorf("UpdateDistribution after %d probes, before 3 rounds in a row forwarded the pending value", e.probes())
		}
		if slices.Contains(e.calls, "UpdateDistribution") {
			w.settle()
		}
	}
	err := runStepProbing(t, w, e, rotation.StepSet, token, func(n int, ok bool, err error) (bool, error) {
		if n == 2 {
			return false, fmt.Errorf("1 of 2 addresses forwarded: %w", rotation.ErrNodesDisagree)
		}
		return ok, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.probes(), 5; got != want {
		t.Errorf("probes = %d, want %d", got, want)
	}
}

func TestTestSecretNodesDisagree(t *testing.T) {
	w := newWorld(2)
	token := w.startRotation()
	mustStep(t, w, rotation.StepCreate, token)
	mustStep(t, w, rotation.StepSet, token)
	err := runStepProbing(t, w, &testEnv{}, rotation.StepTest, token, func(int, bool, error) (bool, error) {
		return false, fmt.Errorf("1 of 2 addresses forwarded: %w", rotation.ErrNodesDisagree)
	})
	if !errors.Is(err, rotation.ErrNodesDisagree) || !strings.HasPrefix(err.Error(), "testSecret: ") {
		t.Errorf("err = %v, want ErrNodesDisagree prefixed testSecret", err)
	}
}

func TestSetSecretRefusesBadDeployedValue(t *testing.T) {
	w := newWorld(2)
	token := w.startRotation()
	mustStep(t, w, rotation.StepCreate, token)
	// Someone else deployed a value the rule must not carry.
	const bad = "not a secret"
	w.Rule = append(w.Rule, bad)
	w.Served = slices.Clone(w.Rule)
	w.Config = bad
	for i := range w.Edges {
		w.Edges[i] = bad
	}
	before := w.clone()
	err := runStep(t, w, &testEnv{}, rotation.StepSet, token)
	if !errors.Is(err, rotation.ErrBadValue) || !strings.HasPrefix(err.Error(), "setSecret: ") {
		t.Errorf("err = %v, want ErrBadValue prefixed setSecret", err)
	}
	if diff := cmp.Diff(before, w); diff != "" {
		t.Errorf("setSecret changed something (-before +after):\n%s", diff)
	}
}

func TestSetSecretRetriesPreconditionFailed(t *testing.T) {
	w := newWorld(2)
	token := w.startRotation()
	mustStep(t, w, rotation.StepCreate, token)
	e := &testEnv{}
	updates := 0
	e.beforeCall = func(call string, w *world) {
		// Someone else changes the distribution between our read and
		// our update, twice.
		if call == "UpdateDistribution" {
			if updates++; updates <= 2 {
				w.ETag++
			}
		}
	}
	if err := runStep(t, w, e, rotation.StepSet, token); err != nil {
		t.Fatal(err)
	}
	if got, want := updates, 3; got != want {
		t.Errorf("UpdateDistribution calls = %d, want %d", got, want)
	}
	if w.Config != w.version(token).Value {
		t.Errorf("CloudFront config = %s, want the pending value", short(w.Config))
	}

	// Three times in a row: setSecret gives up, naming the step.
	w = newWorld(2)
	token = w.startRotation()
	mustStep(t, w, rotation.StepCreate, token)
	e = &testEnv{beforeCall: func(call string, w *world) {
		if call == "UpdateDistribution" {
			w.ETag++
		}
	}}
	err := runStep(t, w, e, rotation.StepSet, token)
	if err == nil || !strings.HasPrefix(err.Error(), "setSecret: ") || !strings.Contains(err.Error(), "PreconditionFailed 3 times") {
		t.Errorf("err = %v, want setSecret: ... PreconditionFailed 3 times", err)
	}
	if stale := new(cftypes.PreconditionFailed); !errors.As(err, &stale) {
		t.Errorf("err = %v, want it to wrap the last PreconditionFailed", err)
	}
}

func TestFinishSecretRefusesBeforeSet(t *testing.T) {
	w := newWorld(2)
	token := w.startRotation()
	mustStep(t, w, rotation.StepCreate, token)
	before := w.clone()
	err := runStep(t, w, &testEnv{}, rotation.StepFinish, token)
	if !errors.Is(err, rotation.ErrNotSet) || !strings.HasPrefix(err.Error(), "finishSecret: ") {
		t.Errorf("err = %v, want ErrNotSet prefixed finishSecret", err)
	}
	if diff := cmp.Diff(before, w); diff != "" {
		t.Errorf("finishSecret changed something (-before +after):\n%s", diff)
	}
}

func TestTestSecretRefusedValue(t *testing.T) {
	w := newWorld(2)
	token := w.startRotation()
	mustStep(t, w, rotation.StepCreate, token)
	// setSecret has not run: the ALB refuses the pending value.
	err := runStep(t, w, &testEnv{}, rotation.StepTest, token)
	if !errors.Is(err, rotation.ErrProbe) || !strings.Contains(err.Error(), "refused the pending value") {
		t.Errorf("err = %v, want ErrProbe: refused the pending value", err)
	}
}

func TestStepRefused(t *testing.T) {
	w := newWorld(2)
	previous := w.startRotation()
	for _, step := range steps {
		mustStep(t, w, step, previous)
	}
	abandoned := w.startRotation()
	mustStep(t, w, rotation.StepCreate, abandoned)
	w.unstage("AWSPENDING")
	w.startRotation()
	w.settle()
	for _, tc := range []struct {
		name, step, token string
		want              error
	}{
		// Secrets Manager lists only versions with a label.
		{"abandoned token", rotation.StepSet, abandoned, rotation.ErrUnknownVersion},
		{"AWSPREVIOUS version", rotation.StepFinish, "T0", rotation.ErrNotPending},
		// The current version while another rotation runs: nothing to
		// do, and the rule is the other rotation's to narrow.
		{"current version", rotation.StepFinish, previous, nil},
		{"current version", rotation.StepSet, previous, nil},
		{"unknown token", rotation.StepCreate, "T9", rotation.ErrUnknownVersion},
		{"unknown step", "rotateSecret", previous, rotation.ErrUnknownStep},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := w.clone()
			err := runStep(t, w, &testEnv{}, tc.step, tc.token)
			if tc.want == nil && err != nil {
				t.Errorf("err = %v, want nil", err)
			}
			if tc.want != nil && (!errors.Is(err, tc.want) || !strings.HasPrefix(err.Error(), tc.step+": ")) {
				t.Errorf("err = %v, want %v prefixed %s", err, tc.want, tc.step)
			}
			if diff := cmp.Diff(before, w); diff != "" {
				t.Errorf("changed the world (-before +after):\n%s", diff)
			}
		})
	}
}

func TestBadCurrentValueRefused(t *testing.T) {
	w := newWorld(2)
	// A value an ALB condition would read as a wildcard pattern.
	w.Versions[0].Value = strings.Repeat("a", 40) + "*"
	token := w.startRotation()
	mustStep(t, w, rotation.StepCreate, token)
	err := runStep(t, w, &testEnv{}, rotation.StepSet, token)
	if !errors.Is(err, rotation.ErrBadValue) {
		t.Errorf("err = %v, want ErrBadValue", err)
	}
	if strings.Contains(err.Error(), w.Versions[0].Value) {
		t.Errorf("the error shows the secret value: %v", err)
	}
}
