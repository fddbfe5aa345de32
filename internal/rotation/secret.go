package rotation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// secretState is the secret's versions and their staging labels.
type secretState struct {
	stages  map[string][]string // version ID -> labels
	current string              // the version staged AWSCURRENT
	pending string              // the version staged AWSPENDING, if any
}

// describe reads the secret's versions and checks that rotation is enabled.
func (r *Rotator) describe(ctx context.Context, secretID string) (secretState, error) {
	cctx, cancel := r.call(ctx)
	defer cancel()
	out, err := r.Secrets.DescribeSecret(cctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(secretID)})
	if err != nil {
		return secretState{}, fmt.Errorf("describe secret: %w", err)
	}
	if !aws.ToBool(out.RotationEnabled) {
		return secretState{}, fmt.Errorf("secret %s: %w", secretID, ErrRotationDisabled)
	}
	s := secretState{stages: out.VersionIdsToStages}
	for id, stages := range out.VersionIdsToStages {
		if slices.Contains(stages, stageCurrent) {
			s.current = id
		}
		if slices.Contains(stages, stagePending) {
			s.pending = id
		}
	}
	if s.current == "" {
		return secretState{}, fmt.Errorf("secret %s has no AWSCURRENT version: %w", secretID, ErrConfig)
	}
	return s, nil
}

// value is the string of the version staged stage (and with versionID, when
// not empty). A version without a value is a *ResourceNotFoundException.
func (r *Rotator) value(ctx context.Context, secretID, versionID, stage string) (string, error) {
	in := &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretID), VersionStage: aws.String(stage)}
	if versionID != "" {
		in.VersionId = aws.String(versionID)
	}
	cctx, cancel := r.call(ctx)
	defer cancel()
	out, err := r.Secrets.GetSecretValue(cctx, in)
	if err != nil {
		return "", fmt.Errorf("get the %s value: %w", stage, err)
	}
	if out.SecretString == nil {
		return "", fmt.Errorf("the %s version has no string value: %w", stage, ErrBadValue)
	}
	return *out.SecretString, nil
}

// values are the current and the pending value, both checked.
func (r *Rotator) values(ctx context.Context, ev Event) (current, pending string, err error) {
	if current, err = r.value(ctx, ev.SecretID, "", stageCurrent); err != nil {
		return "", "", err
	}
	if err := checkValue("the AWSCURRENT value", current); err != nil {
		return "", "", err
	}
	if pending, err = r.value(ctx, ev.SecretID, ev.ClientRequestToken, stagePending); err != nil {
		return "", "", err
	}
	if err := checkValue("the AWSPENDING value", pending); err != nil {
		return "", "", err
	}
	return current, pending, nil
}

// createSecret puts a new value as the token's AWSPENDING version, unless
// that version already has one: Secrets Manager created the version, without
// a value, when the rotation started, and a rerun keeps the value an
// earlier run put.
func (r *Rotator) createSecret(ctx context.Context, ev Event, log *slog.Logger) error {
	if _, err := r.value(ctx, ev.SecretID, "", stageCurrent); err != nil {
		return err
	}
	_, err := r.value(ctx, ev.SecretID, ev.ClientRequestToken, stagePending)
	var notFound *smtypes.ResourceNotFoundException
	switch {
	case err == nil:
		log.Info("pending value exists: kept")
		return nil
	case !errors.As(err, &notFound):
		return err
	}
	v, err := r.newValue()
	if err != nil {
		return err
	}
	cctx, cancel := r.call(ctx)
	defer cancel()
	// The token makes the put idempotent: a retry with the same value
	// is accepted, another value for the same token refused
	// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html).
	if _, err := r.Secrets.PutSecretValue(cctx, &secretsmanager.PutSecretValueInput{
		SecretId:           aws.String(ev.SecretID),
		ClientRequestToken: aws.String(ev.ClientRequestToken),
		SecretString:       aws.String(v),
		VersionStages:      []string{stagePending},
	}); err != nil {
		return fmt.Errorf("put the pending value: %w", err)
	}
	log.Info("pending value put")
	return nil
}

// stage moves label to version toID (when not empty) from version fromID
// (when not empty).
func (r *Rotator) stage(ctx context.Context, secretID, label, toID, fromID string) error {
	in := &secretsmanager.UpdateSecretVersionStageInput{SecretId: aws.String(secretID), VersionStage: aws.String(label)}
	if toID != "" {
		in.MoveToVersionId = aws.String(toID)
	}
	if fromID != "" {
		in.RemoveFromVersionId = aws.String(fromID)
	}
	cctx, cancel := r.call(ctx)
	defer cancel()
	if _, err := r.Secrets.UpdateSecretVersionStage(cctx, in); err != nil {
		return fmt.Errorf("move %s: %w", label, err)
	}
	return nil
}
