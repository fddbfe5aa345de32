package rotation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
)

// statusDeployed is a distribution whose configuration every edge location
// serves.
const statusDeployed = "Deployed"

// updateAttempts bounds the UpdateDistribution retries after
// PreconditionFailed (someone else changed the distribution in between).
const updateAttempts = 3

// updateBackoff is the pause before the second UpdateDistribution attempt;
// the third waits twice as long.
const updateBackoff = 200 * time.Millisecond

// originHeader is the custom header on the origin in cfg.
func (r *Rotator) originHeader(cfg *cftypes.DistributionConfig) (*cftypes.OriginCustomHeader, error) {
	if cfg == nil || cfg.Origins == nil {
		return nil, fmt.Errorf("distribution %s has no origins: %w", r.DistributionID, ErrConfig)
	}
	for i := range cfg.Origins.Items {
		o := &cfg.Origins.Items[i]
		if aws.ToString(o.Id) != r.OriginID {
			continue
		}
		if o.CustomHeaders != nil {
			for j := range o.CustomHeaders.Items {
				if h := &o.CustomHeaders.Items[j]; strings.EqualFold(aws.ToString(h.HeaderName), r.HeaderName) {
					return h, nil
				}
			}
		}
		return nil, fmt.Errorf("origin %s of distribution %s has no custom header %s: %w", r.OriginID, r.DistributionID, r.HeaderName, ErrConfig)
	}
	return nil, fmt.Errorf("distribution %s has no origin %s: %w", r.DistributionID, r.OriginID, ErrConfig)
}

// distribution is the distribution's status and the header value it is
// configured with, read by one poll of a wait that ends at deadline.
func (r *Rotator) distribution(ctx context.Context, deadline time.Time) (status, value string, err error) {
	cctx, cancel, err := r.poll(ctx, deadline)
	if err != nil {
		return "", "", fmt.Errorf("get distribution: %w", err)
	}
	defer cancel()
	out, err := r.CloudFront.GetDistribution(cctx, &cloudfront.GetDistributionInput{Id: aws.String(r.DistributionID)})
	if err != nil {
		return "", "", fmt.Errorf("get distribution: %w", err)
	}
	if out.Distribution == nil {
		return "", "", fmt.Errorf("distribution %s: empty answer: %w", r.DistributionID, ErrConfig)
	}
	h, err := r.originHeader(out.Distribution.DistributionConfig)
	if err != nil {
		return "", "", err
	}
	return aws.ToString(out.Distribution.Status), aws.ToString(h.HeaderValue), nil
}

// waitDeployed polls until the distribution is Deployed, so that every edge
// location sends the value it returns, or until DeployTimeout (or the
// invocation's deadline) passes.
func (r *Rotator) waitDeployed(ctx context.Context) (string, error) {
	deadline := r.deadline(ctx, r.DeployTimeout)
	for {
		status, value, err := r.distribution(ctx, deadline)
		if err != nil {
			return "", err
		}
		if status == statusDeployed {
			return value, nil
		}
		if err := r.pause(ctx, deadline); err != nil {
			return "", fmt.Errorf("wait for distribution %s to be Deployed (still %s): %w", r.DistributionID, status, err)
		}
	}
}

// setOriginHeader changes the origin's header from the value from to to. It
// changes nothing and fails when the distribution holds neither (someone
// else changed it since the caller read it).
func (r *Rotator) setOriginHeader(ctx context.Context, from, to string) error {
	var err error
	for attempt := range updateAttempts {
		if attempt > 0 {
			if err := r.sleep(ctx, time.Duration(attempt)*updateBackoff); err != nil {
				return fmt.Errorf("update distribution %s: %w", r.DistributionID, err)
			}
		}
		var updated bool
		updated, err = r.updateOriginHeader(ctx, from, to)
		var stale *cftypes.PreconditionFailed
		if errors.As(err, &stale) {
			r.logger().Info("distribution changed between read and update: retrying", "distribution_id", r.DistributionID)
			continue
		}
		if err == nil && updated {
			r.logger().Info("origin header updated", "distribution_id", r.DistributionID)
		}
		return err
	}
	return fmt.Errorf("update distribution %s: PreconditionFailed %d times: %w", r.DistributionID, updateAttempts, err)
}

// updateOriginHeader is one read and update of the distribution's
// configuration; updated is false when it already had the value.
func (r *Rotator) updateOriginHeader(ctx context.Context, from, to string) (updated bool, err error) {
	cctx, cancel := r.call(ctx)
	defer cancel()
	out, err := r.CloudFront.GetDistributionConfig(cctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(r.DistributionID)})
	if err != nil {
		return false, fmt.Errorf("get distribution config: %w", err)
	}
	h, err := r.originHeader(out.DistributionConfig)
	if err != nil {
		return false, err
	}
	switch aws.ToString(h.HeaderValue) {
	case to:
		return false, nil
	case from:
	default:
		return false, fmt.Errorf("distribution %s: the origin header changed since it was read: %w", r.DistributionID, ErrConfig)
	}
	h.HeaderValue = aws.String(to)
	cctx, cancel = r.call(ctx)
	defer cancel()
	if _, err := r.CloudFront.UpdateDistribution(cctx, &cloudfront.UpdateDistributionInput{
		Id:                 aws.String(r.DistributionID),
		IfMatch:            out.ETag,
		DistributionConfig: out.DistributionConfig,
	}); err != nil {
		return false, fmt.Errorf("update distribution: %w", err)
	}
	return true, nil
}
