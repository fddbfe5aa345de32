package rotation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// forwardRounds is how many probes in a row must see every ALB node
// forward a value just added: the ALB applies a rule change eventually, not
// at once.
const forwardRounds = 3

// forwardRoundPause bounds the pause between two of those probes.
const forwardRoundPause = 2 * time.Second

// setSecret makes the ALB accept the pending value, then CloudFront send
// it; see the package documentation for the rule's value set.
func (r *Rotator) setSecret(ctx context.Context, ev Event, log *slog.Logger) error {
	current, pending, err := r.values(ctx, ev)
	if err != nil {
		return err
	}
	// Until the distribution is Deployed some edge locations may still
	// send a value no API names; once it is, they all send deployed.
	deployed, err := r.waitDeployed(ctx)
	if err != nil {
		return err
	}
	if err := checkValue("the value the distribution is Deployed with", deployed); err != nil {
		return err
	}
	n, err := r.narrowRule(ctx, deployed, current, pending)
	if err != nil {
		return err
	}
	log.Info("listener rule accepts the current and pending values", "rule_values", n)
	if deployed == pending {
		log.Info("distribution already Deployed with the pending value")
		return nil
	}
	// The ALB applies a rule change within moments, not at once: see it
	// forward the value before any edge location may send it.
	if err := r.waitForwarded(ctx, pending); err != nil {
		return err
	}
	if err := r.setOriginHeader(ctx, deployed, pending); err != nil {
		return err
	}
	now, err := r.waitDeployed(ctx)
	if err != nil {
		return err
	}
	if now != pending {
		return fmt.Errorf("distribution %s is Deployed with another value than the pending one: %w", r.DistributionID, ErrConfig)
	}
	log.Info("distribution Deployed with the pending value")
	return nil
}

// waitForwarded probes the ALB with value until every node has forwarded
// it forwardRounds times in a row, or until RuleTimeout (or the
// invocation's deadline) passes. Nodes that disagree are not there yet.
func (r *Rotator) waitForwarded(ctx context.Context, value string) error {
	deadline := r.deadline(ctx, r.RuleTimeout)
	for rounds := 0; ; {
		cctx, cancel, err := r.poll(ctx, deadline)
		if err != nil {
			return fmt.Errorf("wait for the ALB to forward the pending value: %w", err)
		}
		ok, err := r.Prober.Probe(cctx, value)
		cancel()
		switch {
		case errors.Is(err, ErrNodesDisagree):
			rounds = 0
		case err != nil:
			return fmt.Errorf("probe the ALB: %w", err)
		case ok:
			if rounds++; rounds == forwardRounds {
				return nil
			}
		default:
			rounds = 0
		}
		interval := r.PollInterval
		if rounds > 0 {
			interval = min(interval, forwardRoundPause)
		}
		if err := r.pauseFor(ctx, deadline, interval); err != nil {
			return fmt.Errorf("wait for the ALB to forward the pending value: %w", err)
		}
	}
}

func (r *Rotator) probe(ctx context.Context, value string) (bool, error) {
	cctx, cancel := r.call(ctx)
	defer cancel()
	ok, err := r.Prober.Probe(cctx, value)
	if err != nil {
		return false, fmt.Errorf("probe the ALB: %w", err)
	}
	return ok, nil
}

// testSecret checks through the ALB that the pending and the current value
// are forwarded and a wrong one is refused.
func (r *Rotator) testSecret(ctx context.Context, ev Event, log *slog.Logger) error {
	current, pending, err := r.values(ctx, ev)
	if err != nil {
		return err
	}
	wrong, err := r.newValue()
	if err != nil {
		return err
	}
	for _, c := range []struct {
		name    string
		value   string
		forward bool
	}{
		{"the pending value", pending, true},
		{"the current value", current, true},
		{"a wrong value", wrong, false},
	} {
		ok, err := r.probe(ctx, c.value)
		if err != nil {
			return err
		}
		if ok != c.forward {
			verb := "refused"
			if ok {
				verb = "forwarded"
			}
			return fmt.Errorf("%w: it %s %s", ErrProbe, verb, c.name)
		}
	}
	log.Info("ALB forwards the pending and current values and refuses a wrong one")
	return nil
}

// finishSecret moves AWSCURRENT to the token's version once CloudFront is
// Deployed with its value, then narrows the rule to that value.
func (r *Rotator) finishSecret(ctx context.Context, ev Event, s secretState, log *slog.Logger) error {
	pending, err := r.value(ctx, ev.SecretID, ev.ClientRequestToken, stagePending)
	if err != nil {
		return err
	}
	deployed, err := r.waitDeployed(ctx)
	if err != nil {
		return err
	}
	if deployed != pending {
		return fmt.Errorf("distribution %s: %w: setSecret has not completed", r.DistributionID, ErrNotSet)
	}
	// RemoveFromVersionId is required while AWSCURRENT is on another
	// version; Secrets Manager then stages that one AWSPREVIOUS
	// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html).
	if err := r.stage(ctx, ev.SecretID, stageCurrent, ev.ClientRequestToken, s.current); err != nil {
		return err
	}
	log.Info("AWSCURRENT moved to the new version", "previous_version_id", s.current)
	return r.finishCurrent(ctx, ev, s, log)
}

// finishCurrent is the end of finishSecret for a token already AWSCURRENT:
// AWSPENDING leaves it (the rotation function must end with AWSPENDING on
// no version or on the current one: either is allowed, none leaves no
// doubt), and the rule narrows to the current value once CloudFront is
// Deployed with it.
func (r *Rotator) finishCurrent(ctx context.Context, ev Event, s secretState, log *slog.Logger) error {
	if s.pending != "" && s.pending != ev.ClientRequestToken {
		// A later rotation owns the rule now; its setSecret prunes.
		log.Info("another rotation is in progress: rule left to it", "pending_version_id", s.pending)
		return nil
	}
	if s.pending == ev.ClientRequestToken {
		if err := r.stage(ctx, ev.SecretID, stagePending, "", ev.ClientRequestToken); err != nil {
			return err
		}
	}
	// Read by label: moto keeps answering the old version to a read
	// without one after UpdateSecretVersionStage.
	current, err := r.value(ctx, ev.SecretID, "", stageCurrent)
	if err != nil {
		return err
	}
	if err := checkValue("the AWSCURRENT value", current); err != nil {
		return err
	}
	deployed, err := r.waitDeployed(ctx)
	if err != nil {
		return err
	}
	if deployed != current {
		return fmt.Errorf("distribution %s: %w: the rule keeps its values", r.DistributionID, ErrNotSet)
	}
	n, err := r.narrowRule(ctx, current)
	if err != nil {
		return err
	}
	log.Info("listener rule accepts only the current value", "rule_values", n)
	return nil
}
