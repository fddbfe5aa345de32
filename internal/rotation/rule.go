package rotation

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// rule is the listener rule as read, with the index of its condition on the
// header.
type rule struct {
	conditions []elbtypes.RuleCondition
	header     int
}

// values are the values the rule's header condition accepts.
func (ru rule) values() []string {
	return ru.conditions[ru.header].HttpHeaderConfig.Values
}

// readRule reads the listener rule and finds its http-header condition on
// the header.
func (r *Rotator) readRule(ctx context.Context) (rule, error) {
	cctx, cancel := r.call(ctx)
	defer cancel()
	out, err := r.LoadBalancer.DescribeRules(cctx, &elasticloadbalancingv2.DescribeRulesInput{RuleArns: []string{r.RuleARN}})
	if err != nil {
		return rule{}, fmt.Errorf("describe listener rule: %w", err)
	}
	if len(out.Rules) != 1 {
		return rule{}, fmt.Errorf("listener rule %s: %d rules described: %w", r.RuleARN, len(out.Rules), ErrConfig)
	}
	ru := rule{conditions: out.Rules[0].Conditions, header: -1}
	for i, c := range ru.conditions {
		if aws.ToString(c.Field) == "http-header" && c.HttpHeaderConfig != nil &&
			strings.EqualFold(aws.ToString(c.HttpHeaderConfig.HttpHeaderName), r.HeaderName) {
			if ru.header >= 0 {
				return rule{}, fmt.Errorf("listener rule %s has two http-header conditions on %s: %w", r.RuleARN, r.HeaderName, ErrConfig)
			}
			ru.header = i
		}
	}
	if ru.header < 0 {
		return rule{}, fmt.Errorf("listener rule %s has no http-header condition on %s: %w", r.RuleARN, r.HeaderName, ErrConfig)
	}
	return ru, nil
}

// writeRule sets the values of the rule's header condition, in one
// ModifyRule: the ALB goes from the old set to the new one with nothing in
// between. Its other conditions are sent back unchanged.
func (r *Rotator) writeRule(ctx context.Context, ru rule, values []string) error {
	if len(values) == 0 || len(values) > MaxRuleValues {
		return fmt.Errorf("listener rule %s: %d values, want 1 to %d: %w", r.RuleARN, len(values), MaxRuleValues, ErrConfig)
	}
	conditions := make([]elbtypes.RuleCondition, len(ru.conditions))
	for i, c := range ru.conditions {
		// DescribeRules may fill the legacy Values beside a condition's
		// typed configuration; ModifyRule refuses both at once.
		if c.HttpHeaderConfig != nil || c.HostHeaderConfig != nil || c.PathPatternConfig != nil ||
			c.HttpRequestMethodConfig != nil || c.QueryStringConfig != nil || c.SourceIpConfig != nil {
			c.Values = nil
		}
		conditions[i] = c
	}
	// A copy of the header condition's configuration, its other fields
	// kept, with the new values.
	header := *ru.conditions[ru.header].HttpHeaderConfig
	header.Values = values
	conditions[ru.header].HttpHeaderConfig = &header
	cctx, cancel := r.call(ctx)
	defer cancel()
	if _, err := r.LoadBalancer.ModifyRule(cctx, &elasticloadbalancingv2.ModifyRuleInput{
		RuleArn:    aws.String(r.RuleARN),
		Conditions: conditions,
	}); err != nil {
		return fmt.Errorf("modify listener rule: %w", err)
	}
	return nil
}

// keepValues is the rule's next value set: the values of have that are in
// want, in have's order, then those of want that have lacks, in want's
// order, each once. Every other value is dropped.
func keepValues(have []string, want ...string) []string {
	var out []string
	for _, v := range have {
		if slices.Contains(want, v) && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	for _, v := range want {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// narrowRule makes the rule hold exactly keepValues(its values, want...),
// writing it only when that differs.
func (r *Rotator) narrowRule(ctx context.Context, want ...string) (int, error) {
	ru, err := r.readRule(ctx)
	if err != nil {
		return 0, err
	}
	next := keepValues(ru.values(), want...)
	if slices.Equal(next, ru.values()) {
		return len(next), nil
	}
	return len(next), r.writeRule(ctx, ru, next)
}
